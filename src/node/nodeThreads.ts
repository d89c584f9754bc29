import { Worker } from 'node:worker_threads';
import { l10nBundle } from '../core/l10n';
import type { EvaluationThreads, StartThread } from '../extension/worker/evaluationWorker';
import type { FromWorker } from '../extension/worker/workerProtocol';
import { v8Codec } from './v8Codec';

/**
 * Evaluation threads as Node worker threads running `script` (out/evalWorker.js),
 * with the busy clock in shared memory (see `EvaluationWorker.busyMs`).
 */
export function nodeThreads(script: string, resourceLimits?: { readonly maxOldGenerationSizeMb?: number }): StartThread {
  return (listener) => {
    const shared = new SharedArrayBuffer(16);
    // the host's translation bundle goes with it: diagnostics made there read in VS Code's display language
    const worker = new Worker(script, { workerData: { busySince: shared, l10n: l10nBundle() }, resourceLimits, stdout: false, stderr: false });
    worker.on('message', (m: FromWorker) => listener.message(m));
    let reason = '';
    worker.on('error', (e) => (reason = e.message));
    // After terminate() too: the EvaluationWorker has let go of the thread by then and ignores it.
    worker.on('exit', (code) => listener.died(reason || `the evaluation thread exited with code ${code}`));
    return {
      thread: {
        postMessage: (message) => worker.postMessage(message),
        terminate: () => void worker.terminate(),
      },
      busySince: new Float64Array(shared),
    };
  };
}

/** Node's evaluation threads: worker threads running `script`, checks as V8 bytes. */
export function nodeEvaluationThreads(script: string, resourceLimits?: { readonly maxOldGenerationSizeMb?: number }): EvaluationThreads {
  return { start: nodeThreads(script, resourceLimits), codec: v8Codec };
}
