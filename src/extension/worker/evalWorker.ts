/**
 * The evaluation thread's entry (bundled as out/evalWorker.js): one per
 * document with a graph, started by its session. All it does is hand the
 * host's messages to a TapeService and post its answers back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TapeService } from './tapeService';
import type { ToWorker } from './workerProtocol';

const port = parentPort;
if (!port) throw new Error('evalWorker.js runs only as a worker thread');
const busySince = new Float64Array((workerData as { busySince: SharedArrayBuffer }).busySince);
const service = new TapeService((message, transfer) => port.postMessage(message, transfer ?? []), busySince);
port.on('message', (message: ToWorker) => service.receive(message));
