import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/* The browser's bundles (VS Code for the Web) hold nothing from Node, and their build says so when something would. */

const root = path.resolve(__dirname, '../..');

async function webBuild(entry: string, write = false): Promise<esbuild.BuildResult & { metafile: esbuild.Metafile }> {
  const { webOptions, workerSource } = (await import(path.join(root, 'scripts/web-build.mjs'))) as {
    webOptions: (common: object, production: boolean) => esbuild.BuildOptions & { plugins: esbuild.Plugin[] };
    workerSource: (text: () => string) => esbuild.Plugin;
  };
  const options = webOptions({ bundle: true, logLevel: 'silent', target: 'es2022' }, false);
  return esbuild.build({ ...options, plugins: [...options.plugins, workerSource(() => '')], entryPoints: [entry], write, outdir: os.tmpdir(), external: ['vscode'], metafile: true, absWorkingDir: root });
}

describe('the browser build (out/web/extension.js)', function () {
  this.timeout(60_000);

  it('the web extension and its evaluation thread bundle no Node code: nothing from src/node, no Node module', async () => {
    const shared = { 'src/web/extension.ts': ['src/extension/activate.ts', 'src/extension/sessions.ts', 'src/extension/worker/tapeClient.ts'], 'src/web/evalWorker.ts': ['src/extension/worker/tapeService.ts', 'src/core/check.ts'] };
    for (const [entry, logic] of Object.entries(shared)) {
      const { metafile } = await webBuild(entry);
      const inputs = Object.keys(metafile.inputs);
      for (const file of logic) assert.ok(inputs.includes(file), `${entry} shares ${file} with the Node entry`);
      assert.deepEqual(inputs.filter((i) => i.startsWith('src/node/') || i === 'src/extension/extension.ts' || i === 'src/extension/worker/evalWorker.ts'), [], entry);
      const imports = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
      assert.deepEqual([...new Set(imports)].filter((i) => i !== 'vscode'), [], `${entry} leaves only vscode to the host`);
    }
  });

  it('fails, naming the module and who imports it, when a Node module sneaks in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-webbuild-'));
    try {
      const entry = path.join(dir, 'entry.ts');
      fs.writeFileSync(entry, "import { readFileSync } from 'node:fs';\nimport { Worker } from 'worker_threads';\nexport const x = [readFileSync, Worker];\n");
      await assert.rejects(webBuild(entry), (e: Error) => {
        assert.match(e.message, /must not import the Node module 'node:fs' \(imported by .*entry\.ts\)/);
        assert.match(e.message, /must not import the Node module 'worker_threads'/);
        return true;
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the built bundle requires nothing but vscode', () => {
    const text = fs.readFileSync(path.join(root, 'out/web/extension.js'), 'utf8');
    const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]));
    assert.deepEqual([...required], ['vscode']);
  });
});
