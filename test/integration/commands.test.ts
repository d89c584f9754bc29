import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { closeActiveEditor, graphStepExtension, openFile, waitFor } from './helpers';
import { exampleUri, graphStepApi, openUntitled } from './positions';

interface Label {
  readonly line: number;
  readonly text: string;
}

const labelsOf = (uri: vscode.Uri): Thenable<Label[]> => vscode.commands.executeCommand<Label[]>('_graphstep.inlineValueLabels', uri);

describe('commands, keybindings, menus, settings (issues 2, 4, 7, 8)', () => {
  let document: vscode.TextDocument;

  before(async () => {
    document = await openFile(exampleUri('apple.nn'));
    await vscode.commands.executeCommand('graphstep.reset');
  });

  after(() => vscode.commands.executeCommand('graphstep.reset'));

  const position = async (): Promise<number> => (await graphStepApi()).sessions.sessionFor(document).stepper!.position;

  it('Next, Previous, Run Forward, Run Backward and Reset move the position', async () => {
    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(await position(), 1);
    await vscode.commands.executeCommand('graphstep.previousStep');
    assert.equal(await position(), 0);
    await vscode.commands.executeCommand('graphstep.runForward');
    assert.equal(await position(), 2);
    await vscode.commands.executeCommand('graphstep.runBackward');
    assert.equal(await position(), 4);
    await vscode.commands.executeCommand('graphstep.reset');
    assert.equal(await position(), 0);
  });

  it('Run to Cursor goes to the step of the line under the cursor', async () => {
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(6, 3, 6, 3); // total = apple_sum * tax
    await vscode.commands.executeCommand('graphstep.runToCursor');
    assert.equal(await position(), 2);
    editor.selection = new vscode.Selection(1, 8, 1, 8); // input apple_num = 2: a leaf, so the step that completes its gradient (backward 2)
    await vscode.commands.executeCommand('graphstep.runToCursor');
    assert.equal(await position(), 4);
    await vscode.commands.executeCommand('graphstep.reset');
  });

  it('inline values advance with the steps and Reset clears them', async () => {
    await vscode.window.showTextDocument(document);
    assert.deepEqual(await labelsOf(document.uri), []);
    await vscode.commands.executeCommand('graphstep.nextStep');
    const first = new Map((await labelsOf(document.uri)).map((l) => [l.line, l.text]));
    assert.equal(first.get(5), '= 200');
    assert.equal(first.has(6), false);
    await vscode.commands.executeCommand('graphstep.runBackward');
    const last = new Map((await labelsOf(document.uri)).map((l) => [l.line, l.text]));
    assert.equal(last.get(1), '= 2   ∂ 110.00000000000001');
    assert.equal(last.get(2), '= 100   ∂ 2.2');
    assert.equal(last.get(3), '= 1.1   ∂ 200');
    assert.equal(last.get(6), '= 220.00000000000003   ∂ 1');
    await vscode.commands.executeCommand('graphstep.reset');
    assert.deepEqual(await labelsOf(document.uri), []);
  });

  it('the setting graphstep.inlineValues.enabled turns inline values off and on', async () => {
    const config = vscode.workspace.getConfiguration('graphstep');
    assert.equal(config.get('inlineValues.enabled'), true, 'on by default');
    await vscode.commands.executeCommand('graphstep.nextStep');
    try {
      await config.update('inlineValues.enabled', false, vscode.ConfigurationTarget.Global);
      await waitFor('inline values to clear', async () => (await labelsOf(document.uri)).length === 0);
    } finally {
      await config.update('inlineValues.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('inline values to come back', async () => (await labelsOf(document.uri)).length > 0);
    await vscode.commands.executeCommand('graphstep.reset');
  });

  it('shows problems as the user types and clears them when fixed', async () => {
    const editor = await openUntitled('input x = 2\ny = x * 3\n');
    const problems = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(editor.document.uri);
    await waitFor('the session to be checked', async () => (await graphStepApi()).sessions.sessionFor(editor.document).isCurrent);
    assert.deepEqual(problems(), []);
    await editor.edit((e) => e.replace(new vscode.Range(1, 4, 1, 5), 'xx'));
    await waitFor('a diagnostic for the unknown name', () => problems().length > 0);
    const [problem] = problems();
    assert.equal(problem!.severity, vscode.DiagnosticSeverity.Error);
    assert.match(problem!.message, /unknown name 'xx'/);
    assert.deepEqual([problem!.range.start.line, problem!.range.start.character, problem!.range.end.character], [1, 4, 6]);
    await editor.edit((e) => e.replace(new vscode.Range(1, 4, 1, 6), 'x'));
    await waitFor('the diagnostic to clear', () => problems().length === 0);
    await closeActiveEditor();
  });

  it('declares every command, keybindings scoped to .nn editors and the panel, and the editor-title button', () => {
    // the manifest as VS Code reads it: its %key% texts replaced from package.nls.json (English here)
    const manifest = graphStepExtension().packageJSON;
    const contributes = manifest.contributes;
    const titles = (contributes.commands as { command: string; title: string; category: string }[]).map((c) => `${c.category}: ${c.title}`);
    for (const t of ['Open Graph', 'Open Graph to the Side', 'Next Step', 'Previous Step', 'Run Forward Pass', 'Run Backward Pass', 'Reset', 'Run to Cursor', 'Gradient Check', 'Export Graph as SVG', 'Switch View']) {
      assert.ok(titles.includes(`GraphStep: ${t}`), `missing command ${t}`);
    }
    for (const kb of contributes.keybindings as { command: string; when: string }[]) {
      const clauses = kb.when.split('||').map((c) => c.trim());
      for (const clause of clauses) assert.match(clause, /editorLangId == graphstep|activeWebviewPanelId == 'graphstep.graph'/, `${kb.command} is not scoped: ${kb.when}`);
    }
    const title = contributes.menus['editor/title'] as { command: string; when: string; group: string }[];
    assert.ok(title.some((m) => m.command === 'graphstep.openGraphToSide' && m.when === 'editorLangId == graphstep' && m.group === 'navigation'));
    const props = contributes.configuration.properties;
    assert.equal(props['graphstep.inlineValues.enabled'].default, true);
    assert.equal(props['graphstep.panel.precision'].default, 4);
    assert.deepEqual(props['graphstep.panel.layoutDirection'].enum, ['auto', 'LR', 'TB']);
    assert.equal(props['graphstep.panel.layoutDirection'].default, 'auto');
    assert.ok(props['graphstep.maxTensorElements']);
  });

  it('has a walkthrough from the apple example to the two-layer net whose media exist', async () => {
    const root = graphStepExtension().extensionUri;
    const manifest = JSON.parse(fs.readFileSync(vscode.Uri.joinPath(root, 'package.json').fsPath, 'utf8'));
    const [walkthrough] = manifest.contributes.walkthroughs as { steps: { id: string; media: { markdown: string }; completionEvents: string[] }[] }[];
    const steps = walkthrough!.steps;
    assert.equal(steps[0]!.id, 'openApple');
    assert.ok(steps.some((s) => s.id === 'twoLayer'));
    for (const step of steps) {
      assert.ok(fs.existsSync(vscode.Uri.joinPath(root, step.media.markdown).fsPath), `missing ${step.media.markdown}`);
      assert.ok(step.completionEvents.length > 0);
    }
    const opened = await vscode.commands.executeCommand<vscode.TextDocument>('graphstep.openExample', 'apple.nn');
    assert.equal(opened.languageId, 'graphstep');
    assert.match(opened.getText(), /apple_sum = apple_num \* apple_price/);
    await closeActiveEditor();
  });
});
