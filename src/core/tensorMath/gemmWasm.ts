import { isImmutableData, registersImmutable } from '../tensor';
import { resultArray } from './allocate';
import { fma } from './fma';
import { GEMM_WASM } from './wasm/gemmWasm.generated';

/*
 * The WebAssembly matrix kernels (built from wasm/gemm.wat): the same sums
 * as the JavaScript kernels in matmul.ts, in the same order, two lanes at a
 * time. The plain kernel (f64x2 mul then add) needs only WebAssembly SIMD. The
 * fused kernel (f64x2.relaxed_madd) needs relaxed SIMD: its module compiles
 * only where the runtime has it (Node 20 keeps it behind a V8 flag, which the
 * Node host sets; see src/node/engineKernels.ts), and a host may forbid it with
 * `setKernelOptions({ relaxedSimd: false })`. relaxed_madd may fuse or not
 * depending on the CPU, so before it is used a start-up check compares it with
 * the exact FMA emulation on inputs where one rounding and two differ.
 */

/** What the host tells the core it may use. */
export interface KernelOptions {
  /** Use the WebAssembly kernels at all (default true; false forces the JavaScript ones, for comparisons). */
  readonly wasm?: boolean;
  /** Try the fused kernel where the runtime has WebAssembly relaxed SIMD (default true). */
  readonly relaxedSimd?: boolean;
  /** Splits the rows of large products across threads; null runs them on this thread. */
  readonly parallel?: ParallelGemm | null;
}

/** Rows [0, rows) of one product for the `gemm` kernel: its other arguments (a, ais, aps, bp, c, k, n, bjb, bstep). */
export interface GemmTask {
  readonly args: readonly number[];
  readonly rows: number;
}

/**
 * A host's threads (Node worker threads) sharing the kernels' memory. `run`
 * computes every row of one or more products (a layer's backward hands over
 * its two at once): their rows are cut into chunks, which the caller takes
 * from the front through `runRows` and helpers from the back, so each thread
 * mostly reads its own operands; it returns true when every chunk is done,
 * false when it computed nothing or a helper failed (the caller then computes
 * the products itself).
 */
export interface ParallelGemm {
  readonly memory: WasmMemory;
  /** How many threads besides the caller's. */
  readonly helpers: number;
  /** Products with at least this many multiply-adds are split (and pairs with this many together). */
  readonly minMacs: number;
  run(kernel: 'plain' | 'fused', tasks: readonly GemmTask[], runRows: (task: number, i0: number, i1: number) => void): boolean;
}

/** Which kernels run, for benchmarks and docs. */
export interface KernelPaths {
  readonly plain: 'wasm-simd' | 'javascript';
  readonly fused: 'wasm-relaxed-madd' | 'javascript-emulated-fma';
  readonly threads: number;
  /** Why the fused kernel is not used, when it is not. */
  readonly fusedNote: string | null;
}

/** The part of WebAssembly.Memory the kernels use. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface GemmExports {
  pack(src: number, rows: number, cols: number, rs: number, cs: number, dst: number, rowsPad: number): void;
  packRows(src: number, k: number, n: number, ld: number, dst: number): void;
  inRange(p: number, n: number): number;
  gemm(a: number, ais: number, aps: number, bp: number, c: number, k: number, i0: number, i1: number, n: number, bjb: number, bstep: number): void;
  madd?(x: number, y: number, z: number, out: number, n: number): void;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

const PAGE = 65536;
/** An unshared memory grown past this is dropped after its product, so the next one starts small. */
const RETAINED_BYTES = 64 << 20;
/** 2 GiB: the most a product's operands may occupy in the kernels' memory. */
const MAX_PAGES = 32768;

let options: Required<KernelOptions> = { wasm: true, relaxedSimd: true, parallel: null };
let state: KernelState | null | undefined;

/** Sets what the host allows; the kernels are (re)made on the next product. */
export function setKernelOptions(next: KernelOptions): void {
  options = { ...options, ...next };
  state = undefined;
}

export function kernelPaths(): KernelPaths {
  const s = kernels();
  return {
    plain: s ? 'wasm-simd' : 'javascript',
    fused: s?.fused ? 'wasm-relaxed-madd' : 'javascript-emulated-fma',
    threads: s && options.parallel ? options.parallel.helpers + 1 : 1,
    fusedNote: s ? s.fusedNote : options.wasm ? 'WebAssembly SIMD is not available' : 'WebAssembly kernels switched off',
  };
}

/** One operand kept in the kernels' memory: a tensor's data as it is ('raw') or B packed for a layout. */
interface CachedOperand {
  readonly key: Float64Array;
  readonly tag: string;
  readonly off: number;
  readonly bytes: number;
  /** Not yet copied in (set by `store`, cleared by `fresh`). */
  pending: boolean;
  /** A product's result, left where the kernel wrote it: valid once it is a large tensor's data. */
  readonly result: boolean;
}

/**
 * The operand cache: the first CACHE_BYTES of memory hold copies of large
 * tensors' data (A as it is, B packed) keyed by identity, which tensors'
 * immutability makes safe (`isImmutableData`), so a product whose operand
 * was an operand before (x in a layer's forward and backward, W across a
 * Gradient Check) skips the copy and the packing. A product's result that
 * will be a large tensor's data is written there too, so the product that
 * reads it next (the next layer's input, the gradient flowing back) finds it
 * in place. Filled front to back, emptied when full.
 */
const CACHE_BYTES = 8 << 20;

class KernelState {
  private f64: Float64Array;
  /** The cached copies of each array (usually one or two: as it is, packed for a layout). */
  private entries = new Map<Float64Array, CachedOperand[]>();
  private top = 0;
  readonly cacheBytes = CACHE_BYTES;
  constructor(
    private readonly memory: WasmMemory,
    readonly plain: GemmExports,
    readonly fused: GemmExports | null,
    readonly fusedNote: string | null,
    readonly parallel: ParallelGemm | null,
  ) {
    this.f64 = new Float64Array(memory.buffer);
  }

  /** The offset of `data`'s copy under `tag`, or -1. */
  cached(data: Float64Array, tag: string, bytes: number): number {
    const list = this.entries.get(data);
    // a result counts once it is a tensor's data (the array was not written after the kernel, as none is)
    if (list) for (const e of list) if (e.tag === tag && e.bytes === bytes && (!e.result || isImmutableData(data))) return e.off;
    return -1;
  }

  /** Whether `data` may be kept: a large tensor's (immutable) data that fits the cache with room to spare. */
  cacheable(data: Float64Array, bytes: number): boolean {
    return bytes * 4 <= CACHE_BYTES && isImmutableData(data);
  }

  /** Whether `bytes` more fit in the cache as it is. */
  fits(bytes: number): boolean {
    return this.top + bytes <= CACHE_BYTES;
  }

  /** Makes room for `bytes` more; false when that emptied the cache. */
  reserve(bytes: number): boolean {
    if (this.top + bytes <= CACHE_BYTES) return true;
    this.forget();
    return false;
  }

  /** Places `data` in the cache (its copy still to be written: see `fresh`). */
  store(data: Float64Array, tag: string, bytes: number): number {
    const off = this.allot(bytes);
    this.enter({ key: data, tag, off, bytes, pending: true, result: false });
    return off;
  }

  /** Room for `bytes` in the cache (made with `reserve` or checked with `fits`). */
  allot(bytes: number): number {
    const off = this.top;
    this.top = align(this.top + bytes);
    return off;
  }

  /** Keeps the result `C` the kernel wrote at `off` (allotted) as C's copy. */
  keepResult(C: Float64Array, off: number, bytes: number): void {
    this.enter({ key: C, tag: 'raw', off, bytes, pending: false, result: true });
  }

  private enter(entry: CachedOperand): void {
    const list = this.entries.get(entry.key);
    if (list) list.push(entry);
    else this.entries.set(entry.key, [entry]);
  }

  /** Whether the copy of `data` at `off` still has to be written (a scratch copy always has). */
  fresh(off: number, data: Float64Array): boolean {
    let e: CachedOperand | null = null;
    const list = this.entries.get(data);
    if (list) for (const x of list) if (x.off === off) e = x;
    if (!e) return off >= CACHE_BYTES;
    const pending = e.pending;
    e.pending = false;
    return pending;
  }

  forget(): void {
    this.entries = new Map();
    this.top = 0;
  }

  /** A view of at least `bytes` bytes of memory, or null when it cannot grow that far. */
  view(bytes: number): Float64Array | null {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) return null;
      try {
        this.memory.grow(pages);
      } catch {
        return null;
      }
    }
    if (this.f64.buffer !== this.memory.buffer || this.f64.length * 8 < bytes) this.f64 = new Float64Array(this.memory.buffer);
    return this.f64;
  }
}

function kernels(): KernelState | null {
  if (state === undefined) state = makeKernels();
  return state;
}

function makeKernels(): KernelState | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!options.wasm || !api) return null;
  const shared = options.parallel !== null;
  try {
    const memory = options.parallel?.memory ?? new api.Memory({ initial: 16, maximum: MAX_PAGES });
    const instantiate = (base64: string): GemmExports => new api.Instance(new api.Module(decodeBase64(base64)), { env: { memory } }).exports as GemmExports;
    const plain = instantiate(shared ? GEMM_WASM.plainShared : GEMM_WASM.plain);
    let fused: GemmExports | null = null;
    let note: string | null = null;
    if (!options.relaxedSimd) note = 'relaxed SIMD switched off by the host';
    else {
      try {
        fused = instantiate(shared ? GEMM_WASM.fusedShared : GEMM_WASM.fused);
        note = fusedMatchesEmulation(fused, memory);
        if (note !== null) fused = null;
      } catch {
        note = 'this runtime has no WebAssembly relaxed SIMD (in Node 20 the host sets --experimental-wasm-relaxed-simd)';
      }
    }
    return new KernelState(memory, plain, fused, note, options.parallel);
  } catch {
    return null;
  }
}

/**
 * The start-up check: relaxed_madd on pairs where a·b + c rounded once and
 * rounded twice differ, plus seeded random ones, against the exact emulation.
 * Returns null when every result has the same bits, else why not.
 */
function fusedMatchesEmulation(k: GemmExports, memory: WasmMemory): string | null {
  const cases: [number, number, number][] = [];
  const e30 = 2 ** -30;
  cases.push([1 + e30, 1 + e30, -(1 + 2 * e30)]); // a·b = 1 + 2^-29 + 2^-60: only a fused madd keeps 2^-60
  cases.push([1 + 2 ** -52, 1 - 2 ** -53, -1]);
  cases.push([0.1, 10, -1]);
  cases.push([1 / 3, 3, -1]);
  cases.push([-0.7, 0.3, 0.21]);
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  while (cases.length < 64) {
    const a = (rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20);
    const b = (rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 20);
    cases.push([a, b, -a * b * (1 + (rand() - 0.5) * 2 ** -20)]);
  }
  const n = cases.length;
  const f64 = new Float64Array(memory.buffer, 0, 4 * n);
  cases.forEach(([a, b, c], i) => {
    f64[i] = a;
    f64[n + i] = b;
    f64[2 * n + i] = c;
  });
  k.madd!(0, 8 * n, 16 * n, 24 * n, n / 2);
  let differsFromUnfused = false;
  for (let i = 0; i < n; i++) {
    const [a, b, c] = cases[i]!;
    if (!Object.is(f64[3 * n + i], fma(a, b, c))) return 'relaxed_madd does not match the exact FMA on this CPU';
    if (f64[3 * n + i] !== a * b + c) differsFromUnfused = true;
  }
  return differsFromUnfused ? null : 'relaxed_madd does not fuse on this CPU';
}

function decodeBase64(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    bits = (bits << 6) | alphabet.indexOf(clean[i]!);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[o++] = (bits >> count) & 0xff;
    }
  }
  return out;
}

/** One product's operands and result, placed in the kernels' memory. */
interface Placed {
  /** The `gemm` kernel's arguments but the rows: a, ais, aps, bp, c, k, n, bjb, bstep (bytes and sizes). */
  readonly args: readonly number[];
  readonly m: number;
  readonly n: number;
  readonly offC: number;
  /** The array C is copied out to. */
  readonly C: Float64Array;
  /** The first byte after this product's scratch space. */
  readonly end: number;
}

/**
 * A B stored by rows whose columns come in whole fours, and at most this
 * large, is read in place, as a panel of its own: with k·n·8 bytes within
 * the second-level cache the kernel runs as fast on it as on packed panels
 * (measured: the same at 64² and 128², 12% slower at 256², 2.5× at 512²).
 */
const IN_PLACE_B_BYTES = 128 << 10;

/**
 * Copies A in and B in (packed into panels, or as it is where the kernel can
 * read it so) where the operand cache does not already hold them, and makes
 * room for C, from byte `scratch` on. `keepCache`: the cache must not be
 * emptied (an earlier product's operands placed in it are still to be read),
 * so arrays that do not fit go to scratch instead. Null when memory cannot
 * grow that far, or (fused) when an operand is out of the emulation's exact
 * range.
 */
function place(s: KernelState, kernel: GemmExports, fused: boolean, A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number, scratch: number, keepCache: boolean): Placed | null {
  const nb = (n + 3) >> 2;
  const bytesA = A.length * 8;
  const inPlace = bjs === 1 && (n & 3) === 0 && B.length * 8 <= IN_PLACE_B_BYTES;
  // B as the kernel reads it: as it is (in place), or packed for this layout
  const tagB = inPlace ? 'raw' : `${n},${k},${bps},${bjs}`;
  const bytesBP = inPlace ? B.length * 8 : nb * k * 32;
  // A as it is, and B, may already sit in the operand cache from an earlier product
  let offA = s.cached(A, 'raw', bytesA);
  let offBP = s.cached(B, tagB, bytesBP);
  let newA = offA < 0 && s.cacheable(A, bytesA);
  let newBP = offBP < 0 && s.cacheable(B, bytesBP) && !(inPlace && B === A);
  const bytesC = m * n * 8;
  let newC = registersImmutable(m * n) && bytesC * 4 <= s.cacheBytes;
  const newBytes = (newA ? align(bytesA) : 0) + (newBP ? align(bytesBP) : 0) + (newC ? align(bytesC) : 0);
  if (keepCache) {
    if (!s.fits(newBytes)) newA = newBP = newC = false;
  } else if (!s.reserve(newBytes)) {
    // the cache was emptied to make room: place everything again
    offA = offBP = -1;
  }
  const take = (bytes: number): number => {
    const at = scratch;
    scratch = align(scratch + bytes);
    return at;
  };
  if (offA < 0) offA = newA ? s.store(A, 'raw', bytesA) : take(bytesA);
  const copyA = offA;
  // B read in place and one array with A: A's copy is B's
  if (inPlace && B === A) offBP = offA;
  let copyB = -1;
  let packFrom = -1;
  if (offBP < 0) {
    if (inPlace) offBP = copyB = newBP ? s.store(B, 'raw', bytesBP) : take(bytesBP);
    else {
      // B as it is may already sit in the cache (an earlier product's A, or this one's): packed from there
      packFrom = s.cached(B, 'raw', B.length * 8);
      if (packFrom < 0) packFrom = copyB = take(B.length * 8);
      offBP = newBP ? s.store(B, tagB, bytesBP) : take(bytesBP);
    }
  }
  const C = resultArray(m * n);
  const offC = newC ? s.allot(bytesC) : take(bytesC);
  const f64 = s.view(scratch);
  if (!f64) {
    s.forget();
    return null;
  }
  if (s.fresh(copyA, A)) f64.set(A, copyA / 8);
  if (copyB >= 0 && s.fresh(copyB, B)) f64.set(B, copyB / 8);
  if (packFrom >= 0) {
    // B stored by rows (A·B, Aᵀ·B) is packed four columns at a time; any other layout element by element
    if (bjs === 1) kernel.packRows(packFrom, k, n, bps * 8, offBP);
    else kernel.pack(packFrom, n, k, bjs * 8, bps * 8, offBP, nb * 4);
  }
  // B in the kernels' memory, in place or packed (with zeros), holds every value of B: the range check reads it there
  if (fused && !(kernel.inRange(offA, A.length) === 1 && kernel.inRange(offBP, inPlace ? B.length : nb * 4 * k) === 1)) return null;
  if (newC) s.keepResult(C, offC, bytesC);
  // where the kernel finds B(p, 4·jb … 4·jb+3): from one column block to the next, and from one p to the next
  const blockStep = inPlace ? 32 : k * 32;
  const rowStep = inPlace ? bps * 8 : 32;
  return { args: [offA, ais * 8, aps * 8, offBP, offC, k, n, blockStep, rowStep], m, n, offC, C, end: scratch };
}

/**
 * Runs the placed products, on the host's threads where they are large
 * enough to pay for it, else here, and returns each C in its own array
 * (row-major m×n, every element written).
 */
function compute(s: KernelState, kernel: GemmExports, fused: boolean, products: readonly Placed[]): Float64Array[] {
  const par = s.parallel;
  let macs = 0;
  for (const p of products) macs += p.m * p.args[5]! * p.n;
  const f64 = s.view(products[products.length - 1]!.end)!;
  const results = products.map((p) => p.C);
  const copyOut = (t: number, i0: number, i1: number): void => {
    const p = products[t]!;
    const c0 = p.offC / 8;
    results[t]!.set(f64.subarray(c0 + i0 * p.n, c0 + i1 * p.n), i0 * p.n);
  };
  const sum = (t: number, i0: number, i1: number): void => {
    const a = products[t]!.args;
    kernel.gemm(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, i0, i1, a[6]!, a[7]!, a[8]!);
  };
  // one product is split only when it has rows enough for both threads; a pair always can be
  if (par !== null && macs >= par.minMacs && (products.length > 1 || products[0]!.m >= 8)) {
    // The caller copies out the rows it sums at once, while they are in its cache and the
    // helpers are still at work (it then takes fewer chunks, helpers more). Its chunks are
    // the first of each product's: rows [0, copied) of it.
    const copied = products.map(() => 0);
    const ran = par.run(fused ? 'fused' : 'plain', products.map((p) => ({ args: p.args, rows: p.m })), (t, i0, i1) => {
      sum(t, i0, i1);
      copyOut(t, i0, i1);
      copied[t] = i1;
    });
    if (ran) {
      for (let t = 0; t < products.length; t++) if (copied[t]! < products[t]!.m) copyOut(t, copied[t]!, products[t]!.m);
      return results;
    }
  }
  for (let t = 0; t < products.length; t++) {
    sum(t, 0, products[t]!.m);
    copyOut(t, 0, products[t]!.m);
  }
  return results;
}

/**
 * C[m×n] with C(i,j) = Σ_p A(i,p)·B(p,j) by the WebAssembly kernels, or null
 * when they cannot (not available, memory, or, for the fused kernel, operands
 * where the JavaScript emulation takes its two-rounding fallback, which a
 * hardware FMA would not reproduce). Strides are in elements, as in matmul.ts.
 */
export function gemmWasm(fused: boolean, A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number): Float64Array | null {
  const s = kernels();
  if (!s) return null;
  const kernel = fused ? s.fused : s.plain;
  if (!kernel) return null;
  const p = place(s, kernel, fused, A, ais, aps, B, bps, bjs, m, k, n, s.cacheBytes, false);
  if (!p) return null;
  const [C] = compute(s, kernel, fused, [p]);
  // a memory grown for one huge product is not kept for the process's lifetime (a shared one, the threads', is)
  if (!s.parallel && p.end > RETAINED_BYTES) state = undefined;
  return C!;
}

/** One product's operands as gemmWasm takes them. */
export interface StridedProduct {
  readonly A: Float64Array;
  readonly ais: number;
  readonly aps: number;
  readonly B: Float64Array;
  readonly bps: number;
  readonly bjs: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/**
 * Two independent products with the plain kernel, each C exactly as gemmWasm
 * gives it, computed side by side: with helper threads, the caller sums the
 * first product's rows while a helper sums the second's (a layer's backward:
 * dA = dC·Bᵀ and dB = Aᵀ·dC). Null when the kernels cannot (then neither is
 * computed).
 */
export function gemmWasmPair(x: StridedProduct, y: StridedProduct): [Float64Array, Float64Array] | null {
  const s = kernels();
  if (!s) return null;
  const kernel = s.plain;
  const p = place(s, kernel, false, x.A, x.ais, x.aps, x.B, x.bps, x.bjs, x.m, x.k, x.n, s.cacheBytes, false);
  if (!p) return null;
  // the second product must leave the first one's operands where they are
  const q = place(s, kernel, false, y.A, y.ais, y.aps, y.B, y.bps, y.bjs, y.m, y.k, y.n, p.end, true);
  if (!q) return null;
  const [C, D] = compute(s, kernel, false, [p, q]);
  if (!s.parallel && q.end > RETAINED_BYTES) state = undefined;
  return [C!, D!];
}

function align(bytes: number): number {
  return (bytes + 63) & ~63;
}

