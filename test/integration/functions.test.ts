import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFile, waitFor } from './helpers';
import { exampleUri, hoverText, pair, positionOf } from './positions';

describe('user functions in the editor (def)', () => {
  it('hovers a function name with its def, at the def and at a call', async () => {
    const document = await openFile(exampleUri('functions.nn'));
    await waitFor('the diagnostics of functions.nn', () => vscode.languages.getDiagnostics(document.uri).every((d) => d.severity !== vscode.DiagnosticSeverity.Error));
    for (const occurrence of [1, 2]) {
      const text = await hoverText(document, positionOf(document, 'affine_relu', occurrence));
      assert.match(text, /`affine_relu\(x, W, b\)`\*\* · function · line 2/, `occurrence ${occurrence}`);
      assert.match(text, /def affine_relu\(x, W, b\) = relu\(affine\(x, W, b\)\)/);
    }
    assert.match(await hoverText(document, positionOf(document, 'W', 2)), /a parameter of `affine_relu\(x, W, b\)`/);
  });

  it('goes from a call to the def, and finds the calls of a function', async () => {
    const document = await openFile(exampleUri('functions.nn'));
    const definition = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeDefinitionProvider', document.uri, positionOf(document, 'affine_relu', 2));
    assert.deepEqual(definition.map((l) => pair(l.range.start)), [[1, 4]]);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, positionOf(document, 'affine_relu', 1));
    assert.deepEqual(refs.map((l) => pair(l.range.start)).sort(), [[1, 4], [12, 7]]);
  });

  it('outlines a def as a function and keeps the statements after it right', async () => {
    const document = await openFile(exampleUri('functions.nn'));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', document.uri);
    assert.deepEqual(symbols.map((s) => s.name), ['affine_relu', 'x', 't', 'W1', 'b1', 'W2', 'b2', 'a1', 'loss']);
    assert.equal(symbols[0]!.detail, 'def (x, W, b)');
    assert.equal(symbols.find((s) => s.name === 'W1')!.detail, 'param [2,4]');
    assert.equal(symbols.find((s) => s.name === 'a1')!.detail.startsWith('relu'), true);
  });

  it('offers the function in completion', async () => {
    const document = await openFile(exampleUri('functions.nn'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(13, 7));
    const item = list.items.find((i) => i.label === 'affine_relu');
    assert.ok(item, 'affine_relu is offered');
    assert.equal(item.kind, vscode.CompletionItemKind.Function);
  });
});
