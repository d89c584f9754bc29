import * as vscode from 'vscode';
import { referenceAt } from '../../core/editor/bindingLookup';
import { bindingHoverMarkdown } from '../../core/editor/hoverMarkdown';
import { toVscodeRange } from '../sessions';
import type { FreshSessions } from './freshCheck';

/** Elements above which a hover summarises a tensor (numpy's threshold is 1000; a hover is smaller). */
const HOVER_MAX_ITEMS = 100;

/**
 * Hover on a name, at its definition or a use: the binding it means (so a
 * rebound name shows the right one), its value and gradient at the current
 * step, and the chain rule that made the gradient.
 */
export class BindingHoverProvider implements vscode.HoverProvider {
  constructor(private readonly fresh: FreshSessions) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const session = this.fresh.sessionFor(document);
    const check = session.check;
    const reference = referenceAt(check, position);
    if (!reference) return undefined;
    const binding = check.bindings[reference.binding]!;
    const stepper = session.stepper;
    let markdown: string;
    if (session.isCurrent && stepper && binding.nodeId >= 0) {
      markdown = bindingHoverMarkdown(stepper, binding, { maxItems: HOVER_MAX_ITEMS });
    } else {
      const line = binding.statementRange.start.line + 1;
      const why = binding.nodeId < 0 ? 'its statement has an error' : 'the file has errors';
      markdown = `**\`${binding.name}\`** · line ${line}\n\nNo value or gradient: ${why} (see the Problems panel).`;
    }
    const contents = new vscode.MarkdownString(markdown);
    contents.supportHtml = false;
    return new vscode.Hover(contents, toVscodeRange(reference.range));
  }
}
