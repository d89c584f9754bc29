/**
 * The evaluation thread's entry in Node (bundled as out/evalWorker.js): one
 * per document with a graph, started by its session. It switches on the
 * engine's Node kernels, hands the host's messages to a TapeService and
 * posts its answers back. The browser's entry is src/web/evalWorker.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useL10nBundle, type L10nBundle } from '../../core/l10n';
import { useNodeKernels } from '../../node/engineKernels';
import { v8Codec } from '../../node/v8Codec';
import { documentFiles } from './documentFiles';
import { TapeService } from './tapeService';
import type { ToWorker } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('evalWorker.js runs only as a worker thread');
// The same kernels as the extension host and the CLI (WebAssembly SIMD, helper threads for large products): the same bits.
useNodeKernels();
const data = workerData as { busySince: SharedArrayBuffer; l10n?: L10nBundle };
// the host's translation bundle: diagnostics made here read in VS Code's display language
useL10nBundle(data.l10n);
const busySince = new Float64Array(data.busySince);
const service = new TapeService((message, transfer) => port.postMessage(message, transfer ?? []), { documentFiles, codec: v8Codec }, busySince);
port.on('message', (message: ToWorker) => service.receive(message));
