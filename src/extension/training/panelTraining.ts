import * as vscode from 'vscode';
import { jsonNumber } from '../../core/format';
import type { TrainingMessage, TrainingWebviewMessage } from '../../core/trainingProtocol';
import type { DocumentSession } from '../sessions';
import type { TrainingRun } from './trainingRun';

/**
 * The graph panel's side of training: sends the webview the session's
 * training as it goes (only the losses and accuracies new since the last
 * message), and carries out its buttons and the iteration chosen on the
 * curve.
 */
export class PanelTraining {
  /** The run whose history the webview has (undefined: it has nothing). */
  private sentRun: TrainingRun | null | undefined;
  private sentRevision = -1;
  private sentLosses = 0;
  private sentEpochs = 0;
  private sentTrains = false;

  constructor(private readonly post: (message: TrainingMessage) => void) {}

  /** Sends everything again (a new page, or another document shown). */
  resend(session: DocumentSession): void {
    this.sentRun = undefined;
    this.sync(session);
  }

  /** Sends what changed since the last message, if anything. */
  sync(session: DocumentSession): void {
    const run = session.training;
    const trains = Boolean(session.graph?.training);
    if (run === this.sentRun && trains === this.sentTrains && (!run || run.revision === this.sentRevision)) return;
    const whole = run !== this.sentRun;
    const from = whole ? 0 : this.sentLosses;
    const epochFrom = whole ? 0 : this.sentEpochs;
    this.sentRun = run;
    this.sentTrains = trains;
    this.sentRevision = run?.revision ?? -1;
    this.sentLosses = run?.losses.length ?? 0;
    this.sentEpochs = run?.epochs.length ?? 0;
    this.post({
      type: 'training',
      trains,
      run: run && {
        id: run.request,
        state: run.state,
        message: run.message,
        steps: run.steps,
        from,
        losses: run.losses.slice(from).map(jsonNumber),
        epochs: run.epochs.slice(epochFrom).map((e) => ({ step: e.step, train: jsonNumber(e.trainAccuracy), test: e.testAccuracy === null ? null : jsonNumber(e.testAccuracy) })),
        checkpointEvery: run.checkpointEvery,
        memoryBytes: run.memoryBytes,
        iteration: run.iteration,
        stale: run.stale,
      },
    });
  }

  receive(session: DocumentSession, message: TrainingWebviewMessage): void {
    switch (message.type) {
      case 'trainingAction':
        // Train goes through the command, so its progress notification shows.
        if (message.action === 'train') void vscode.commands.executeCommand('graphstep.train');
        else session.controlTraining(message.action);
        return;
      case 'goToIteration':
        void session.showIteration(message.iteration).then((refused) => refused && vscode.window.showWarningMessage(vscode.l10n.t('GraphStep: {0}', refused)));
        return;
      case 'requestTraining':
        return this.resend(session);
      default: {
        const unknown: never = message;
        throw new Error(`unhandled training message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
