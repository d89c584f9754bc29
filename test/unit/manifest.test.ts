import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/* The extension's manifest, read as VS Code and the Marketplace read it, and the files each package carries. */

const root = path.resolve(__dirname, '../..');
const raw = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
const readNls = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, string>;
const english = readNls('package.nls.json');
const japanese = readNls('package.nls.ja.json');
/** Every `%key%` placeholder of the manifest, as VS Code and vsce replace them. */
const placeholders = [...raw.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
/** The manifest as VS Code reads it in `nls`'s language: each `"%key%"` string replaced by its text. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const localized = (nls: Record<string, string>): any => JSON.parse(raw, (_key, value: unknown) => (typeof value === 'string' && /^%[^%]+%$/.test(value) ? (nls[value.slice(1, -1)] ?? value) : value));
const manifest = localized(english);
const contributes = manifest.contributes;

describe('the manifest (package.json)', () => {
  it('declares how it runs in untrusted and virtual workspaces', () => {
    const { untrustedWorkspaces, virtualWorkspaces } = manifest.capabilities;
    assert.equal(untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...untrustedWorkspaces.restrictedConfigurations].sort(), ['graphstep.maxMemoryMB', 'graphstep.maxTensorElements']);
    for (const key of untrustedWorkspaces.restrictedConfigurations as string[]) assert.ok(contributes.configuration.properties[key], `${key} is a setting`);
    // load() reads a virtual workspace's files through vscode.workspace.fs: nothing is left out there
    assert.equal(virtualWorkspaces, true);
  });

  it('has a browser entry beside the Node one (VS Code for the Web)', () => {
    assert.equal(manifest.main, './out/extension.js');
    assert.equal(manifest.browser, './out/web/extension.js');
    assert.ok(fs.existsSync(path.join(root, manifest.browser)), 'built (node scripts/build.mjs)');
    assert.equal(manifest.extensionKind, undefined, 'VS Code picks the host: Node on the desktop and in a remote, the browser on the web');
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
      for (const clause of when.split('||').map((c) => c.trim())) assert.match(clause, /^(editorLangId == graphstep|activeWebviewPanelId == 'graphstep.graph')( && graphstep\.trainingState (==|!=|=~) \S+)?$/, `${command}: ${when}`);
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

describe('the manifest in English and Japanese (package.nls.json, package.nls.ja.json)', () => {
  it('has every user-visible text of the manifest in package.nls.json, none left in the manifest', () => {
    assert.ok(placeholders.length > 40, `${placeholders.length} texts`);
    for (const key of placeholders) assert.ok(english[key], `${key} in package.nls.json`);
    const m = JSON.parse(raw);
    const literal = (v: unknown): boolean => typeof v === 'string' && !/^%[^%]+%$/.test(v);
    for (const c of m.contributes.commands) assert.ok(!literal(c.title), `${c.command}: title through package.nls.json`);
    for (const [key, prop] of Object.entries(m.contributes.configuration.properties as Record<string, { markdownDescription: string; enumDescriptions?: string[] }>)) {
      assert.ok(!literal(prop.markdownDescription), key);
      for (const d of prop.enumDescriptions ?? []) assert.ok(!literal(d), key);
    }
    for (const w of m.contributes.walkthroughs) {
      assert.ok(!literal(w.title) && !literal(w.description));
      for (const step of w.steps) assert.ok(!literal(step.title) && !literal(step.description), step.id);
    }
    assert.ok(!literal(m.description));
  });

  it('translates every text into Japanese, keeping the command links and code', () => {
    assert.deepEqual(Object.keys(japanese).sort(), Object.keys(english).sort());
    for (const [key, text] of Object.entries(english)) {
      const ja = japanese[key]!;
      assert.ok(ja !== text, `${key} is translated`);
      assert.match(ja, /[\u3040-\u30ff\u4e00-\u9fff]/, `${key} reads as Japanese: ${ja}`);
      const keep = (s: string): string[] => [...s.matchAll(/\(command:[^)]+\)|`[^`]+`/g)].map((x) => x[0]).sort();
      assert.deepEqual(keep(ja), keep(text), `${key}: the same command links and code`);
    }
    const ja = localized(japanese);
    const title = (id: string): string => (ja.contributes.commands as { command: string; title: string }[]).find((c) => c.command === id)!.title;
    assert.equal(title('graphstep.runForward'), '順伝播を実行');
    assert.equal(title('graphstep.runBackward'), '逆伝播を実行');
    assert.equal(title('graphstep.gradientCheck'), '勾配確認');
  });

  it('names the folder of the translations of the code (vscode.l10n)', () => {
    assert.equal(manifest.l10n, './l10n');
    assert.ok(fs.existsSync(path.join(root, 'l10n', 'bundle.l10n.ja.json')));
  });
});

describe('what each package carries', function () {
  this.timeout(60_000);

  it('the .vsix holds what the extension runs: no CLI, no contributor docs, no sources', async () => {
    const { listFiles, PackageManager } = await import('@vscode/vsce');
    const files = await listFiles({ cwd: root, packageManager: PackageManager.None });
    for (const needed of ['package.json', 'package.nls.json', 'package.nls.ja.json', 'l10n/bundle.l10n.ja.json', 'out/extension.js', 'out/evalWorker.js', 'out/onnxImport.js', 'out/webview.js', 'out/web/extension.js', 'out/codicons/codicon.css', 'out/codicons/codicon.ttf', 'media/icon.png', 'syntaxes/graphstep.tmLanguage.json', 'docs/language.md', 'examples/apple.nn']) {
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
    assert.ok(kept.includes('l10n/*.json'), 'the translations the command line reads');
    assert.ok(ignore.split('\n').includes('**'), 'everything else is left out');
    assert.equal(manifest.bin.graphstep, './out/cli.js');
    assert.ok(!manifest.private, 'publishable');
  });
});
