import { Tensor, type Shape } from '../tensor';
import { resultArray } from './allocate';
import { fma } from './fma';
import { gemmWasm, gemmWasmPair, type StridedProduct } from './gemmWasm';
import { formatShape, resolveReshape } from './shapes';

/** Largest m·k·n computed with fused multiply-adds; above it, plain ones. */
export const FUSED_MAX_MACS = 32768;

/** Fewer multiply-adds than this stay in JavaScript: the WebAssembly call and copies would cost more. */
const WASM_MIN_MACS = 64;

/*
 * Matrix products, each output element summed from 0 in ascending k.
 * numpy hands float64 matmul to BLAS; OpenBLAS's kernels accumulate each
 * element as a chain of fused multiply-adds (acc = fma(a_k, b_k, acc)), which
 * matches numpy 2.4 on x86-64 bit for bit for small 2-D products (all the
 * textbook's layers). Products up to FUSED_MAX_MACS multiply-adds do the same
 * with an exact FMA emulation; larger ones use plain a·b then + for speed
 * (~10x faster), where numpy's blocked kernels differ in order anyway and the
 * last bit of some elements may differ. Vector products (gemv/dot in BLAS) use
 * other accumulation orders in numpy; here they follow the same rule.
 */

/** Output shape of `a @ b` for 1-D/2-D operands, or the message saying why not. */
export function matmulShape(a: Shape, b: Shape, opName = 'matmul'): Shape | string {
  if (a.length === 0 || b.length === 0 || a.length > 2 || b.length > 2) {
    return `${opName}: cannot multiply ${formatShape(a)} by ${formatShape(b)}: operands must be 1-D or 2-D (use * for scalars)`;
  }
  const k1 = a[a.length - 1]!;
  const k2 = b[0]!;
  if (k1 !== k2) return `${opName}: cannot multiply ${formatShape(a)} by ${formatShape(b)}: inner sizes ${k1} and ${k2} differ`;
  const out: number[] = [];
  if (a.length === 2) out.push(a[0]!);
  if (b.length === 2) out.push(b[1]!);
  return out;
}

/**
 * C[m×n] with C[i][j] = Σ_p A(i,p)·B(p,j), A(i,p) = A[i·ais + p·aps] and
 * B(p,j) = B[p·bps + j·bjs], so one kernel serves A·B, A·Bᵀ and Aᵀ·B.
 * Large products: 4×4 blocks of C live in locals while p runs over the whole
 * inner size, so each element is still summed from 0 in ascending p.
 */
function gemmStrided(A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number): Float64Array {
  const macs = m * k * n;
  const fused = macs <= FUSED_MAX_MACS;
  if (activeMemo !== null && !fused) return activeMemo.product(A, ais, aps, B, bps, bjs, m, k, n);
  return computeStrided(fused, A, ais, aps, B, bps, bjs, m, k, n);
}

function computeStrided(fused: boolean, A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number): Float64Array {
  const macs = m * k * n;
  if (macs >= WASM_MIN_MACS) {
    const C = gemmWasm(fused, A, ais, aps, B, bps, bjs, m, k, n);
    if (C) return C;
  }
  return fused ? gemmFusedJs(A, ais, aps, B, bps, bjs, m, k, n) : gemmPlainJs(A, ais, aps, B, bps, bjs, m, k, n);
}

/** One remembered product: the operands (by identity), their strides and sizes, and C. */
interface MemoEntry extends StridedProduct {
  /** Kept private: callers get copies (an op may write into the array it gets). */
  readonly C: Float64Array;
}

/** Products a memo keeps at once, and the most elements one may hold. */
const MEMO_ENTRIES = 8;
const MEMO_MAX_ELEMENTS = 1 << 22;

let activeMemo: ProductMemo | null = null;

/**
 * Products that many evaluations of one graph share, for a Gradient Check's
 * probes, each of which moves one entry of one leaf. Only products above
 * FUSED_MAX_MACS (plain multiply-adds) are kept. A product whose operands are
 * the same arrays as a kept one's is a copy of it; an operand that is a kept
 * operand with one entry moved (`derive`) changes only the rows (A) or columns
 * (B) of C that read that entry, so only those are summed again — each
 * element from 0 in ascending p with a·b then +, as every plain kernel sums
 * it, so the bits are those of computing the whole product. Only products of
 * arrays the caller vouched for (`trust`, `derive`: arrays that do not change
 * while the memo is used) are kept; any other product is computed whole.
 */
export class ProductMemo {
  private entries: MemoEntry[] = [];
  private readonly trusted = new WeakSet<Float64Array>();
  private readonly derived = new WeakMap<Float64Array, { readonly base: Float64Array; readonly index: number }>();

  /** `data` never changes while the memo is used (a tensor's data). */
  trust(data: Float64Array): void {
    this.trusted.add(data);
  }

  /** `data` equals `base` except perhaps at `index`, and neither changes while the memo is used. */
  derive(data: Float64Array, base: Float64Array, index: number): void {
    this.trusted.add(base);
    this.derived.set(data, { base, index });
  }

  /** Runs `fn` with this memo serving every product above FUSED_MAX_MACS (not re-entrant across memos: the previous one is restored). */
  use<T>(fn: () => T): T {
    return withMemo(this, fn);
  }

  /** C = A·B as computeStrided gives it, from a kept product where one fits. */
  product(A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number): Float64Array {
    const kept = this.kept(A, ais, aps, B, bps, bjs, m, k, n);
    if (kept) return copyOf(kept.C);
    const da = this.derived.get(A);
    const db = this.derived.get(B);
    if (da && !db && this.keepable(da.base, B, m, n)) {
      const C = copyOf(this.base(da.base, ais, aps, B, bps, bjs, m, k, n));
      // the rows i that read A's moved entry e = i·ais + p·aps
      for (let i = 0; i < m; i++) {
        const rest = da.index - i * ais;
        if (rest >= 0 && rest % aps === 0 && rest / aps < k) plainRow(A, ais, aps, B, bps, bjs, k, n, C, i);
      }
      return C;
    }
    if (db && !da && this.keepable(A, db.base, m, n)) {
      const C = copyOf(this.base(A, ais, aps, db.base, bps, bjs, m, k, n));
      // the columns j that read B's moved entry e = p·bps + j·bjs
      for (let j = 0; j < n; j++) {
        const rest = db.index - j * bjs;
        if (rest >= 0 && rest % bps === 0 && rest / bps < k) plainColumn(A, ais, aps, B, bps, bjs, m, k, n, C, j);
      }
      return C;
    }
    if (this.keepable(A, B, m, n)) return copyOf(this.base(A, ais, aps, B, bps, bjs, m, k, n));
    return computeStrided(false, A, ais, aps, B, bps, bjs, m, k, n);
  }

  private keepable(A: Float64Array, B: Float64Array, m: number, n: number): boolean {
    // only products of the arrays the caller named: a probe's own intermediate results are never used again
    return m * n <= MEMO_MAX_ELEMENTS && this.trusted.has(A) && this.trusted.has(B);
  }

  private kept(A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number): MemoEntry | null {
    for (const e of this.entries) {
      if (e.A === A && e.B === B && e.ais === ais && e.aps === aps && e.bps === bps && e.bjs === bjs && e.m === m && e.k === k && e.n === n) return e;
    }
    return null;
  }

  /** The kept product of A and B, computed and kept (the oldest dropped) when it is not there. */
  private base(A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number): Float64Array {
    const kept = this.kept(A, ais, aps, B, bps, bjs, m, k, n);
    if (kept) return kept.C;
    const C = computeStrided(false, A, ais, aps, B, bps, bjs, m, k, n);
    if (this.entries.length >= MEMO_ENTRIES) this.entries.shift();
    this.entries.push({ A, ais, aps, B, bps, bjs, m, k, n, C });
    return C;
  }
}

function withMemo<T>(memo: ProductMemo, fn: () => T): T {
  const previous = activeMemo;
  activeMemo = memo;
  try {
    return fn();
  } finally {
    activeMemo = previous;
  }
}

function copyOf(C: Float64Array): Float64Array {
  const out = resultArray(C.length);
  out.set(C);
  return out;
}

/** Row i of C (m×n row-major) summed again: each C(i,j) from +0 in ascending p with a·b then +, the plain kernels' bits. */
function plainRow(A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, k: number, n: number, C: Float64Array, i: number): void {
  // p outside, j inside: B is read along its rows; each element's sum still runs in ascending p
  const acc = new Float64Array(n);
  for (let p = 0, pa = i * ais, pb = 0; p < k; p++, pa += aps, pb += bps) {
    const a = A[pa]!;
    for (let j = 0, b = pb; j < n; j++, b += bjs) acc[j] = acc[j]! + a * B[b]!;
  }
  C.set(acc, i * n);
}

/** Column j of C (m×n row-major) summed again, as plainRow. */
function plainColumn(A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number, C: Float64Array, j: number): void {
  // the column of B gathered once, so each row's sum reads two arrays in order
  const column = new Float64Array(k);
  for (let p = 0, pb = j * bjs; p < k; p++, pb += bps) column[p] = B[pb]!;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let p = 0, pa = i * ais; p < k; p++, pa += aps) s += A[pa]! * column[p]!;
    C[i * n + j] = s;
  }
}

/** The JavaScript kernel for products above FUSED_MAX_MACS: plain a·b then +, in 4×4 blocks. */
export function gemmPlainJs(A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number): Float64Array {
  // shapes may arrive as heap doubles; integers keep the index arithmetic in integer registers
  ais |= 0; aps |= 0; bps |= 0; bjs |= 0; m |= 0; k |= 0; n |= 0; // prettier-ignore
  // the blocks and the rows and columns left over write every element
  const C = resultArray(m * n);
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  const ai2 = 2 * ais;
  const ai3 = 3 * ais;
  const bj2 = 2 * bjs;
  const bj3 = 3 * bjs;
  for (let i = 0; i < m4; i += 4) {
    for (let j = 0; j < n4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0; // prettier-ignore
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0; // prettier-ignore
      let pa = i * ais;
      let pb = j * bjs;
      for (let p = 0; p < k; p++, pa += aps, pb += bps) {
        const y0 = B[pb]!;
        const y1 = B[pb + bjs]!;
        const y2 = B[pb + bj2]!;
        const y3 = B[pb + bj3]!;
        let x = A[pa]!;
        c00 += x * y0; c01 += x * y1; c02 += x * y2; c03 += x * y3; // prettier-ignore
        x = A[pa + ais]!;
        c10 += x * y0; c11 += x * y1; c12 += x * y2; c13 += x * y3; // prettier-ignore
        x = A[pa + ai2]!;
        c20 += x * y0; c21 += x * y1; c22 += x * y2; c23 += x * y3; // prettier-ignore
        x = A[pa + ai3]!;
        c30 += x * y0; c31 += x * y1; c32 += x * y2; c33 += x * y3; // prettier-ignore
      }
      let o = i * n + j;
      C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; C[o + 3] = c03; o += n; // prettier-ignore
      C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; C[o + 3] = c13; o += n; // prettier-ignore
      C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; C[o + 3] = c23; o += n; // prettier-ignore
      C[o] = c30; C[o + 1] = c31; C[o + 2] = c32; C[o + 3] = c33; // prettier-ignore
    }
  }
  // the rows and columns left over from the blocks: one plain dot each
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n4 : 0; j < n; j++) {
      let s = 0;
      for (let p = 0, pa = i * ais, pb = j * bjs; p < k; p++, pa += aps, pb += bps) s += A[pa]! * B[pb]!;
      C[i * n + j] = s;
    }
  }
  return C;
}

/** The JavaScript kernel for products up to FUSED_MAX_MACS: each element a chain of exactly emulated fused multiply-adds. */
export function gemmFusedJs(A: Float64Array, ais: number, aps: number, B: Float64Array, bps: number, bjs: number, m: number, k: number, n: number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, pa = i * ais, pb = j * bjs; p < k; p++, pa += aps, pb += bps) s = fma(A[pa]!, B[pb]!, s);
      C[i * n + j] = s;
    }
  }
  return C;
}

/** C[m×n] = A[m×k]·B[k×n], row-major. */
export function gemm(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  return gemmStrided(A, k, 1, B, n, 1, m, k, n);
}

/** C[m×n] = A[m×k]·Bᵀ where B is n×k. */
export function gemmTransposeB(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  return gemmStrided(A, k, 1, B, 1, k, m, k, n);
}

/** C[m×n] = Aᵀ·B where A is k×m and B is k×n. */
export function gemmTransposeA(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  return gemmStrided(A, 1, m, B, n, 1, m, k, n);
}

/**
 * The two products of the backward of C = A·B (A m×k, B k×n, dC m×n):
 * dA = dC·Bᵀ as gemmTransposeB(dC, B, m, n, k) and dB = Aᵀ·dC as
 * gemmTransposeA(A, dC, k, m, n), each with exactly those bits; only those
 * asked for. Both at once go to the WebAssembly kernels together, so with
 * helper threads one thread sums dA while another sums dB.
 */
export function gemmBackward(dC: Float64Array, A: Float64Array, B: Float64Array, m: number, k: number, n: number, needA: boolean, needB: boolean): [Float64Array | null, Float64Array | null] {
  // both products have m·k·n multiply-adds: both fused or both plain
  if (needA && needB && m * k * n > FUSED_MAX_MACS && activeMemo === null) {
    const pair = gemmWasmPair(
      { A: dC, ais: n, aps: 1, B, bps: 1, bjs: n, m, k: n, n: k },
      { A, ais: 1, aps: k, B: dC, bps: n, bjs: 1, m: k, k: m, n },
    );
    if (pair) return pair;
  }
  return [needA ? gemmTransposeB(dC, B, m, n, k) : null, needB ? gemmTransposeA(A, dC, k, m, n) : null];
}

/** `a @ b` for 2-D@2-D, 1-D@2-D, 2-D@1-D and 1-D@1-D, as np.matmul. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const shape = matmulShape(a.shape, b.shape);
  if (typeof shape === 'string') throw new RangeError(shape);
  const m = a.rank === 2 ? a.shape[0]! : 1;
  const k = a.shape[a.rank - 1]!;
  const n = b.rank === 2 ? b.shape[1]! : 1;
  return new Tensor(shape, gemm(a.data, b.data, m, k, n));
}

/** Reverses the axes (as `np.transpose` / `.T`); 0-D and 1-D tensors come back unchanged. */
export function transpose(t: Tensor): Tensor {
  if (t.rank < 2) return t;
  const shape = t.shape.slice().reverse();
  const x = t.data;
  const out = new Float64Array(x.length);
  if (t.rank === 2) {
    const r = t.shape[0]!;
    const c = t.shape[1]!;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j]!;
    return new Tensor(shape, out);
  }
  // general: walk the output in order; the source index steps by the source strides reversed
  const rank = t.rank;
  const srcStrides = new Array<number>(rank);
  let s = 1;
  for (let ax = rank - 1; ax >= 0; ax--) {
    srcStrides[ax] = s;
    s *= t.shape[ax]!;
  }
  const steps = srcStrides.slice().reverse();
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x[src]!;
    for (let ax = rank - 1; ax >= 0; ax--) {
      if (++counter[ax]! < shape[ax]!) {
        src += steps[ax]!;
        break;
      }
      src -= steps[ax]! * (shape[ax]! - 1);
      counter[ax] = 0;
    }
  }
  return new Tensor(shape, out);
}

/** Same data, new shape (one entry may be -1). The data is shared: tensors are immutable. */
export function reshape(t: Tensor, spec: readonly number[]): Tensor {
  const shape = resolveReshape(t.shape, spec);
  if (typeof shape === 'string') throw new RangeError(`reshape: ${shape}`);
  return new Tensor(shape, t.data);
}
