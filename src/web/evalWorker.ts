/**
 * The evaluation thread's entry in the browser (bundled into the web
 * extension, started by `webEvaluationThreads` from a blob URL): the same
 * TapeService as in Node, with `load()` reading the files the host sent
 * and the engine's portable kernels (WebAssembly SIMD without Node's helper
 * threads; the same bits).
 */
import { TapeService } from '../extension/worker/tapeService';
import type { ToWorker } from '../extension/worker/workerProtocol';
import { devalueCodec } from './devalueCodec';
import { preparedFiles } from '../extension/worker/preparedFiles';

interface WorkerScope {
  onmessage: ((event: { readonly data: ToWorker | { readonly type: 'busyClock'; readonly cell: SharedArrayBuffer } }) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
}

const scope = globalThis as unknown as WorkerScope;
let busySince: Float64Array<ArrayBufferLike> = new Float64Array(2);
let service: TapeService | undefined;
scope.onmessage = (event) => {
  const message = event.data;
  // Sent first, where the page shares memory: the clock cell the host reads.
  if (message.type === 'busyClock') {
    busySince = new Float64Array(message.cell);
    return;
  }
  service ??= new TapeService((m, transfer) => scope.postMessage(m, transfer ?? []), { documentFiles: preparedFiles, codec: devalueCodec }, busySince);
  service.receive(message);
};
