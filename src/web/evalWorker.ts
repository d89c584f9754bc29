/**
 * The evaluation thread's entry in the browser (bundled into the web
 * extension, started by `webEvaluationThreads` from a blob URL): the same
 * TapeService as in Node, with `load()` reading the files the host sent
 * and the engine's portable kernels (WebAssembly SIMD without Node's helper
 * threads; the same bits).
 */
import { useL10nBundle, type L10nBundle } from '../core/l10n';
import { TapeService } from '../extension/worker/tapeService';
import type { ToWorker } from '../extension/worker/workerProtocol';
import { devalueCodec } from './devalueCodec';
import { preparedFiles } from '../extension/worker/preparedFiles';

/** What `webEvaluationThreads` sends before anything else. */
interface StartMessage {
  readonly type: 'start';
  readonly l10n: L10nBundle | undefined;
  readonly busyClock: SharedArrayBuffer | null;
}

interface WorkerScope {
  onmessage: ((event: { readonly data: ToWorker | StartMessage }) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

const scope = globalThis as unknown as WorkerScope;
let busySince: Float64Array<ArrayBufferLike> = new Float64Array(2);
let service: TapeService | undefined;
scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'start') {
    // diagnostics made here read in VS Code's display language; the clock cell the host reads, where the page shares memory
    useL10nBundle(message.l10n);
    if (message.busyClock) busySince = new Float64Array(message.busyClock);
    return;
  }
  service ??= new TapeService((m, transfer) => scope.postMessage(m, transfer ?? []), { documentFiles: preparedFiles, codec: devalueCodec }, busySince);
  service.receive(message);
};
