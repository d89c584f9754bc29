/**
 * The graph panel's training messages (GraphStep: Train): the host sends
 * the loss and accuracy history as it arrives (only what is new since the
 * last message, `from`), the webview sends the buttons and the iteration
 * chosen on the curve or the training timeline.
 */
import type { JsonNumber } from './format';

/** Where a training stands. */
export type TrainingStatePayload = 'running' | 'paused' | 'done' | 'stopped' | 'failed';

/** One accuracy measurement, after the update of `step`. */
export interface EpochPayload {
  readonly step: number;
  readonly train: JsonNumber;
  readonly test: JsonNumber | null;
}

/** The training of the document shown, or what the panel needs to offer one. */
export interface TrainingMessage {
  readonly type: 'training';
  /** Whether the file has a train statement (the panel offers Train). */
  readonly trains: boolean;
  /** The last training of this document; null before the first. */
  readonly run: {
    /** Names the training: a new one starts a new curve. */
    readonly id: number;
    readonly state: TrainingStatePayload;
    readonly message: string | null;
    readonly steps: number;
    /** The index of the first of `losses` (0: the whole history). */
    readonly from: number;
    readonly losses: readonly JsonNumber[];
    /** Likewise the accuracies measured since the last message (all of them when `from` is 0). */
    readonly epochs: readonly EpochPayload[];
    readonly checkpointEvery: number;
    readonly memoryBytes: number;
    /** The iteration the graph shows, or null for the file's own parameters. */
    readonly iteration: number | null;
    /** The file changed since: the curves are the last result, greyed. */
    readonly stale: boolean;
  } | null;
}

export type TrainingAction = 'train' | 'pause' | 'resume' | 'stop';
export const TRAINING_ACTIONS: readonly TrainingAction[] = ['train', 'pause', 'resume', 'stop'];

export type TrainingWebviewMessage =
  | { readonly type: 'trainingAction'; readonly action: TrainingAction }
  /** Show iteration k of the training: its batch and its params before its update. */
  | { readonly type: 'goToIteration'; readonly iteration: number }
  /** The history did not fit what the webview has: send all of it. */
  | { readonly type: 'requestTraining' };

/** Whether a message is one of these, with fields of the right types. */
export function validateTrainingMessage(m: Record<string, unknown>): boolean {
  switch (m.type) {
    case 'trainingAction':
      return typeof m.action === 'string' && (TRAINING_ACTIONS as readonly string[]).includes(m.action);
    case 'goToIteration':
      return typeof m.iteration === 'number' && Number.isSafeInteger(m.iteration) && m.iteration >= 0;
    case 'requestTraining':
      return true;
    default:
      return false;
  }
}
