import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/* The extension's manifest, read as VS Code and the Marketplace read it, and the files each package carries. */

const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as any;
const contributes = manifest.contributes;

describe('the manifest (package.json)', () => {
  it('declares how it runs in untrusted and virtual workspaces', () => {
    const { untrustedWorkspaces, virtualWorkspaces } = manifest.capabilities;
    assert.equal(untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...untrustedWorkspaces.restrictedConfigurations].sort(), ['graphstep.maxMemoryMB', 'graphstep.maxTensorElements']);
    for (const key of untrustedWorkspaces.restrictedConfigurations as string[]) assert.ok(contributes.configuration.properties[key], `${key} is a setting`);
    assert.equal(virtualWorkspaces.supported, 'limited');
    assert.match(virtualWorkspaces.description, /load\(\)/);
  });

  it('gives every setting a scope, an exact type and a markdown description', () => {
    const props = contributes.configuration.properties as Record<string, { type: string; scope?: string; markdownDescription?: string; default: unknown }>;
    for (const [key, prop] of Object.entries(props)) {
      assert.equal(prop.scope, 'resource', `${key}: read per document`);
      assert.ok(prop.markdownDescription && prop.markdownDescription.length > 20, `${key}: markdown description`);
      if (typeof prop.default === 'number') assert.equal(prop.type, Number.isInteger(prop.default) ? 'integer' : 'number', `${key}: type`);
    }
    assert.equal(props['graphstep.maxTensorElements']!.type, 'integer');
  });

  it('shows GraphStep commands in the palette only where they act', () => {
    const palette = new Map((contributes.menus.commandPalette as { command: string; when: string }[]).map((m) => [m.command, m.when]));
    for (const { command } of contributes.commands as { command: string }[]) {
      if (command === 'graphstep.openExample' || command === 'graphstep.importOnnx') {
        assert.ok(!palette.has(command), `${command} works anywhere`);
        continue;
      }
      const when = palette.get(command);
      assert.ok(when, `${command} has a when clause`);
      for (const clause of when.split('||').map((c) => c.trim())) assert.match(clause, /^(editorLangId == graphstep|activeWebviewPanelId == 'graphstep.graph')$/, `${command}: ${when}`);
    }
  });

  it('puts the step buttons, with their icons, in the editor title while the graph panel is active', () => {
    const title = contributes.menus['editor/title'] as { command: string; when: string; group: string }[];
    const icons = new Map((contributes.commands as { command: string; icon?: string }[]).map((c) => [c.command, c.icon]));
    for (const command of ['graphstep.reset', 'graphstep.previousStep', 'graphstep.nextStep', 'graphstep.runForward', 'graphstep.runBackward']) {
      const item = title.find((m) => m.command === command);
      assert.ok(item, `${command} in the editor title`);
      assert.equal(item.when, "activeWebviewPanelId == 'graphstep.graph'");
      assert.match(item.group, /^navigation/);
      assert.match(icons.get(command) ?? '', /^\$\([a-z-]+\)$/, `${command} has an icon`);
    }
  });

  it('has an icon, a repository and no activation event the language already gives', () => {
    const icon = fs.readFileSync(path.join(root, manifest.icon));
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'a 128×128 PNG');
    assert.match(manifest.repository.url, /^https:\/\/.+\.git$/);
    assert.ok(!(manifest.activationEvents as string[]).some((e) => e.startsWith('onLanguage:')));
  });
});

describe('what each package carries', function () {
  this.timeout(60_000);

  it('the .vsix holds what the extension runs: no CLI, no contributor docs, no sources', async () => {
    const { listFiles, PackageManager } = await import('@vscode/vsce');
    const files = await listFiles({ cwd: root, packageManager: PackageManager.None });
    for (const needed of ['package.json', 'out/extension.js', 'out/evalWorker.js', 'out/onnxImport.js', 'out/webview.js', 'out/codicons/codicon.css', 'out/codicons/codicon.ttf', 'media/icon.png', 'syntaxes/graphstep.tmLanguage.json', 'docs/language.md', 'examples/apple.nn']) {
      assert.ok(files.includes(needed), `${needed} in the .vsix`);
    }
    assert.deepEqual(
      files.filter((f) => f === 'out/cli.js' || f === 'docs/testing.md' || f.endsWith('.ts') || f.startsWith('test/') || f.startsWith('node_modules/')),
      [],
    );
  });

  it('the npm package is the command line alone', () => {
    const ignore = fs.readFileSync(path.join(root, '.npmignore'), 'utf8');
    const kept = ignore.split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    assert.ok(kept.includes('out/cli.js'));
    assert.ok(ignore.split('\n').includes('**'), 'everything else is left out');
    assert.equal(manifest.bin.graphstep, './out/cli.js');
    assert.ok(!manifest.private, 'publishable');
  });
});
