import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openUntitled } from './positions';

describe('completion and signature help', () => {
  const docText = (d: string | vscode.MarkdownString | undefined): string => (typeof d === 'string' ? d : (d?.value ?? ''));

  it('completes names in scope and operations, with signatures and the language reference', async () => {
    const editor = await openUntitled('input apple_num = 2\ninput tax = 1.1\ny = re');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(2, 6));
    const byLabel = new Map(list.items.map((i) => [typeof i.label === 'string' ? i.label : i.label.label, i]));
    assert.equal(byLabel.get('apple_num')?.kind, vscode.CompletionItemKind.Variable);
    const relu = byLabel.get('relu')!;
    assert.equal(relu.kind, vscode.CompletionItemKind.Function);
    assert.match(relu.detail!, /^relu\(/);
    assert.match(docText(relu.documentation), /\*\*forward\*\* max\(0, x\)/, 'the longer text comes from docs/language.md');
    assert.ok(byLabel.has('softmax_with_loss') && byLabel.has('SoftmaxWithLoss') && byLabel.has('randn'));
  });

  it('shows the signature of the call under the cursor with the active parameter', async () => {
    const editor = await openUntitled('input x = [[1, 2], [3, 4]]\ny = sum(x, ');
    const help = await vscode.commands.executeCommand<vscode.SignatureHelp>('vscode.executeSignatureHelpProvider', editor.document.uri, new vscode.Position(1, 11));
    assert.match(help.signatures[0]!.label, /^sum\(x, axis=None, keepdims=false\)/);
    assert.equal(help.activeParameter, 1);
    assert.match(docText(help.signatures[0]!.documentation), /\S/);
  });

  it('sees names typed a moment ago, before the debounced recheck', async () => {
    const editor = await openUntitled('input a = 1\n');
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'input fresh_name = 2\nz = '));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(2, 4));
    assert.ok(list.items.some((i) => i.label === 'fresh_name'));
  });
});
