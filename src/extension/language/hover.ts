import * as vscode from 'vscode';
import { referenceDoc, referenceMarkdown } from '../../core/ops/reference';
import { referenceAt } from '../../core/editor/bindingLookup';
import { functionHoverMarkdown } from '../../core/editor/functionNames';
import { constructorByName } from '../../core/ops/constructors';
import { opByName } from '../../core/ops/registry';
import { toVscodeRange } from '../sessions';
import type { FreshSessions } from './freshSessions';

/** A name of the language (independent of the editor's word pattern). */
const NAME = /[\p{L}_][\p{L}\p{N}_]*/u;

/** Elements above which a hover summarises a tensor (numpy's threshold is 1000; a hover is smaller). */
const HOVER_MAX_ITEMS = 100;

/**
 * Hover on a name, at its definition or a use: the binding it means (so a
 * rebound name shows the right one), its value and gradient at the current
 * step, and the chain rule that made the gradient. On an operation or
 * constructor being called: its signature and documentation.
 */
export class BindingHoverProvider implements vscode.HoverProvider {
  constructor(private readonly fresh: FreshSessions) {}

  /** Values come from the session's evaluation thread, so the hover waits for it rather than the host. */
  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const session = await this.fresh.sessionFor(document);
    const check = session.check;
    const reference = referenceAt(check, position);
    if (!reference) return this.callHover(document, position);
    const binding = check.bindings[reference.binding]!;
    let markdown: string | null;
    if (binding.role) markdown = functionHoverMarkdown(document.getText(), check, binding);
    else markdown = session.isCurrent && binding.nodeId >= 0 ? await session.hoverMarkdown(reference.binding, HOVER_MAX_ITEMS) : null;
    if (markdown === null) {
      const line = binding.statementRange.start.line + 1;
      const why = binding.nodeId < 0 ? vscode.l10n.t('its statement has an error') : session.isCurrent ? vscode.l10n.t('the evaluation stopped') : vscode.l10n.t('the file has errors');
      markdown = `**\`${binding.name}\`** · ${vscode.l10n.t('line {0}', line)}\n\n${vscode.l10n.t('No value or gradient: {0} (see the Problems panel).', why)}`;
    }
    const contents = new vscode.MarkdownString(markdown);
    contents.supportHtml = false;
    return new vscode.Hover(contents, toVscodeRange(reference.range));
  }

  private callHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const range = document.getWordRangeAtPosition(position, NAME);
    if (!range || document.getText(new vscode.Range(range.end, range.end.translate(0, 1))) !== '(') return undefined;
    const name = document.getText(range);
    const def = opByName(name) ?? constructorByName(name);
    if (!def) return undefined;
    const markdown = new vscode.MarkdownString().appendCodeblock(def.signature, 'graphstep').appendMarkdown([referenceDoc(name), referenceMarkdown(name)].filter(Boolean).join('\n\n'));
    return new vscode.Hover(markdown, range);
  }
}
