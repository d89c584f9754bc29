import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DocumentSession, SessionRegistry } from '../sessions';
import type { TrainingRun, TrainingSnapshot } from './trainingRun';

/**
 * GraphStep: Train and its companions (Pause, Resume, Stop Training, Go to
 * Training Iteration). Training runs in the document's evaluation thread
 * under a cancellable progress notification; the panel draws its curves
 * from the session's run. Context keys `graphstep.canTrain` (the active
 * file has a train statement) and `graphstep.trainingState` drive the menus.
 */
export function registerTraining(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  const active = (): DocumentSession | undefined => sessions.activeSession();
  const updateKeys = (): void => {
    const session = active();
    void vscode.commands.executeCommand('setContext', 'graphstep.canTrain', Boolean(session?.graph?.training));
    void vscode.commands.executeCommand('setContext', 'graphstep.trainingState', session?.training?.state ?? 'none');
  };
  updateKeys();
  context.subscriptions.push(
    sessions.onDidChange(updateKeys),
    vscode.window.onDidChangeActiveTextEditor(updateKeys),
    vscode.commands.registerCommand('graphstep.train', async (): Promise<TrainingSnapshot | undefined> => {
      const session = active();
      if (!session) return void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: open a .nn file first.'));
      const run = await trainWithProgress(session);
      if (typeof run === 'string') return void vscode.window.showWarningMessage(vscode.l10n.t('GraphStep: {0}', run));
      if (run.state === 'failed') void vscode.window.showErrorMessage(vscode.l10n.t('GraphStep: training stopped: {0}', run.message ?? vscode.l10n.t('it failed')));
      return run.snapshot();
    }),
    vscode.commands.registerCommand('graphstep.pauseTraining', () => active()?.controlTraining('pause')),
    vscode.commands.registerCommand('graphstep.resumeTraining', () => active()?.controlTraining('resume')),
    vscode.commands.registerCommand('graphstep.stopTraining', () => active()?.controlTraining('stop')),
    vscode.commands.registerCommand('graphstep.goToIteration', async (iteration?: number): Promise<string | null | undefined> => {
      const session = active();
      const run = session?.training;
      if (!session || !run) return void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: train the file first (GraphStep: Train).'));
      let k = iteration;
      if (typeof k !== 'number') {
        const answer = await vscode.window.showInputBox({
          title: vscode.l10n.t('GraphStep: Go to Training Iteration'),
          prompt: vscode.l10n.t('An iteration in 0..{0}: its batch and its parameters before its update', run.step),
          value: String(run.iteration ?? run.step),
          validateInput: (text) => (/^\d+$/.test(text.trim()) && Number(text) <= run.step ? null : vscode.l10n.t('expected a whole number in 0..{0}', run.step)),
        });
        if (answer === undefined) return undefined;
        k = Number(answer.trim());
      }
      const refused = await session.showIteration(k);
      if (refused !== null) void vscode.window.showWarningMessage(vscode.l10n.t('GraphStep: {0}', refused));
      return refused;
    }),
  );
}

/**
 * Trains the session's file under a cancellable progress notification
 * (step k/N, the loss, the memory the checkpoints hold); resolves with the
 * run once it ended (done, stopped or failed), or a message when it could
 * not start. `token` (tests) cancels as the notification's Cancel does.
 */
export async function trainWithProgress(session: DocumentSession, token?: vscode.CancellationToken, onReport?: (run: TrainingRun) => void): Promise<TrainingRun | string> {
  const run = session.startTraining();
  if (typeof run === 'string') return run;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('GraphStep: training {0}', path.basename(session.uri.path)), cancellable: true },
    (progress, notificationToken) => {
      const stop = (): void => {
        if (run === session.training) session.controlTraining('stop');
      };
      const subscriptions = [notificationToken.onCancellationRequested(stop)];
      if (token) subscriptions.push(token.onCancellationRequested(stop));
      let reported = 0;
      subscriptions.push(
        run.onDidChange(() => {
          const done = run.steps > 0 ? (100 * run.step) / run.steps : 0;
          progress.report({ message: progressMessage(run), increment: done - reported });
          reported = done;
          onReport?.(run);
        }),
      );
      return run.whenEnded().then(() => subscriptions.forEach((s) => s.dispose()));
    },
  );
  return run;
}

/** `step 120/2000 · loss 0.4521 · 1.6 MB kept (every 20 steps)`, and `paused` while it is. */
export function progressMessage(run: TrainingRun): string {
  const loss = run.losses[run.losses.length - 1];
  const parts = [vscode.l10n.t('step {0}/{1}', run.step, run.steps)];
  if (loss !== undefined) parts.push(vscode.l10n.t('loss {0}', loss.toPrecision(5)));
  parts.push(vscode.l10n.t('{0} kept (a checkpoint every {1} steps)', formatBytes(run.memoryBytes), run.checkpointEvery));
  if (run.state === 'paused') parts.push(vscode.l10n.t('paused'));
  return parts.join(' · ');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
