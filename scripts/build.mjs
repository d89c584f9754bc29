// Builds the bundles: the extension host on Node and its evaluation thread, the command line, the
// webview, and the extension for the browser (VS Code for the Web) with its evaluation thread inside.
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';
import './build-wasm.mjs';
import { noNodeModules, webOptions, workerSource } from './web-build.mjs';

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

const web = webOptions(common, production);
const webWorker = { ...web, entryPoints: ['src/web/evalWorker.ts'], format: 'iife', write: false, sourcemap: false, outfile: 'out/web/evalWorker.js' };

let workerText = '';
const webExtension = {
  ...web,
  entryPoints: ['src/web/extension.ts'],
  outfile: 'out/web/extension.js',
  external: ['vscode'],
  metafile: true,
  plugins: [noNodeModules, workerSource(() => workerText)],
};

/** The web extension may leave only `vscode` to the host: anything else it required would not be there. */
function checkWebImports(result) {
  const outside = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && i.path !== 'vscode').map((i) => i.path));
  if (outside.length > 0) throw new Error(`out/web/extension.js requires modules the browser has not: ${outside.join(', ')}`);
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  workerText = (await esbuild.build(webWorker)).outputFiles[0].text;
  await (await esbuild.context(webExtension)).watch();
} else {
  const webDone = esbuild.build(webWorker).then(async (worker) => {
    workerText = worker.outputFiles[0].text;
    checkWebImports(await esbuild.build(webExtension));
  });
  await Promise.all([...builds.map((options) => esbuild.build(options)), webDone]);
}
