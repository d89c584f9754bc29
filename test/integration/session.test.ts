import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DocumentSession } from '../../src/extension/sessions';
import { closeActiveEditor, waitFor } from './helpers';
import { graphStepApi, openUntitled } from './positions';

const APPLE = '# apples\ninput apple_num = 2\ninput apple_price = 100\ninput tax = 1.1\n\napple_sum = apple_num * apple_price\ntotal = apple_sum * tax\n';

/** A session of an untitled copy, so no test writes to the repository. */
async function untitledSession(text: string): Promise<{ editor: vscode.TextEditor; session: DocumentSession }> {
  const editor = await openUntitled(text);
  const session = (await graphStepApi()).sessions.sessionFor(editor.document);
  await waitFor('the first check', () => session.graph !== null || session.diagnostics.length > 0);
  return { editor, session };
}

async function edit(editor: vscode.TextEditor, change: (builder: vscode.TextEditorEdit) => void): Promise<void> {
  assert.ok(await editor.edit(change));
}

const scalar = (session: DocumentSession, name: string, what: 'value' | 'grad'): number | null => {
  const binding = [...session.check.bindings].reverse().find((b) => b.name === name)!;
  const t = session.stepper![what](binding.nodeId);
  return t ? t.data[0]! : null;
};

describe('the session of a document (the apple slice)', () => {
  afterEach(() => closeActiveEditor());

  it('steps the apple graph: 200, then 220.00000000000003, then the gradients', async () => {
    const { session } = await untitledSession(APPLE);
    assert.equal(session.stepper!.total, 4);
    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(scalar(session, 'apple_sum', 'value'), 200);
    assert.equal(scalar(session, 'total', 'value'), null);
    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(scalar(session, 'total', 'value'), 220.00000000000003);
    await vscode.commands.executeCommand('graphstep.runBackward');
    assert.equal(scalar(session, 'apple_sum', 'grad'), 1.1);
    assert.equal(scalar(session, 'tax', 'grad'), 200);
    assert.equal(scalar(session, 'apple_price', 'grad'), 2.2);
    assert.equal(scalar(session, 'apple_num', 'grad'), 110.00000000000001);
  });

  it('keeps the position across an edit when it still exists, and the numbers follow the new text', async () => {
    const { editor, session } = await untitledSession(APPLE);
    await vscode.commands.executeCommand('graphstep.runForward');
    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(session.stepper!.position, 3);
    const before = session.graph;
    await edit(editor, (b) => b.replace(new vscode.Range(3, 12, 3, 15), '1.2'));
    await waitFor('the rebuild', () => session.graph !== before);
    assert.equal(session.stepper!.position, 3, 'same position on the new graph');
    assert.equal(scalar(session, 'total', 'value'), 240);
    assert.equal(scalar(session, 'apple_sum', 'grad'), 1.2);
  });

  it('keeps the position on the same node when an unrelated statement is added at the end of the backward pass', async () => {
    const { editor, session } = await untitledSession(APPLE);
    await vscode.commands.executeCommand('graphstep.runBackward');
    const end = session.stepper!.position;
    assert.equal(session.stepper!.describePosition(), 'backward 2/2');
    for (const [k, line] of ['extra = tax * 3\n', 'more = tax + 1\n'].entries()) {
      const before = session.graph;
      await edit(editor, (b) => b.insert(new vscode.Position(5, 0), line));
      await waitFor(`rebuild ${k + 1}`, () => session.graph !== before && session.graph!.nodes.length > before!.nodes.length);
      // The new ops add forward steps before the old ones, so the same node now sits at a later index.
      assert.equal(session.stepper!.position, session.stepper!.total, 'still after the last backward step');
      assert.ok(session.stepper!.position > end);
      assert.equal(scalar(session, 'apple_num', 'grad'), 110.00000000000001);
    }
  });

  it('moves to the last position when the edited graph is shorter', async () => {
    const { editor, session } = await untitledSession(APPLE);
    await vscode.commands.executeCommand('graphstep.runBackward');
    const before = session.graph;
    await edit(editor, (b) => b.delete(new vscode.Range(6, 0, 7, 0)));
    await waitFor('the rebuild', () => session.graph !== before);
    assert.equal(session.stepper!.total, 2);
    assert.equal(session.stepper!.position, 2);
  });

  it('keeps the position of a very costly graph across an edit, recomputing its tape in the thread', async () => {
    // 800·800·800 = 5.12e8 multiply-adds per pass: more than the background check runs unasked.
    const { editor, session } = await untitledSession('input x = ones(800, 800)\ny = x @ x\n');
    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(session.stepper!.position, 1);
    const before = session.graph;
    await edit(editor, (b) => b.insert(new vscode.Position(0, 0), '# costly\n'));
    await waitFor('the rebuild', () => session.graph !== before && session.isSettled, 30_000);
    assert.equal(session.stepper!.position, 1);
    assert.equal(session.stepper!.value(1)!.data[0], 800);
  });

  it('keeps the last good graph and its position while the text has an error, with a ranged diagnostic', async () => {
    const { editor, session } = await untitledSession(APPLE);
    await vscode.commands.executeCommand('graphstep.nextStep');
    const good = session.graph;
    await edit(editor, (b) => b.insert(new vscode.Position(6, 0), 'oops = apple_num @ \n'));
    await waitFor('the error', () => session.diagnostics.some((d) => d.severity === 'error'));
    assert.equal(session.graph, good, 'the last good graph stays');
    assert.equal(session.isCurrent, false);
    assert.equal(session.stepper!.position, 1);
    const [problem] = vscode.languages.getDiagnostics(editor.document.uri);
    assert.ok(problem);
    assert.equal(problem.range.start.line, 6);
    assert.match(problem.message, /expected a value/);
    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(session.stepper!.position, 2, 'stepping the last good graph still works');
  });

  it('warns at the node that first makes NaN, after the check', async () => {
    const { editor } = await untitledSession('input x = -1\ny = sqrt(x)\nz = y * 2\n');
    await waitFor('the NaN warning', () => vscode.languages.getDiagnostics(editor.document.uri).length > 0);
    const [warning] = vscode.languages.getDiagnostics(editor.document.uri);
    assert.equal(warning!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(warning!.range.start.line, 1);
    assert.match(warning!.message, /NaN/);
  });
});
