import * as vscode from 'vscode';
import type { SessionRegistry } from './sessions';

/** "GraphStep: forward 3/4" for the active `.nn` document; clicking opens the graph. */
export function registerStatusBar(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  const item = vscode.window.createStatusBarItem('graphstep.position', vscode.StatusBarAlignment.Left, 50);
  item.name = 'GraphStep position';
  item.command = 'graphstep.openGraphToSide';
  const update = (): void => {
    const editor = vscode.window.activeTextEditor;
    const session = editor && sessions.isGraphStep(editor.document) ? sessions.sessionFor(editor.document) : undefined;
    if (!session) return item.hide();
    const stepper = session.stepper;
    item.text = stepper ? `$(debug-step-over) ${stepper.describePosition()}` : '$(error) GraphStep: errors';
    item.tooltip = stepper
      ? `GraphStep: position ${stepper.position} of ${stepper.total} (forward ${stepper.forwardSteps} steps, backward ${stepper.backwardSteps}). Click to open the graph.`
      : 'GraphStep: this file has errors (see the Problems panel).';
    item.show();
  };
  context.subscriptions.push(item, sessions.onDidChange(update), vscode.window.onDidChangeActiveTextEditor(update));
  update();
}
