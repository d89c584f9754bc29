import * as os from 'node:os';
import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { setResultAllocator } from '../core/tensorMath/allocate';
import { setKernelOptions, type ParallelGemm, type WasmMemory } from '../core/tensorMath/gemmWasm';
import { GEMM_WASM } from '../core/tensorMath/wasm/gemmWasm.generated';

/*
 * What Node gives the engine's matrix kernels beyond plain WebAssembly SIMD:
 * relaxed SIMD (behind a V8 flag in Node 20) for the fused kernel, and worker
 * threads that compute some of the rows of a large product on the other
 * cores. Rows are independent sums, so splitting them keeps every bit.
 */

export interface NodeKernelOptions {
  /** Threads a product may use in all, the caller's included (default: the cores, at most 4). */
  readonly threads?: number;
  /** Products with fewer multiply-adds than this run on one thread. */
  readonly minMacs?: number;
}

/**
 * Measured on a 2-core machine (`npm run bench` prints the crossover): with
 * the other core free, 64³ (2.6·10⁵ multiply-adds) takes 0.7 of its time on
 * two threads, 48³ (1.1·10⁵) no less than on one. When the other core is
 * busy, splits stop paying and the caller soon runs products alone (rows()).
 */
export const DEFAULT_PARALLEL_MIN_MACS = 200_000;

/** One set of helpers per thread count, kept for the process: helpers are never stopped, only left idle. */
const pools = new Map<number, ParallelGemm & { readonly helperChunks: () => number }>();

/** Switches on relaxed SIMD and (on machines with more than one core) helper threads. */
export function useNodeKernels(options: NodeKernelOptions = {}): void {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const threads = Math.max(1, Math.min(options.threads ?? Math.min(cores, 4), 16));
  const minMacs = options.minMacs ?? DEFAULT_PARALLEL_MIN_MACS;
  let pool = pools.get(threads) ?? null;
  if (threads > 1 && !pool) pools.set(threads, (pool = workerGemm(threads - 1)));
  setKernelOptions({ relaxedSimd: true, parallel: pool ? { ...pool, minMacs, run: pool.run } : null });
  setResultAllocator(unfilled);
}

/** Below this many elements a zero-filled array costs no more (V8 makes it at once). */
const UNFILLED_MIN = 1024;

/** A Float64Array over memory that is not zero-filled first (its own ArrayBuffer, not Node's Buffer pool). */
function unfilled(length: number): Float64Array {
  if (length < UNFILLED_MIN) return new Float64Array(length);
  const bytes = Buffer.allocUnsafeSlow(length * 8);
  return new Float64Array(bytes.buffer, bytes.byteOffset, length);
}

/** How many chunks of rows helper threads have computed in this process (to see that splitting happens). */
export function helperChunks(): number {
  let n = 0;
  for (const pool of pools.values()) n += pool.helperChunks();
  return n;
}

/*
 * The hand-over, through one shared Int32Array. The rows of the products are
 * cut into chunks, listed in a table (each chunk's kernel arguments and rows).
 * The caller publishes the table, then the ticket word (generation << 16 |
 * front << 8 | back: the chunks not yet taken are front … back − 1), then
 * bumps the generation and wakes the helpers. The caller takes chunks from the
 * front, helpers from the back, each by compareExchange on the ticket: with
 * two products (a layer's backward) the caller sums the first and a helper
 * the second, each reading its own operands, and with one product each
 * thread reads its own rows. A helper that is slow, descheduled by a busy
 * machine, not yet started or dead just takes fewer chunks and the caller
 * does the rest; the caller waits only for chunks a helper has taken and is
 * running. A helper checks the ticket's generation against the table it read,
 * so it never runs a chunk of one hand-over with another's arguments.
 */
// Words (Int32) of the control array. The three that threads write while others watch —
// the generation helpers spin on, the ticket every claim changes, the count of chunks
// done — sit on cache lines of their own (16 words = 64 bytes), so a claim or a count does
// not pull the others' line away.
const GENERATION = 0;
const TICKET = 16;
const DONE = 32;
const FAILED = 48;
const CHUNKS = 49;
const KERNEL = 50;
/** The generation a helper was woken from sleep for (it joined late: not a sign of a busy machine). */
const WOKEN = 51;
const TABLE = 64;
/** Per chunk: a, ais, aps, bp, c, k, n, bjb, bstep, i0, i1. */
const CHUNK_WORDS = 11;
const MAX_CHUNKS = 255;
/** Chunks per thread and product: small enough that threads finish together, each a few microseconds of work or more. */
const PER_THREAD = 4;
const CONTROL_WORDS = TABLE + MAX_CHUNKS * CHUNK_WORDS;
/** How long a helper keeps looking for the next product before it sleeps. */
const SPIN_MS = 0.2;

const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { memory, control, plain, fused } = workerData;
const ctl = new Int32Array(control);
const compile = (b64) => new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(b64, 'base64')), { env: { memory } }).exports;
const kernels = [compile(plain), null];
try { kernels[1] = compile(fused); } catch {}
let seen = 0;
for (;;) {
  // products often come in runs (a layer's forward, then its backward): wait a little
  // without sleeping, so the next one is picked up at once, then sleep until woken
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(ctl, ${GENERATION}) === seen && performance.now() < until);
  const slept = Atomics.wait(ctl, ${GENERATION}, seen) === 'ok';
  const gen = Atomics.load(ctl, ${GENERATION});
  if (slept) Atomics.store(ctl, ${WOKEN}, gen);
  seen = gen;
  const chunks = ctl[${CHUNKS}], k = kernels[ctl[${KERNEL}]];
  for (;;) {
    const t = Atomics.load(ctl, ${TICKET});
    if (t >>> 16 !== (gen & 0x7fff)) break;
    const back = t & 0xff;
    if (((t >>> 8) & 0xff) >= back) break;
    if (Atomics.compareExchange(ctl, ${TICKET}, t, t - 1) !== t) continue;
    const o = ${TABLE} + (back - 1) * ${CHUNK_WORDS};
    try { k.gemm(ctl[o], ctl[o + 1], ctl[o + 2], ctl[o + 3], ctl[o + 4], ctl[o + 5], ctl[o + 9], ctl[o + 10], ctl[o + 6], ctl[o + 7], ctl[o + 8]); }
    catch { Atomics.store(ctl, ${FAILED}, 1); }
    // the caller sleeps only for the last chunk: wake it once, when that one is done
    if (Atomics.add(ctl, ${DONE}, 1) + 1 >= chunks) Atomics.notify(ctl, ${DONE});
  }
}
`;

function workerGemm(helpers: number): ParallelGemm & { readonly helperChunks: () => number } {
  const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory } }).WebAssembly;
  const memory = new Memory({ initial: 16, maximum: 32768, shared: true });
  const control = new SharedArrayBuffer(4 * CONTROL_WORDS);
  const ctl = new Int32Array(control);
  // Started by the first product big enough to split (which the caller computes alone while they start).
  let started = false;
  const startHelpers = (): void => {
    started = true;
    for (let t = 0; t < helpers; t++) {
      const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { memory, control, plain: GEMM_WASM.plainShared, fused: GEMM_WASM.fusedShared } });
      worker.unref();
      worker.on('error', () => undefined);
    }
  };
  let generation = 0;
  let byHelpers = 0;
  // On a busy machine a helper can be descheduled in the middle of its chunk and the
  // caller waits for it; when the wait outgrows the caller's own work, products run
  // on the caller alone for a while, then the helpers are tried again.
  let soloUntil = 0;
  let misses = 0;
  let products = 0;
  // which product and rows each chunk of the table is (the caller's copy)
  const chunkTask: number[] = [];
  const chunkRows: number[] = [];
  return {
    memory,
    helpers,
    minMacs: 0,
    helperChunks: () => byHelpers,
    run(kernel, tasks, runRows) {
      if (!started) startHelpers();
      if (++products < soloUntil) return false;
      // about PER_THREAD chunks per thread and product, of whole blocks of four rows
      let chunks = 0;
      for (let t = 0; t < tasks.length; t++) {
        const { args, rows } = tasks[t]!;
        const per = Math.max(4, Math.ceil(rows / (PER_THREAD * (helpers + 1)) / 4) * 4);
        for (let i0 = 0; i0 < rows; i0 += per) {
          if (chunks >= MAX_CHUNKS) return false;
          const o = TABLE + chunks * CHUNK_WORDS;
          for (let w = 0; w < 9; w++) ctl[o + w] = args[w]!;
          ctl[o + 9] = i0;
          ctl[o + 10] = Math.min(rows, i0 + per);
          chunkTask[chunks] = t;
          chunkRows[chunks] = i0;
          chunks++;
        }
      }
      generation = (generation + 1) & 0x7fff;
      ctl[CHUNKS] = chunks;
      ctl[KERNEL] = kernel === 'fused' ? 1 : 0;
      Atomics.store(ctl, DONE, 0);
      Atomics.store(ctl, FAILED, 0);
      Atomics.store(ctl, TICKET, (generation << 16) | chunks);
      Atomics.add(ctl, GENERATION, 1);
      Atomics.notify(ctl, GENERATION);
      let own = 0;
      const t0 = performance.now();
      for (;;) {
        const t = Atomics.load(ctl, TICKET);
        const front = (t >>> 8) & 0xff;
        if (front >= (t & 0xff)) break;
        if (Atomics.compareExchange(ctl, TICKET, t, t + 256) !== t) continue;
        const o = TABLE + front * CHUNK_WORDS;
        runRows(chunkTask[front]!, chunkRows[front]!, ctl[o + 10]!);
        Atomics.add(ctl, DONE, 1);
        own++;
      }
      byHelpers += chunks - own;
      const t1 = performance.now();
      // a helper's last chunk usually ends within microseconds: watch for it rather than
      // sleep (waking from Atomics.wait costs tens of microseconds), then sleep
      const spinUntil = t1 + Math.max(t1 - t0, SPIN_MS / 4);
      for (let spins = 1; Atomics.load(ctl, DONE) < chunks; spins++) if ((spins & 63) === 0 && performance.now() > spinUntil) break;
      for (let d = Atomics.load(ctl, DONE); d < chunks; d = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, d, 50);
      // Did the split pay? Alone, the caller would have taken its time per chunk for every
      // chunk. When helpers took part and it did not (they were busy elsewhere or descheduled),
      // products run on the caller alone for a while, longer after each miss in a row. A split
      // the helpers missed altogether (asleep: the next ones find them awake) costs little.
      if (own < chunks && Atomics.load(ctl, WOKEN) !== Atomics.load(ctl, GENERATION)) {
        const alone = own > 0 ? ((t1 - t0) / own) * chunks : Infinity;
        if (performance.now() - t0 > 0.9 * alone) soloUntil = products + (16 << Math.min(misses++, 6));
        else misses = 0;
      }
      return Atomics.load(ctl, FAILED) === 0;
    },
  };
}
