import { assert } from 'chai';
import * as vscode from 'vscode';
import { graphStepApi, openNew, problems, waitFor, workspaceUri } from './helpers';

/** The graph's leaf `name` once the file checks, as nested lists of numbers. */
async function leafValues(document: vscode.TextDocument, name: string): Promise<number[]> {
  const session = (await graphStepApi()).sessions.sessionFor(document);
  const graph = await waitFor(`the graph of ${document.uri.path}`, () => session.graph);
  const node = graph.nodes.find((n) => n.name === name);
  if (!node?.value) throw new Error(`no leaf ${name}`);
  return Array.from(node.value.data);
}

/** The first problem of a file that loads `path`. */
async function refusal(name: string, path: string): Promise<string> {
  const document = await openNew(name, `input a = load(${JSON.stringify(path)})\nb = a * 2\n`);
  const [message] = await waitFor(`a problem in ${name}`, () => problems(document).length > 0 && problems(document));
  return message!;
}

describe('load() in the browser: files read through vscode.workspace.fs', () => {
  let expected: Record<string, unknown>;

  before(async () => {
    // numpy's own reading of the fixtures (scripts/gen-test-references.py)
    expected = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri('load', 'expected.json')))) as Record<string, unknown>;
  });

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('reads .npy (uint8, float32) and an .npz member as numpy does, every bit', async () => {
    const document = await openNew('loads.nn', 'input u = load("load/u8.npy")\ninput f = load("load/f32.npy")\ninput x = load("load/d.npz", "x")\ny = sum(u) + sum(f) + sum(x)\n');
    assert.deepEqual(await leafValues(document, 'u'), (expected['u8.npy'] as number[][]).flat());
    assert.deepEqual(await leafValues(document, 'f'), (expected['f32.npy'] as number[][]).flat());
    assert.deepEqual(await leafValues(document, 'x'), (expected['d.npz:x'] as number[][]).flat());
    assert.deepEqual(problems(document), []);
  });

  it('reads a CSV next to the .nn file in a sub-folder, and a changed file on the next check', async () => {
    await vscode.workspace.fs.writeFile(workspaceUri('sub', 'data.csv'), new TextEncoder().encode('1,2\n3,4.5\n'));
    const document = await openNew('sub/csv.nn', 'input a = load("data.csv")\nb = a * 2\n');
    assert.deepEqual(await leafValues(document, 'a'), [1, 2, 3, 4.5]);
    await vscode.workspace.fs.writeFile(workspaceUri('sub', 'data.csv'), new TextEncoder().encode('-1,0.1\n'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    const before = session.graph;
    (await graphStepApi()).sessions.rebuild(session);
    await waitFor('the new graph', () => session.graph !== before && session.graph);
    assert.deepEqual(await leafValues(document, 'a'), [-1, 0.1]);
  });

  it('keeps load() inside the workspace folder: .. out of it, absolute paths and symbolic links are refused', async () => {
    assert.match(await refusal('up.nn', '../outside.csv'), /^load: expected a path inside the workspace folder, found "\.\.\/outside\.csv": its '\.\.' leads outside ".*"$/);
    assert.match(await refusal('sub/up2.nn', '../../outside.csv'), /expected a path inside the workspace folder, found "\.\.\/\.\.\/outside\.csv": its '\.\.' leads outside/);
    assert.match(await refusal('abs.nn', '/etc/passwd'), /expected a path relative to the .nn file, found the absolute path "\/etc\/passwd" \(absolute paths are refused: load\(\) reads only inside the workspace folder\)/);
    assert.match(await refusal('win.nn', 'C:\\data.csv'), /found the absolute path/);
    assert.match(await refusal('link.nn', 'link.csv'), /expected a path inside the workspace folder without symbolic links, found "link\.csv": it goes through a symbolic link/);
    assert.match(await refusal('linkdir.nn', 'linked/x.csv'), /goes through a symbolic link/);
  });

  it('says what is wrong with a path that names no file, a folder or a non-file', async () => {
    assert.equal(await refusal('missing.nn', 'missing.npy'), 'load: expected a file at "missing.npy", found none');
    assert.match(await refusal('folder.nn', 'load'), /expected a file at "load", found a folder/);
    assert.match(await refusal('notfolder.nn', 'load/u8.npy/x.npy'), /expected a file at "load\/u8\.npy\/x\.npy", found none \(u8\.npy is not a folder\)/);
    assert.match(await refusal('empty.nn', ''), /expected a file name, found ""/);
  });

  it('an unsaved document cannot load files', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'graphstep', content: 'input a = load("load/u8.npy")\n' });
    await vscode.window.showTextDocument(document);
    const [message] = await waitFor('a problem', () => problems(document).length > 0 && problems(document));
    assert.match(message!, /expected a file saved on disk, found an unsaved document/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
