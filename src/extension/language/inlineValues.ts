import * as vscode from 'vscode';
import type { InlineValueLabel } from '../../core/editor/inlineValueLabels';
import { debugState } from '../debug/debugState';
import type { DocumentSession, SessionRegistry } from '../sessions';
import { toVscodeRange } from '../sessions';

/** Lines beyond each edge of the view that carry their labels too, so scrolling shows them at once. */
const DECORATION_MARGIN_LINES = 100;

/** The setting that turns inline values on and off. */
export const INLINE_VALUES_SETTING = 'graphstep.inlineValues.enabled';

/**
 * Values (and gradients, once they arrive) at the ends of lines, advancing
 * with the steps, plus a highlight on the operator the last step ran.
 * Decorations rather than an InlineValuesProvider: VS Code asks that
 * provider only while a debug session is stopped, and GraphStep steps
 * without one.
 */
export class InlineValueDecorations implements vscode.Disposable {
  private readonly valueDecoration = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorInlayHint.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedOpen,
  });
  private readonly currentStepDecoration = vscode.window.createTextEditorDecorationType({
    backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
    borderRadius: '2px',
  });
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly sessions: SessionRegistry) {
    this.disposables = [
      this.valueDecoration,
      this.currentStepDecoration,
      sessions.onDidChange((session) => this.updateDocument(session)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.updateAll()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(INLINE_VALUES_SETTING) && this.updateAll()),
      // While a graphstep debug session steps a file, VS Code's inline values (the debugger's InlineValuesProvider) take over.
      debugState.onDidChange(() => this.updateAll()),
      // Only the lines in view carry decorations (a 10,000-line file would otherwise get 10,000 of them per step).
      vscode.window.onDidChangeTextEditorVisibleRanges((e) => this.decorate(e.textEditor)),
    ];
    this.updateAll();
  }

  /** The labels a document shows once the update under way is done (empty when off, at position 0, or while the file has errors). */
  async labelsOf(uri: vscode.Uri): Promise<readonly InlineValueLabel[]> {
    const shown = this.sessions.existingSession(uri)?.shownInEditor;
    if (!shown) return [];
    while (shown.updating) await shown.updating;
    return shown.labels ?? [];
  }

  private updateAll(): void {
    const documents = new Set(vscode.window.visibleTextEditors.map((e) => e.document).filter((d) => this.sessions.isGraphStep(d)));
    for (const document of documents) this.updateDocument(this.sessions.sessionFor(document));
  }

  private updateDocument(session: DocumentSession): void {
    const shown = session.shownInEditor;
    const update = this.update(session).finally(() => {
      if (shown.updating === update) shown.updating = null;
    });
    shown.updating = update;
  }

  /** Asks the thread for the labels at the current position; a newer change supersedes the answer. */
  private async update(session: DocumentSession): Promise<void> {
    const revision = session.revision;
    const enabled = vscode.workspace.getConfiguration('graphstep', session.uri).get<boolean>('inlineValues.enabled', true) && !debugState.isDebugging(session.uri);
    const stepper = session.stepper;
    const labels = enabled && stepper && session.isCurrent && stepper.position > 0 ? ((await session.inlineLabels()) ?? []) : [];
    if (session.revision !== revision || session.document.isClosed) return;
    session.shownInEditor.labels = labels;
    session.shownInEditor.current = enabled && stepper && session.isCurrent && stepper.currentNode !== null ? [toVscodeRange(stepper.graph.nodes[stepper.currentNode]!.range)] : [];
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === session.document) this.decorate(editor);
  }

  /** Puts the labels of the lines in view (and a screenful either side) on an editor. */
  private decorate(editor: vscode.TextEditor): void {
    const shown = this.sessions.isGraphStep(editor.document) ? this.sessions.existingSession(editor.document.uri)?.shownInEditor : undefined;
    const labels = shown?.labels;
    if (!shown || !labels) return;
    const ranges = editor.visibleRanges.map((r) => [r.start.line - DECORATION_MARGIN_LINES, r.end.line + DECORATION_MARGIN_LINES] as const);
    const inView = labels.filter((label) => ranges.some(([from, to]) => label.line >= from && label.line <= to));
    editor.setDecorations(this.valueDecoration, inView.map((label) => toDecoration(editor.document, label)));
    editor.setDecorations(this.currentStepDecoration, shown.current);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function toDecoration(document: vscode.TextDocument, label: InlineValueLabel): vscode.DecorationOptions {
  const end = document.lineAt(Math.min(label.line, document.lineCount - 1)).range.end;
  return { range: new vscode.Range(end, end), renderOptions: { after: { contentText: label.text } } };
}
