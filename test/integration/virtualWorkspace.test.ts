import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MemoryFileSystem } from '../support/memoryFileSystem';
import { closeAllEditors, openFile, waitFor } from './helpers';
import { graphStepApi } from './positions';

describe('a .nn file of a virtual workspace in the Node extension host (no disk path, only vscode.workspace.fs)', () => {
  const memory = new MemoryFileSystem('graphstep-memory');
  let registration: vscode.Disposable | undefined;

  before(() => {
    registration = vscode.workspace.registerFileSystemProvider(memory.scheme, memory);
  });

  after(async () => {
    await closeAllEditors();
    registration?.dispose();
  });

  it('loads the files beside it through the workspace file system, and not those outside its folder', async () => {
    memory.put('/project/data/x.csv', '1.5,-2\n0.25,8\n');
    memory.put('/secret.csv', '7\n');
    const document = await openFile(memory.put('/project/net.nn', 'input x = load("data/x.csv")\ny = sum(x * x)\n'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    await waitFor('the graph', () => session.graph !== null);
    const graph = session.graph!;
    assert.deepEqual(Array.from(graph.nodes.find((n) => n.name === 'x')!.value!.data), [1.5, -2, 0.25, 8]);
    await vscode.commands.executeCommand('graphstep.runForward');
    assert.equal(session.stepper!.value(graph.output!)!.data[0], 1.5 * 1.5 + 4 + 0.0625 + 64);

    const outside = await openFile(memory.put('/project/up.nn', 'input s = load("../secret.csv")\n'));
    await waitFor('the refusal', () => vscode.languages.getDiagnostics(outside.uri).length > 0);
    assert.match(vscode.languages.getDiagnostics(outside.uri)[0]!.message, /expected a path inside the workspace folder, found "\.\.\/secret\.csv": its '\.\.' leads outside "\/project"/);
  });
});
