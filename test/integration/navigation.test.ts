import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixtureUri, openFile } from './helpers';
import { exampleUri, pair, positionOf } from './positions';

describe('outline, definition, references, highlights, rename', () => {
  it('outlines one symbol per statement, rebound names once per binding', async () => {
    const document = await openFile(fixtureUri('rebinding.nn'));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.deepEqual(symbols.map((s) => s.name), ['c', 'c', 'd', 'output d']);
    assert.deepEqual(symbols.map((s) => s.detail), ['input []', 'add (+) []', 'mul (×) []', 'where the backward pass starts']);
    assert.equal(symbols[0]!.kind, vscode.SymbolKind.Variable);
    assert.deepEqual(pair(symbols[1]!.selectionRange.start), [2, 0]);
  });

  it('outlines params, consts and tensor shapes of the two-layer net', async () => {
    const document = await openFile(exampleUri('two_layer_net.nn'));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    const byName = new Map(symbols.map((s) => [s.name, s]));
    assert.equal(byName.get('W1')!.kind, vscode.SymbolKind.Field);
    assert.equal(byName.get('W1')!.detail, 'param [2,4]');
    assert.equal(byName.get('t')!.kind, vscode.SymbolKind.Constant);
    assert.equal(byName.get('loss')!.detail, 'softmax_with_loss (SoftmaxWithLoss) []');
  });

  it('goes to the definition of the binding a use means', async () => {
    const document = await openFile(fixtureUri('rebinding.nn'));
    const fromOld = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', document.uri, positionOf(document, 'c', 4));
    assert.deepEqual(fromOld.map((l) => pair(l.range.start)), [[1, 6]]);
    const fromNew = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', document.uri, positionOf(document, 'c', 5));
    assert.deepEqual(fromNew.map((l) => pair(l.range.start)), [[2, 0]]);
  });

  it('finds the references of one binding only', async () => {
    const document = await openFile(fixtureUri('rebinding.nn'));
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, positionOf(document, 'c', 3));
    assert.deepEqual(refs.map((l) => pair(l.range.start)).sort(), [[1, 6], [2, 4], [2, 8]]);
    const highlights = await vscode.commands.executeCommand<vscode.DocumentHighlight[]>('vscode.executeDocumentHighlights', document.uri, positionOf(document, 'c', 5));
    assert.deepEqual(highlights.map((h) => [pair(h.range.start), h.kind]), [[[2, 0], vscode.DocumentHighlightKind.Write], [[3, 4], vscode.DocumentHighlightKind.Read]]);
  });

  it('renames every use of that binding and no other: `c = c + c + 1`', async () => {
    const document = await openFile(fixtureUri('rebinding.nn'));
    const renameOld = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', document.uri, positionOf(document, 'c', 4), 'start');
    const oldEdits = renameOld.get(document.uri);
    assert.deepEqual(oldEdits.map((e) => [pair(e.range.start), e.newText]).sort(), [[[1, 6], 'start'], [[2, 4], 'start'], [[2, 8], 'start']]);
    const renameNew = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', document.uri, positionOf(document, 'c', 5), 'next');
    assert.deepEqual(renameNew.get(document.uri).map((e) => pair(e.range.start)).sort(), [[2, 0], [3, 4]]);
  });

  it('refuses a rename that would change what another name means', async () => {
    const document = await openFile(exampleUri('apple.nn'));
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('vscode.executeDocumentRenameProvider', document.uri, positionOf(document, 'apple_num', 1), 'apple_price')),
      /would change what another name/,
    );
  });
});
