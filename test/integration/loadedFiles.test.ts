import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureUri, openFile, waitFor } from './helpers';
import { graphStepApi } from './positions';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('a file load() reads, changed on disk while its .nn file is open', () => {
  const folder = fixtureUri('watched');
  const data = vscode.Uri.joinPath(folder, 'points.csv');
  const program = vscode.Uri.joinPath(folder, 'watched.nn');

  before(async () => {
    await vscode.workspace.fs.createDirectory(folder);
    await vscode.workspace.fs.writeFile(data, encode('1,2\n'));
    await vscode.workspace.fs.writeFile(program, encode('input x = load("points.csv")\ns = sum(x)\n'));
  });
  after(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(folder, { recursive: true });
  });

  it('rechecks the .nn file: the graph shows the new data, and an error when the file goes away', async () => {
    const document = await openFile(program);
    const session = (await graphStepApi()).sessions.sessionFor(document);
    const leafValue = (): number[] | null => {
      const value = session.graph?.nodes[0]?.value;
      return session.isCurrent && value ? [...value.data] : null;
    };
    await waitFor('the first check', () => leafValue() !== null, 30_000);
    assert.deepEqual(leafValue(), [1, 2]);
    const version = document.version;

    await vscode.workspace.fs.writeFile(data, encode('5,7,9\n'));
    await waitFor('the new data in the graph', () => JSON.stringify(leafValue()) === '[5,7,9]', 30_000);
    assert.equal(document.version, version, 'the .nn file itself was not touched');
    assert.equal(document.isDirty, false);

    await vscode.workspace.fs.delete(data);
    await waitFor('the error of the missing file', () => vscode.languages.getDiagnostics(document.uri).some((d) => /points\.csv/.test(d.message) && d.range.start.line === 0), 30_000);
    assert.deepEqual([...session.graph!.nodes[0]!.value!.data], [5, 7, 9], 'the last good graph stays');
  });
});
