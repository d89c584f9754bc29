import * as l10n from '@vscode/l10n';
import { l10nBundle } from '../core/l10n';
import { devalueCodec } from './devalueCodec';
import type { EvaluationThreads } from '../extension/worker/evaluationWorker';
import type { FromWorker } from '../extension/worker/workerProtocol';

/**
 * Evaluation threads as browser Workers. The web worker extension host may
 * start a Worker only from a `blob:` (or `data:`) URL; one from the
 * extension's own URI is refused ("Creating workers from remote extensions
 * is currently not supported"), so the thread's bundle comes as text inside
 * the extension's (`source`) and each thread starts from one blob made of it.
 *
 * The first message gives the thread the host's translation bundle.
 * Without cross-origin isolation a page has no SharedArrayBuffer, so the
 * busy clock stays the host's own zeros there: an edit then waits for the
 * thread to finish its unit of work (at most one step, or one 20 ms slice of
 * a long run) instead of terminating it.
 */
export function webEvaluationThreads(source: string): EvaluationThreads {
  let url: string | undefined;
  return {
    codec: devalueCodec,
    start(listener) {
      url ??= URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const shared = typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true ? new SharedArrayBuffer(16) : null;
      const worker = new Worker(url, { name: 'GraphStep evaluation' });
      worker.onmessage = (event: MessageEvent<FromWorker>) => listener.message(event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        worker.terminate();
        listener.died(event.message || l10n.t('the evaluation thread stopped with an error'));
      };
      worker.onmessageerror = () => listener.died(l10n.t('the evaluation thread sent a message that could not be read'));
      // first, before any work: the host's translation bundle, and the clock cell where the page shares memory
      worker.postMessage({ type: 'start', l10n: l10nBundle(), busyClock: shared });
      return {
        thread: {
          postMessage: (message) => worker.postMessage(message),
          terminate: () => worker.terminate(),
        },
        busySince: shared ? new Float64Array(shared) : new Float64Array(2),
      };
    },
  };
}
