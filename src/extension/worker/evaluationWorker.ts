import type { CheckCodec } from './checkTransfer';
import type { FromWorker, ToWorker } from './workerProtocol';

/** How long a thread may be inside one unit of work before an edit terminates it rather than waits for it. */
export const ABANDON_AFTER_MS = 50;

/** What a session hears from its thread. */
export interface WorkerListener {
  message(message: FromWorker): void;
  /** The thread ended without being asked to (it crashed or ran out of memory). */
  died(reason: string): void;
}

/** One running evaluation thread, whatever runs it (a Node worker thread, a browser Worker). */
export interface EvaluationThread {
  postMessage(message: ToWorker): void;
  /** Ends the thread at once; what it was computing is abandoned, and it reports nothing more. */
  terminate(): void;
}

/** A thread just started, with the clock cell it writes the start of its current unit of work into. */
export interface StartedThread {
  readonly thread: EvaluationThread;
  /**
   * `[start of the unit of work running now (ms since the epoch, 0 between units), 1 if it checks a text]`,
   * shared with the thread where the platform shares memory; elsewhere it stays 0 (the host then never abandons a thread).
   */
  readonly busySince: Float64Array<ArrayBufferLike>;
}

/**
 * How a platform starts an evaluation thread: `nodeThreads` (src/node) with
 * worker_threads, `webThreads` (src/web) with a browser `Worker`. The thread
 * sends its messages to `listener.message` and its unasked end to `listener.died`.
 */
export type StartThread = (listener: WorkerListener) => StartedThread;

/** A platform's evaluation threads: how to start one, and how the checks it makes travel back as bytes. */
export interface EvaluationThreads {
  readonly start: StartThread;
  readonly codec: CheckCodec;
}

/**
 * The host's handle on one evaluation thread: starts it on first use,
 * posts messages, and can abandon it (terminate and start afresh) when an
 * edit supersedes a long computation. Knows nothing of VS Code nor of the
 * platform, so the benchmark drives it too.
 */
export class EvaluationWorker {
  private thread: EvaluationThread | undefined;
  private busySince: Float64Array<ArrayBufferLike> = new Float64Array(2);

  constructor(
    private readonly startThread: StartThread,
    private readonly listener: WorkerListener,
  ) {}

  /** The running thread, if any (for tests and diagnostics). */
  get worker(): EvaluationThread | undefined {
    return this.thread;
  }

  post(message: ToWorker): void {
    this.start().postMessage(message);
  }

  /** Milliseconds the thread has been inside its current unit of work; 0 between units or when stopped. */
  busyMs(): number {
    const since = this.thread ? this.busySince[0]! : 0;
    return since > 0 ? Date.now() - since : 0;
  }

  /** Whether the unit of work running now checks a text (rather than computes the tape). */
  busyChecking(): boolean {
    return this.busyMs() > 0 && this.busySince[1] === 1;
  }

  /** Ends the thread (what it was computing is abandoned); the next `post` starts a new one. */
  stop(): void {
    const thread = this.thread;
    this.thread = undefined;
    thread?.terminate();
  }

  private start(): EvaluationThread {
    if (this.thread) return this.thread;
    const started = this.startThread({
      message: (m) => this.thread === started.thread && this.listener.message(m),
      died: (reason) => {
        if (this.thread !== started.thread) return;
        this.thread = undefined;
        this.listener.died(reason);
      },
    });
    this.busySince = started.busySince;
    this.thread = started.thread;
    return started.thread;
  }
}
