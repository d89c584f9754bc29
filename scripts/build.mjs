// Builds the four bundles: the extension host, its evaluation thread, the command line, and the webview.
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';
import './build-wasm.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  target: 'es2022',
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'out/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { ...common, entryPoints: ['src/extension/worker/evalWorker.ts'], outfile: 'out/evalWorker.js', platform: 'node', format: 'cjs' },
  // the ONNX import, loaded by the extension only when its command runs (the protobuf decoder stays out of out/extension.js)
  { ...common, entryPoints: ['src/core/onnx/importModel.ts'], outfile: 'out/onnxImport.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['src/cli/cli.ts'], outfile: 'out/cli.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  // style sheets the webview imports (uPlot's, the training strip's) come as text, put in the page under its nonce
  { ...common, entryPoints: ['media/webview.ts'], outfile: 'out/webview.js', platform: 'browser', format: 'iife', loader: { '.css': 'text' } },
];

// VS Code's icon font for the panel's toolbar, beside the bundles (the .vsix carries out/codicons).
fs.mkdirSync('out/codicons', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `out/codicons/${file}`);

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
