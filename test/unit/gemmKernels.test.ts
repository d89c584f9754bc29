import * as assert from 'node:assert/strict';
import { gemmWasm, kernelPaths, setKernelOptions } from '../../src/core/tensorMath/gemmWasm';
import { Tensor, isImmutableData } from '../../src/core/tensor';
import { FUSED_MAX_MACS, gemm, gemmFusedJs, gemmPlainJs, gemmTransposeA, gemmTransposeB } from '../../src/core/tensorMath/matmul';
import { helperChunks, useNodeKernels } from '../../src/node/engineKernels';
import { lcgData } from './tensorTestData';

type Layout = { name: string; strides: (m: number, k: number, n: number) => [number, number, number, number] };
const layouts: Layout[] = [
  { name: 'A·B', strides: (_m, k, n) => [k, 1, n, 1] },
  { name: 'A·Bᵀ', strides: (_m, k) => [k, 1, 1, k] },
  { name: 'Aᵀ·B', strides: (m, _k, n) => [1, m, n, 1] },
];

function firstDifference(x: Float64Array, y: Float64Array): string | null {
  if (x.length !== y.length) return `lengths ${x.length} and ${y.length}`;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `element ${i}: ${x[i]} vs ${y[i]}`;
  return null;
}

/** Products on both sides of the fused/plain boundary, odd sizes (remainder rows and columns) included. */
const shapes: [number, number, number][] = [
  [1, 1, 64],
  [2, 3, 11],
  [5, 7, 3],
  [4, 4, 4],
  [13, 17, 9],
  [32, 32, 32],
  [31, 33, 32],
  [1, 784, 40],
  [33, 32, 32],
  [100, 50, 10],
  [37, 101, 45],
  [64, 64, 64],
  [100, 96, 50],
];

describe('matrix kernels: WebAssembly and JavaScript give the same bits', () => {
  afterEach(() => {
    setKernelOptions({ wasm: true, relaxedSimd: true });
    useNodeKernels();
  });

  it('runs the fused products in relaxed_madd on this machine (the start-up check passed)', () => {
    useNodeKernels();
    const paths = kernelPaths();
    assert.equal(paths.plain, 'wasm-simd');
    assert.equal(paths.fused, 'wasm-relaxed-madd', paths.fusedNote ?? '');
  });

  for (const threads of [1, 2]) {
    it(`every product equals the JavaScript kernel bit for bit, fused and plain, all three layouts (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      useNodeKernels({ threads, minMacs: 1 });
      const before = helperChunks();
      let seed = 1;
      for (let round = 0; round < 20 && (round === 0 || (threads > 1 && helperChunks() === before)); round++) for (const [m, k, n] of shapes) {
        for (const layout of layouts) {
          const A = lcgData(m * k, seed++);
          const B = lcgData(k * n, seed++);
          const [ais, aps, bps, bjs] = layout.strides(m, k, n);
          for (const fused of [true, false]) {
            const what = `${m}×${k}×${n} ${layout.name} ${fused ? 'fused' : 'plain'}`;
            const wasm = gemmWasm(fused, A, ais, aps, B, bps, bjs, m, k, n);
            assert.ok(wasm, `${what}: the WebAssembly kernel ran`);
            const js = fused ? gemmFusedJs(A, ais, aps, B, bps, bjs, m, k, n) : gemmPlainJs(A, ais, aps, B, bps, bjs, m, k, n);
            assert.equal(firstDifference(wasm, js), null, what);
          }
        }
      }
      if (threads > 1) assert.ok(helperChunks() > before, 'a helper thread computed some of the rows');
    });
  }

  it('operands kept in the kernels\' memory between products (large tensors\' data) give the same bits as fresh copies', () => {
    const x = new Tensor([100, 64], lcgData(6400, 21));
    const w = new Tensor([64, 80], lcgData(5120, 22));
    const g = new Tensor([100, 80], lcgData(8000, 23));
    // four operands of 2 MB each: together they push the others out of the 8 MiB cache
    const bigs = [0, 1, 2, 3].map((i) => new Tensor([500, 500], lcgData(250000, 30 + i)));
    const column = new Tensor([500, 1], lcgData(500, 29));
    assert.ok(isImmutableData(x.data) && !isImmutableData(lcgData(6400, 21)));
    const expect = {
      xw: gemmPlainJs(x.data, 64, 1, w.data, 80, 1, 100, 64, 80),
      gwT: gemmPlainJs(g.data, 80, 1, w.data, 1, 80, 100, 80, 64),
      xTg: gemmPlainJs(x.data, 1, 64, g.data, 80, 1, 64, 100, 80),
    };
    for (let round = 0; round < 4; round++) {
      assert.equal(firstDifference(gemm(x.data, w.data, 100, 64, 80), expect.xw), null, `x·W, round ${round}`);
      assert.equal(firstDifference(gemmTransposeB(g.data, w.data, 100, 80, 64), expect.gwT), null, `g·Wᵀ, round ${round}`);
      assert.equal(firstDifference(gemmTransposeA(x.data, g.data, 64, 100, 80), expect.xTg), null, `xᵀ·g, round ${round}`);
      if (round % 2 === 1) for (const big of bigs) assert.equal(firstDifference(gemm(big.data, column.data, 500, 500, 1), gemmPlainJs(big.data, 500, 1, column.data, 1, 1, 500, 500, 1)), null);
    }
  });

  it('the comparison has teeth: fused and plain sums differ in the last bit somewhere', () => {
    const [m, k, n] = [32, 32, 32];
    const A = lcgData(m * k, 7);
    const B = lcgData(k * n, 8);
    const fused = gemmWasm(true, A, k, 1, B, n, 1, m, k, n)!;
    const plain = gemmWasm(false, A, k, 1, B, n, 1, m, k, n)!;
    assert.notEqual(firstDifference(fused, plain), null);
  });

  it('values where the emulation would not be an exact FMA (huge, tiny, ±∞, NaN) go to the emulation', () => {
    const [m, k, n] = [4, 8, 4];
    for (const special of [1e300, -1e200, 1e-300, 4e-320, Infinity, -Infinity, NaN]) {
      const A = lcgData(m * k, 3);
      const B = lcgData(k * n, 4);
      A[5] = special;
      assert.equal(gemmWasm(true, A, k, 1, B, n, 1, m, k, n), null, `${special} is refused by the fused kernel`);
      assert.equal(firstDifference(gemm(A, B, m, k, n), gemmFusedJs(A, k, 1, B, n, 1, m, k, n)), null, `${special}: gemm falls back to the emulation`);
    }
  });

  it('zeros, negative zeros and exact cancellations keep their signs', () => {
    const A = Float64Array.from([-0, 0, 1, -1, 2, -2, 0.5, -0.5]);
    const B = Float64Array.from([0, -0, 1, 1, -0, -0, 3, -3, 0.25, 1, 1, -1, 4, 4, 0, -0]);
    for (const [m, k, n] of [[2, 4, 2], [4, 2, 2]] as const) {
      const a = A.subarray(0, m * k);
      const b = B.subarray(0, k * n);
      for (const fused of [true, false]) {
        const wasm = gemmWasm(fused, a, k, 1, b, n, 1, m, k, n)!;
        const js = fused ? gemmFusedJs(a, k, 1, b, n, 1, m, k, n) : gemmPlainJs(a, k, 1, b, n, 1, m, k, n);
        assert.equal(firstDifference(wasm, js), null, `${m}×${k}×${n} ${fused ? 'fused' : 'plain'}`);
      }
    }
  });

  it('with relaxed SIMD forbidden the fused products use the emulation, with the same bits', () => {
    const [m, k, n] = [16, 32, 16];
    const A = lcgData(m * k, 11);
    const B = lcgData(k * n, 12);
    const fused = gemm(A, B, m, k, n);
    setKernelOptions({ relaxedSimd: false });
    assert.equal(kernelPaths().fused, 'javascript-emulated-fma');
    assert.equal(gemmWasm(true, A, k, 1, B, n, 1, m, k, n), null);
    assert.equal(firstDifference(gemm(A, B, m, k, n), fused), null);
  });

  it('the public products are the same with the WebAssembly kernels switched off', () => {
    const cases: [number, number, number][] = [[8, 16, 8], [32, 32, 32], [50, 60, 40]];
    const withWasm = cases.map(([m, k, n]) => {
      const A = lcgData(m * k, m);
      const B = lcgData(k * n, n);
      return [gemm(A, B, m, k, n), gemmTransposeB(A, lcgData(n * k, n), m, k, n), gemmTransposeA(lcgData(k * m, k), B, m, k, n)];
    });
    setKernelOptions({ wasm: false, parallel: null });
    assert.equal(kernelPaths().plain, 'javascript');
    cases.forEach(([m, k, n], c) => {
      const A = lcgData(m * k, m);
      const B = lcgData(k * n, n);
      const js = [gemm(A, B, m, k, n), gemmTransposeB(A, lcgData(n * k, n), m, k, n), gemmTransposeA(lcgData(k * m, k), B, m, k, n)];
      js.forEach((r, i) => assert.equal(firstDifference(withWasm[c]![i]!, r), null, `${m}×${k}×${n} product ${i}`));
    });
    assert.ok(32 * 32 * 32 <= FUSED_MAX_MACS && 50 * 60 * 40 > FUSED_MAX_MACS, 'both kernels are covered');
  });
});
