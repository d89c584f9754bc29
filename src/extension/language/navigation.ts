import * as vscode from 'vscode';
import { occurrencesOf, referenceAt } from '../../core/editor/bindingLookup';
import { renameProblem } from '../../core/editor/renameCheck';
import { toVscodeRange } from '../sessions';
import type { FreshSessions } from './freshSessions';

/**
 * Go to definition, find references, highlights and rename: all by binding,
 * not by spelling. In `c = c + c + 1` the two `c`s on the right are uses of
 * the previous binding and the one on the left starts a new one.
 */
export class BindingNavigationProvider implements vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.DocumentHighlightProvider, vscode.RenameProvider {
  constructor(private readonly fresh: FreshSessions) {}

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location | undefined {
    const found = this.find(document, position);
    if (!found) return undefined;
    return new vscode.Location(document.uri, toVscodeRange(found.check.bindings[found.reference.binding]!.range));
  }

  provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): vscode.Location[] {
    const found = this.find(document, position);
    if (!found) return [];
    return occurrencesOf(found.check, found.reference.binding)
      .filter((r) => context.includeDeclaration || !r.isDefinition)
      .map((r) => new vscode.Location(document.uri, toVscodeRange(r.range)));
  }

  provideDocumentHighlights(document: vscode.TextDocument, position: vscode.Position): vscode.DocumentHighlight[] {
    const found = this.find(document, position);
    if (!found) return [];
    return occurrencesOf(found.check, found.reference.binding).map(
      (r) => new vscode.DocumentHighlight(toVscodeRange(r.range), r.isDefinition ? vscode.DocumentHighlightKind.Write : vscode.DocumentHighlightKind.Read),
    );
  }

  prepareRename(document: vscode.TextDocument, position: vscode.Position): vscode.Range {
    const found = this.find(document, position);
    if (!found) throw new Error('GraphStep: put the cursor on a name to rename it.');
    return toVscodeRange(found.reference.range);
  }

  provideRenameEdits(document: vscode.TextDocument, position: vscode.Position, newName: string): vscode.WorkspaceEdit {
    const found = this.find(document, position);
    if (!found) throw new Error('GraphStep: put the cursor on a name to rename it.');
    const ranges = occurrencesOf(found.check, found.reference.binding).map((r) => r.range);
    const problem = renameProblem(document.getText(), found.check, ranges, newName);
    if (problem) throw new Error(problem);
    const edit = new vscode.WorkspaceEdit();
    for (const range of ranges) edit.replace(document.uri, toVscodeRange(range), newName);
    return edit;
  }

  private find(document: vscode.TextDocument, position: vscode.Position) {
    const check = this.fresh.sessionFor(document).check;
    const reference = referenceAt(check, position);
    return reference ? { check, reference } : undefined;
  }
}
