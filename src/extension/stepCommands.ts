import * as vscode from 'vscode';
import type { SessionRegistry, StepMove } from './sessions';

/** The stepping commands: each moves the active document's tape. */
export function registerStepCommands(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  const moves: Record<string, StepMove> = {
    'graphstep.nextStep': 'next',
    'graphstep.previousStep': 'previous',
    'graphstep.runForward': 'runForward',
    'graphstep.runBackward': 'runBackward',
    'graphstep.reset': 'reset',
  };
  for (const [command, move] of Object.entries(moves)) {
    context.subscriptions.push(
      // Resolves once the evaluation thread has computed the new position.
      vscode.commands.registerCommand(command, async () => {
        const session = sessions.activeSession();
        if (!session) return void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: open a .nn file first.'));
        if (!session.stepper) return void vscode.window.showWarningMessage(vscode.l10n.t('GraphStep: this file has errors; fix them to step (see the Problems panel).'));
        await sessions.step(session, move);
      }),
    );
  }
  context.subscriptions.push(
    vscode.commands.registerCommand('graphstep.runToCursor', async () => {
      const editor = vscode.window.activeTextEditor;
      const session = editor && sessions.isGraphStep(editor.document) ? sessions.sessionFor(editor.document) : undefined;
      const stepper = session?.stepper;
      if (!session || !stepper || !editor) return void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: put the cursor on a line of a .nn file without errors.'));
      const node = nodeAtLine(session.graph!, editor.selection.active);
      const target = node === null ? null : stepper.positionOfNode(node);
      if (target === null) return void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: no step computes anything on this line.'));
      await sessions.step(session, { goTo: target });
    }),
  );
}

/** The node a cursor position means: the last op node made by the statement under it, else its leaf. */
export function nodeAtLine(graph: import('../core/graph/graph').Graph, position: vscode.Position): number | null {
  let found: number | null = null;
  for (const node of graph.nodes) {
    const r = node.statementRange;
    if (position.line < r.start.line || position.line > r.end.line) continue;
    if (found === null || node.kind === 'op' || graph.nodes[found]!.kind !== 'op') found = node.id;
  }
  return found;
}
