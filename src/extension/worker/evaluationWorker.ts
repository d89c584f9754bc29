import { Worker } from 'node:worker_threads';
import { l10nBundle } from '../../core/l10n';
import type { FromWorker, ToWorker } from './workerProtocol';

/** How long a thread may be inside one unit of work before an edit terminates it rather than waits for it. */
export const ABANDON_AFTER_MS = 50;

/** What a session hears from its thread. */
export interface WorkerListener {
  message(message: FromWorker): void;
  /** The thread ended without being asked to (it crashed or ran out of memory). */
  died(reason: string): void;
}

/**
 * The host's handle on one evaluation thread: starts it on first use,
 * posts messages, and can abandon it (terminate and start afresh) when an
 * edit supersedes a long computation. Knows nothing of VS Code, so the
 * benchmark drives it too.
 */
export class EvaluationWorker {
  private thread: Worker | undefined;
  private busySince: Float64Array<ArrayBufferLike> = new Float64Array(2);

  constructor(
    private readonly script: string,
    private readonly listener: WorkerListener,
    private readonly resourceLimits?: { readonly maxOldGenerationSizeMb?: number },
  ) {}

  /** The running thread, if any (for tests and diagnostics). */
  get worker(): Worker | undefined {
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
    if (thread) void thread.terminate();
  }

  private start(): Worker {
    if (this.thread) return this.thread;
    const shared = new SharedArrayBuffer(16);
    this.busySince = new Float64Array(shared);
    const thread = new Worker(this.script, { workerData: { busySince: shared, l10n: l10nBundle() }, resourceLimits: this.resourceLimits, stdout: false, stderr: false });
    thread.on('message', (m: FromWorker) => this.thread === thread && this.listener.message(m));
    let reason = '';
    thread.on('error', (e) => (reason = e.message));
    thread.on('exit', (code) => {
      if (this.thread !== thread) return;
      this.thread = undefined;
      this.listener.died(reason || `the evaluation thread exited with code ${code}`);
    });
    this.thread = thread;
    return thread;
  }
}
