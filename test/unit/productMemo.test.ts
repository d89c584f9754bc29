import * as assert from 'node:assert/strict';
import { FUSED_MAX_MACS, ProductMemo, gemm, gemmPlainJs, gemmTransposeA, gemmTransposeB } from '../../src/core/tensorMath/matmul';
import { lcgData } from './tensorTestData';

/** The three products with their A and B sizes and the strides the plain JavaScript kernel takes. */
const products = [
  { name: 'A·B', run: gemm, aSize: (m: number, k: number) => m * k, bSize: (k: number, n: number) => k * n, strides: (_m: number, k: number, n: number) => [k, 1, n, 1] },
  { name: 'A·Bᵀ', run: gemmTransposeB, aSize: (m: number, k: number) => m * k, bSize: (k: number, n: number) => n * k, strides: (_m: number, k: number) => [k, 1, 1, k] },
  { name: 'Aᵀ·B', run: gemmTransposeA, aSize: (m: number, k: number) => k * m, bSize: (k: number, n: number) => k * n, strides: (m: number, _k: number, n: number) => [1, m, n, 1] },
] as const;

const shapes: [number, number, number][] = [
  [100, 784, 50],
  [37, 101, 45],
  [1, 300, 200],
  [64, 64, 9],
];

function sameBits(x: Float64Array, y: Float64Array, what: string): void {
  assert.equal(x.length, y.length, what);
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) assert.fail(`${what}: element ${i}: ${x[i]} vs ${y[i]}`);
}

/** A copy of `data` with entry `index` moved by `delta`. */
function moved(data: Float64Array, index: number, delta: number): Float64Array {
  const out = new Float64Array(data);
  out[index]! += delta;
  return out;
}

describe('products a Gradient Check shares (ProductMemo): the bits of computing each whole', () => {
  for (const p of products) {
    it(`${p.name}: kept, with one entry of A moved, with one entry of B moved, equal to the whole product and to the plain JavaScript kernel`, () => {
      let seed = 7;
      for (const [m, k, n] of shapes) {
        assert.ok(m * k * n > FUSED_MAX_MACS);
        const A = lcgData(p.aSize(m, k), seed++);
        const B = lcgData(p.bSize(k, n), seed++);
        const [ais, aps, bps, bjs] = p.strides(m, k, n) as [number, number, number, number];
        const memo = new ProductMemo();
        memo.trust(A);
        memo.trust(B);
        const whole = p.run(A, B, m, k, n);
        const first = memo.use(() => p.run(A, B, m, k, n));
        sameBits(first, whole, `${m}×${k}×${n} first`);
        first.fill(NaN); // a caller writing into its result does not touch what the memo keeps
        sameBits(memo.use(() => p.run(A, B, m, k, n)), whole, `${m}×${k}×${n} kept`);
        for (const index of [0, A.length - 1, (A.length * 0.37) | 0]) {
          const A2 = moved(A, index, 1e-5 * (1 + index));
          memo.derive(A2, A, index);
          const got = memo.use(() => p.run(A2, B, m, k, n));
          sameBits(got, p.run(A2, B, m, k, n), `${m}×${k}×${n} A[${index}] moved`);
          sameBits(got, gemmPlainJs(A2, ais, aps, B, bps, bjs, m, k, n), `${m}×${k}×${n} A[${index}] moved, JavaScript kernel`);
        }
        for (const index of [0, B.length - 1, (B.length * 0.61) | 0]) {
          const B2 = moved(B, index, -3e-6 * (1 + index));
          memo.derive(B2, B, index);
          const got = memo.use(() => p.run(A, B2, m, k, n));
          sameBits(got, p.run(A, B2, m, k, n), `${m}×${k}×${n} B[${index}] moved`);
          sameBits(got, gemmPlainJs(A, ais, aps, B2, bps, bjs, m, k, n), `${m}×${k}×${n} B[${index}] moved, JavaScript kernel`);
        }
      }
    });
  }

  it('an operand the memo was not told about, and both operands moved, are computed whole', () => {
    const [m, k, n] = [40, 60, 50];
    const A = lcgData(m * k, 1);
    const B = lcgData(k * n, 2);
    const memo = new ProductMemo();
    memo.trust(B);
    const A2 = moved(A, 5, 0.25);
    const B2 = moved(B, 9, 0.5);
    memo.derive(A2, A, 5);
    memo.derive(B2, B, 9);
    sameBits(memo.use(() => gemm(A2, B2, m, k, n)), gemm(A2, B2, m, k, n), 'both moved');
    const C = lcgData(m * k, 3);
    sameBits(memo.use(() => gemm(C, B, m, k, n)), gemm(C, B, m, k, n), 'untrusted A');
    // an untrusted array that changes between products is never served from the memo
    C[0] = 42;
    sameBits(memo.use(() => gemm(C, B, m, k, n)), gemm(C, B, m, k, n), 'untrusted A, changed');
  });

  it('products up to FUSED_MAX_MACS (fused multiply-adds) are not served by the memo', () => {
    const [m, k, n] = [32, 32, 32];
    const A = lcgData(m * k, 4);
    const B = lcgData(k * n, 5);
    const memo = new ProductMemo();
    memo.trust(B);
    const A2 = moved(A, 3, 1e-3);
    memo.derive(A2, A, 3);
    sameBits(memo.use(() => gemm(A2, B, m, k, n)), gemm(A2, B, m, k, n), 'fused size');
  });
});
