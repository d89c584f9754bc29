import * as vscode from 'vscode';
import { Utils } from 'vscode-uri';
import { gradCheckReportHtml } from '../core/editor/gradCheckReportHtml';
import type { GradCheckReport } from '../core/engine/gradcheck';
import type { Graph } from '../core/graph/graph';
import type { DocumentSession, SessionRegistry } from './sessions';

/**
 * GraphStep: Gradient Check. Runs the core's check in the document's
 * evaluation thread under a cancellable progress notification, stores the report on the session so
 * the panel can mark failing leaves, and shows the table. Resolves to the
 * report, or undefined when there was nothing to check or it was cancelled.
 */
export function registerGradientCheck(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  const view = new GradCheckView();
  context.subscriptions.push(
    view,
    vscode.commands.registerCommand('graphstep.gradientCheck', async (): Promise<GradCheckReport | undefined> => {
      const session = sessions.activeSession();
      if (!session) return void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: open a .nn file first.'));
      const graph = session.graph;
      if (!graph || !session.isCurrent) return void vscode.window.showWarningMessage(vscode.l10n.t('GraphStep: this file has errors; fix them to check its gradients (see the Problems panel).'));
      let report: GradCheckReport | undefined;
      try {
        report = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('GraphStep: checking the gradients of {0}', Utils.basename(session.uri)), cancellable: true },
          (progress, token) => {
            let reported = 0;
            return runGradientCheck(session, token, (done, total) => {
              if (total === 0) return; // still running the backward pass the check compares against
              progress.report({ message: vscode.l10n.t('{0} of {1} entries', done, total), increment: (100 * (done - reported)) / total });
              reported = done;
            });
          },
        );
      } catch (e) {
        return void vscode.window.showErrorMessage(vscode.l10n.t('GraphStep: the gradient check failed: {0}', (e as Error).message));
      }
      if (!report) return undefined;
      if (session.graph !== graph) {
        void vscode.window.showWarningMessage(vscode.l10n.t('GraphStep: the file changed during the gradient check; run it again.'));
        return report;
      }
      session.setGradCheck(report);
      sessions.notify(session);
      view.show(report, graph, Utils.basename(session.uri));
      return report;
    }),
  );
}

/**
 * Runs the check in the session's evaluation thread (the extension host only
 * receives its progress and its report). Resolves to the report, or
 * undefined when cancelled or when an edit superseded it.
 */
export function runGradientCheck(
  session: DocumentSession,
  token: vscode.CancellationToken,
  onProgress: (done: number, total: number) => void,
): Promise<GradCheckReport | undefined> {
  return session.gradientCheck(token, onProgress);
}

/** The report's table in a small webview beside the editor, reused for each run. */
class GradCheckView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  show(report: GradCheckReport, graph: Graph, title: string): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('graphstep.gradCheck', vscode.l10n.t('Gradient Check'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: false });
      this.panel.onDidDispose(() => (this.panel = undefined));
    } else this.panel.reveal(vscode.ViewColumn.Beside, true);
    this.panel.title = vscode.l10n.t('Gradient Check: {0}', title);
    this.panel.webview.html = page(gradCheckReportHtml(report, graph, title), this.panel.webview.cspSource);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function page(body: string, cspSource: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { padding: 0.25em 0.75em; border-bottom: 1px solid var(--vscode-panel-border); text-align: left; }
td.num { font-family: var(--vscode-editor-font-family); text-align: right; white-space: nowrap; }
.scroll { overflow-x: auto; }
ul.worst { font-family: var(--vscode-editor-font-family); }
tr.fail td, .verdict.fail { color: var(--vscode-errorForeground); }
.verdict.pass { color: var(--vscode-testing-iconPassed); }
</style></head><body>
${body}
</body></html>`;
}
