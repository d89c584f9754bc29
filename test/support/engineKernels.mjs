// Loaded by mocha before the unit tests: builds the WebAssembly kernels' module from its
// source when it is missing or older (as `npm run build` does), then gives the engine the
// same kernels the CLI and the extension host use (relaxed SIMD, helper threads).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
execFileSync(process.execPath, [path.join(root, 'scripts/build-wasm.mjs')], { stdio: 'inherit' });
const { useNodeKernels } = await import('../../src/node/engineKernels.ts');
useNodeKernels();
