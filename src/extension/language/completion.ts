import * as vscode from 'vscode';
import { referenceMarkdown } from '../../core/ops/reference';
import { completionCandidates, type CandidateKind } from '../../core/editor/completionCandidates';
import type { FreshSessions } from './freshSessions';

const KINDS: Record<CandidateKind, vscode.CompletionItemKind> = {
  variable: vscode.CompletionItemKind.Variable,
  operation: vscode.CompletionItemKind.Function,
  constructor: vscode.CompletionItemKind.Constructor,
  keyword: vscode.CompletionItemKind.Keyword,
  argument: vscode.CompletionItemKind.Property,
  property: vscode.CompletionItemKind.Property,
};

/** A name of the language: the completions replace it, whatever the editor's word pattern says. */
const NAME = /[\p{L}_][\p{L}\p{N}_]*/u;

/** Names in scope, operations, leaf constructors, keyword arguments and statement keywords. */
export class NameCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly fresh: FreshSessions) {}

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
    const { names, graph } = await this.fresh.namesFor(document);
    const candidates = completionCandidates(document.getText(), names, graph, position);
    const word = document.getWordRangeAtPosition(position, NAME);
    const range = word ? { inserting: new vscode.Range(word.start, position), replacing: word } : undefined;
    return candidates.map((c) => {
      const item = new vscode.CompletionItem(c.label, KINDS[c.kind]);
      if (range) item.range = range;
      item.detail = c.detail;
      const more = c.kind === 'operation' || c.kind === 'constructor' ? referenceMarkdown(c.label) : '';
      item.documentation = new vscode.MarkdownString([c.documentation, more].filter(Boolean).join('\n\n'));
      item.sortText = `${c.preferred ? '0' : '1'}${c.label.toLowerCase()}`;
      if (c.isCall) {
        item.insertText = new vscode.SnippetString(`${c.label}($0)`);
        item.command = { title: vscode.l10n.t('Signature help'), command: 'editor.action.triggerParameterHints' };
      }
      return item;
    });
  }
}
