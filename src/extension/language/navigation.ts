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

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location | undefined> {
    const found = await this.find(document, position);
    if (!found) return undefined;
    return new vscode.Location(document.uri, toVscodeRange(found.check.bindings[found.reference.binding]!.range));
  }

  async provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext): Promise<vscode.Location[]> {
    const found = await this.find(document, position);
    if (!found) return [];
    return occurrencesOf(found.check, found.reference.binding)
      .filter((r) => context.includeDeclaration || !r.isDefinition)
      .map((r) => new vscode.Location(document.uri, toVscodeRange(r.range)));
  }

  async provideDocumentHighlights(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.DocumentHighlight[]> {
    const found = await this.find(document, position);
    if (!found) return [];
    return occurrencesOf(found.check, found.reference.binding).map(
      (r) => new vscode.DocumentHighlight(toVscodeRange(r.range), r.isDefinition ? vscode.DocumentHighlightKind.Write : vscode.DocumentHighlightKind.Read),
    );
  }

  async prepareRename(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Range> {
    const found = await this.find(document, position);
    if (!found) throw new Error('GraphStep: put the cursor on a name to rename it.');
    return toVscodeRange(found.reference.range);
  }

  async provideRenameEdits(document: vscode.TextDocument, position: vscode.Position, newName: string): Promise<vscode.WorkspaceEdit> {
    const found = await this.find(document, position);
    if (!found) throw new Error('GraphStep: put the cursor on a name to rename it.');
    const ranges = occurrencesOf(found.check, found.reference.binding).map((r) => r.range);
    const problem = renameProblem(document.getText(), found.check, ranges, newName);
    if (problem) throw new Error(problem);
    const edit = new vscode.WorkspaceEdit();
    for (const range of ranges) edit.replace(document.uri, toVscodeRange(range), newName);
    return edit;
  }

  /** The names of the current text (the session's check, or the names pass) and the name at the position. */
  private async find(document: vscode.TextDocument, position: vscode.Position) {
    const check = (await this.fresh.namesFor(document)).names;
    const reference = referenceAt(check, position);
    return reference ? { check, reference } : undefined;
  }
}
