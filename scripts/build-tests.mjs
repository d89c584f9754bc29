// Bundles the integration suite for the extension host: test/integration/index.ts
// and every test/integration/**/*.test.ts become out/test/integration/**/*.js,
// CommonJS, with `vscode` (given by the host) and mocha (from node_modules) left as requires.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { webOptions } from './web-build.mjs';

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

// The browser suite (test/web), run in the web worker extension host: one bundle with mocha's
// browser build and chai inside (that host gives a module nothing but `vscode`), built like the web extension.
const webResult = await esbuild.build({
  ...webOptions({ bundle: true, sourcemap: 'inline', logLevel: 'warning', target: 'es2022' }, false),
  entryPoints: ['test/web/index.ts'],
  outfile: 'out/test/web/index.js',
  external: ['vscode'],
  metafile: true,
});
const outside = Object.values(webResult.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && i.path !== 'vscode').map((i) => i.path));
if (outside.length > 0) throw new Error(`out/test/web/index.js requires modules the browser has not: ${outside.join(', ')}`);
