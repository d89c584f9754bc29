import * as vscode from 'vscode';
import type { SessionRegistry } from './sessions';

/** "GraphStep: forward 3/4" for the active `.nn` document; clicking opens the graph. */
export function registerStatusBar(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  const item = vscode.window.createStatusBarItem('graphstep.position', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('GraphStep position');
  item.command = 'graphstep.openGraphToSide';
  const update = (): void => {
    const editor = vscode.window.activeTextEditor;
    const session = editor && sessions.isGraphStep(editor.document) ? sessions.sessionFor(editor.document) : undefined;
    if (!session) return item.hide();
    const stepper = session.stepper;
    item.text = stepper ? `$(debug-step-over) ${stepper.describePosition()}` : `$(error) ${vscode.l10n.t('GraphStep: errors')}`;
    item.tooltip = stepper
      ? vscode.l10n.t('GraphStep: position {0} of {1} (forward {2} steps, backward {3}). Click to open the graph.', stepper.position, stepper.total, stepper.forwardSteps, stepper.backwardSteps)
      : vscode.l10n.t('GraphStep: this file has errors (see the Problems panel).');
    item.show();
  };
  context.subscriptions.push(item, sessions.onDidChange(update), vscode.window.onDidChangeActiveTextEditor(update));
  update();
}
