import { assert } from 'chai';
import * as vscode from 'vscode';
import type { DocumentSession } from '../../src/extension/sessions';
import { MemoryFileSystem } from '../support/memoryFileSystem';
import { graphStepApi, openFile, problems, waitFor } from './helpers';

describe('a .nn file of a virtual workspace (no disk path, only vscode.workspace.fs)', () => {
  const memory = new MemoryFileSystem('graphstep-web-memory');
  let registration: vscode.Disposable | undefined;

  before(() => {
    registration = vscode.workspace.registerFileSystemProvider(memory.scheme, memory);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    registration?.dispose();
  });

  it('loads the files beside it through the workspace file system, and not those outside its folder', async () => {
    memory.put('/project/data/x.csv', '1.5,-2\n0.25,8\n');
    memory.put('/secret.csv', '7\n');
    const document = await openFile(memory.put('/project/net.nn', 'input x = load("data/x.csv")\ny = sum(x * x)\n'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    const graph = await waitFor('the graph', () => session.graph);
    assert.deepEqual(Array.from(graph.nodes.find((n) => n.name === 'x')!.value!.data), [1.5, -2, 0.25, 8]);
    await vscode.commands.executeCommand('graphstep.runForward');
    assert.equal(session.stepper!.value(graph.output!)!.data[0], 1.5 * 1.5 + 4 + 0.0625 + 64);

    const outside = await openFile(memory.put('/project/up.nn', 'input s = load("../secret.csv")\n'));
    const [message] = await waitFor('the refusal', () => problems(outside).length > 0 && problems(outside));
    assert.match(message!, /expected a path inside the workspace folder, found "\.\.\/secret\.csv": its '\.\.' leads outside "\/project"/);
  });

  it('reads a loaded file once per change of it: a second check does not read it again, a change the watcher sees is read', async () => {
    const leaf = (session: DocumentSession): number[] | undefined => {
      const x = session.graph?.nodes.find((n) => n.name === 'x');
      return x?.value ? Array.from(x.value.data) : undefined;
    };
    memory.put('/cached/x.csv', '1,2\n');
    const document = await openFile(memory.put('/cached/net.nn', 'input x = load("x.csv")\ny = sum(x)\n'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    assert.deepEqual(await waitFor('the first graph', () => leaf(session)), [1, 2]);
    assert.equal(memory.reads('/cached/x.csv'), 1, 'read for the first check');

    // a second check (the text changed, the file did not)
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(2, 0), 'z = x * 3\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the graph of the new text', () => session.graph?.nodes.some((n) => n.name === 'z'));
    assert.deepEqual(leaf(session), [1, 2]);
    assert.equal(memory.reads('/cached/x.csv'), 1, 'not read again for the second check');

    // the same size, and this file system's times never move: only the watcher tells the file changed
    await vscode.workspace.fs.writeFile(memory.uri('/cached/x.csv'), new TextEncoder().encode('7,9\n'));
    assert.deepEqual(await waitFor('the new values', () => leaf(session)?.[0] === 7 && leaf(session)), [7, 9]);
    assert.equal(memory.reads('/cached/x.csv'), 2, 'read once more, for the change');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
