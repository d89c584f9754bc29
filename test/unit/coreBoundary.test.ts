import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The pure core runs in the CLI, the extension host, the webview and the tests alike, so it imports nothing host-specific. */
describe('the pure core (src/core)', () => {
  const root = path.resolve(__dirname, '../../src/core');
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(root);

  it('has source files to check', () => {
    assert.ok(files.length >= 5, `found ${files.length}`);
  });

  it('imports only relative modules: no vscode, no node built-ins, no packages that touch the DOM', () => {
    // pure computation, the same in every host: a layout library, fflate's synchronous (de)compression, the ONNX protobuf decoder,
    // and @vscode/l10n's `t` (its browser build for the webview; only `config({ contents })` is used, which reads no file)
    const allowedPackages = ['@dagrejs/dagre', 'fflate', 'onnx-proto', '@vscode/l10n'];
    const offenders: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        if (spec.startsWith('.') || allowedPackages.includes(spec)) continue;
        offenders.push(`${path.relative(root, file)}: ${spec}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('uses no DOM or Node globals', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      for (const global of ['document.', 'window.', 'process.', 'Buffer.', '__dirname']) {
        if (text.includes(global)) offenders.push(`${path.relative(root, file)}: ${global}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
