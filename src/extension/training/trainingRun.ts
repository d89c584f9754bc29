import * as l10n from '@vscode/l10n';
import type { TrainingEpoch, TrainingProgress, TrainingState } from '../worker/workerProtocol';

/** What the host keeps of one training (GraphStep: Train), read by the progress notification and the panel. */
export interface TrainingSnapshot {
  readonly state: TrainingState;
  readonly message: string | null;
  readonly steps: number;
  readonly losses: readonly number[];
  readonly epochs: readonly TrainingEpoch[];
  readonly checkpointEvery: number;
  readonly memoryBytes: number;
  /** The iteration the graph shows (null: the file's own parameters). */
  readonly iteration: number | null;
  /** The file changed since it trained: the curves are the last result, no iteration can be shown. */
  readonly stale: boolean;
}

/**
 * The host's side of one training in a document's evaluation thread: the
 * loss history and the accuracies as they arrive, where the training stands,
 * the iteration shown. Knows nothing of VS Code.
 */
export class TrainingRun {
  private currentState: TrainingState = 'running';
  private currentMessage: string | null = null;
  private total = 0;
  private readonly lossHistory: number[] = [];
  private readonly epochHistory: TrainingEpoch[] = [];
  private every = 1;
  private memory = 0;
  private shown: number | null = null;
  private isStale = false;
  private readonly listeners = new Set<() => void>();
  private readonly endWaiters: (() => void)[] = [];
  /** Bumped on every change, so the panel sends only what is new. */
  revision = 0;

  constructor(
    /** The thread's name for it. */
    readonly request: number,
    /** The document version it trains. */
    readonly version: number,
  ) {}

  get state(): TrainingState {
    return this.currentState;
  }

  /** Whether it may still take steps (running or paused). */
  get active(): boolean {
    return this.currentState === 'running' || this.currentState === 'paused';
  }

  get stale(): boolean {
    return this.isStale;
  }

  get steps(): number {
    return this.total;
  }

  /** Steps taken so far. */
  get step(): number {
    return this.lossHistory.length;
  }

  get losses(): readonly number[] {
    return this.lossHistory;
  }

  get epochs(): readonly TrainingEpoch[] {
    return this.epochHistory;
  }

  get iteration(): number | null {
    return this.shown;
  }

  get memoryBytes(): number {
    return this.memory;
  }

  get checkpointEvery(): number {
    return this.every;
  }

  get message(): string | null {
    return this.currentMessage;
  }

  snapshot(): TrainingSnapshot {
    return { state: this.currentState, message: this.currentMessage, steps: this.total, losses: this.lossHistory, epochs: this.epochHistory, checkpointEvery: this.every, memoryBytes: this.memory, iteration: this.shown, stale: this.isStale };
  }

  /** Takes a report of the thread (in order: each one starts where the last ended). */
  take(progress: TrainingProgress): void {
    if (progress.request !== this.request) return;
    if (progress.from === this.lossHistory.length) {
      for (const loss of progress.losses) this.lossHistory.push(loss);
      this.epochHistory.push(...progress.epochs);
    }
    this.total = progress.steps || this.total;
    this.every = progress.checkpointEvery;
    this.memory = progress.memoryBytes;
    // A run the file's edit made stale stays stopped whatever the thread still says.
    if (!this.isStale || progress.state !== 'running') this.setState(progress.state, progress.message);
    else this.changed();
  }

  /** The graph now shows iteration `k` (null: the file's own parameters again). */
  showing(k: number | null): void {
    this.shown = k;
    this.changed();
  }

  /** The file changed: the result stays visible, marked stale; a training under way stops. */
  markStale(): void {
    if (this.isStale) return;
    this.isStale = true;
    this.shown = null;
    if (this.active) this.setState('stopped', l10n.t('the file changed'));
    else this.changed();
  }

  /** The thread is gone (it crashed, or an edit abandoned it). */
  lost(message: string): void {
    if (this.active) this.setState('stopped', message);
  }

  /** Resolves once it is done, stopped or failed. */
  whenEnded(): Promise<void> {
    if (!this.active) return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private setState(state: TrainingState, message: string | null): void {
    this.currentState = state;
    this.currentMessage = message;
    this.changed();
    if (!this.active) for (const resolve of this.endWaiters.splice(0)) resolve();
  }

  private changed(): void {
    this.revision++;
    for (const l of [...this.listeners]) l();
  }
}
