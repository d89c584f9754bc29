// Bundles the integration suite for the extension host: test/integration/index.ts
// and every test/integration/**/*.test.ts become out/test/integration/**/*.js,
// CommonJS, with `vscode` (given by the host) and mocha (from node_modules) left as requires.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const source = 'test/integration';
const outdir = 'out/test/integration';

const entryPoints = fs
  .readdirSync(source, { recursive: true, encoding: 'utf8' })
  .filter((file) => file === 'index.ts' || file.endsWith('.test.ts'))
  .map((file) => path.join(source, file));

fs.rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outbase: source,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
