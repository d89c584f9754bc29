import * as assert from 'node:assert/strict';
import { gemmWasm, kernelPaths, setKernelOptions } from '../../src/core/tensorMath/gemmWasm';
import { Tensor, isImmutableData } from '../../src/core/tensor';
import { FUSED_MAX_MACS, gemm, gemmBackward, gemmFusedJs, gemmPlainJs, gemmTransposeA, gemmTransposeB } from '../../src/core/tensorMath/matmul';
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
      // one array as both operands: B packed from A's copy
      const sq = new Tensor([80, 80], lcgData(6400, 24 + round));
      assert.equal(firstDifference(gemm(sq.data, sq.data, 80, 80, 80), gemmPlainJs(sq.data, 80, 1, sq.data, 80, 1, 80, 80, 80)), null, `S·S, round ${round}`);
      assert.equal(firstDifference(gemmTransposeA(sq.data, sq.data, 80, 80, 80), gemmPlainJs(sq.data, 1, 80, sq.data, 80, 1, 80, 80, 80)), null, `Sᵀ·S, round ${round}`);
      if (round % 2 === 1) for (const big of bigs) assert.equal(firstDifference(gemm(big.data, column.data, 500, 500, 1), gemmPlainJs(big.data, 500, 1, column.data, 1, 1, 500, 500, 1)), null);
    }
  });

  for (const threads of [1, 2]) {
    it(`a layer's two backward products side by side give each product's bits (${threads} thread${threads > 1 ? 's' : ''})`, () => {
      useNodeKernels({ threads, minMacs: 1 });
      const before = helperChunks();
      // odd sizes (remainder rows and columns), and operands large enough to be kept in the
      // kernels' memory: after a few rounds the cache is full, and the second product of a
      // pair must place its operands beside the first one's without emptying it
      const cases: [number, number, number][] = [[37, 101, 45], [64, 64, 64], [100, 784, 50], [360, 360, 360], [9, 300, 7]];
      const data = cases.map(([m, k, n], c) => {
        const A = new Tensor([m, k], lcgData(m * k, 40 + c));
        const B = new Tensor([k, n], lcgData(k * n, 50 + c));
        const dC = new Tensor([m, n], lcgData(m * n, 60 + c));
        // products up to FUSED_MAX_MACS are chains of fused multiply-adds, larger ones plain
        const js = m * k * n <= FUSED_MAX_MACS ? gemmFusedJs : gemmPlainJs;
        return { A, B, dC, dA: js(dC.data, n, 1, B.data, 1, n, m, n, k), dB: js(A.data, 1, k, dC.data, n, 1, k, m, n) };
      });
      for (let round = 0; round < 6; round++) {
        cases.forEach(([m, k, n], c) => {
          const d = data[c]!;
          const [dA, dB] = gemmBackward(d.dC.data, d.A.data, d.B.data, m, k, n, true, true);
          assert.equal(firstDifference(dA!, d.dA), null, `${m}×${k}×${n} dA, round ${round}`);
          assert.equal(firstDifference(dB!, d.dB), null, `${m}×${k}×${n} dB, round ${round}`);
          // one of the two alone: the same bits
          const [onlyA, noB] = gemmBackward(d.dC.data, d.A.data, d.B.data, m, k, n, true, false);
          assert.equal(noB, null);
          assert.equal(firstDifference(onlyA!, d.dA), null, `${m}×${k}×${n} dA alone, round ${round}`);
        });
      }
      if (threads > 1) assert.ok(helperChunks() > before, 'a helper thread summed some of the rows');
    });
  }

  it('a product reading an earlier product\'s result gives the same bits, and an array that is no tensor\'s data is read as it is now', () => {
    const x = new Tensor([64, 72], lcgData(64 * 72, 90));
    const w1 = new Tensor([72, 80], lcgData(72 * 80, 91));
    const w2 = new Tensor([80, 64], lcgData(80 * 64, 92));
    for (let round = 0; round < 3; round++) {
      // a chain: the first result, as a tensor's data, is the next product's A and then a B
      const h = new Tensor([64, 80], gemm(x.data, w1.data, 64, 72, 80));
      assert.equal(firstDifference(h.data, gemmPlainJs(x.data, 72, 1, w1.data, 80, 1, 64, 72, 80)), null, `x·W1, round ${round}`);
      assert.equal(firstDifference(gemm(h.data, w2.data, 64, 80, 64), gemmPlainJs(h.data, 80, 1, w2.data, 64, 1, 64, 80, 64)), null, `h·W2, round ${round}`);
      assert.equal(firstDifference(gemmTransposeA(x.data, h.data, 72, 64, 80), gemmPlainJs(x.data, 1, 72, h.data, 80, 1, 72, 64, 80)), null, `xᵀ·h, round ${round}`);
      // a result never made a tensor's data, then written: the next product reads the new values
      const r = gemm(x.data, w1.data, 64, 72, 80);
      r[0] = 42;
      r[5000] = -1e10;
      assert.equal(firstDifference(gemm(r, w2.data, 64, 80, 64), gemmPlainJs(r, 80, 1, w2.data, 64, 1, 64, 80, 64)), null, `written result as A, round ${round}`);
      assert.equal(firstDifference(gemmTransposeA(x.data, r, 72, 64, 80), gemmPlainJs(x.data, 1, 72, r, 80, 1, 72, 64, 80)), null, `written result as B, round ${round}`);
    }
  });

  it('the second product of a pair that does not fit in the operand cache leaves the first one\'s operands there', () => {
    useNodeKernels({ threads: 2, minMacs: 1 });
    const [A, B, dC] = [80, 81, 82].map((seed) => new Tensor([360, 360], lcgData(129600, seed)));
    // A fresh cache (8 MiB): a product alone leaves dC, Bᵀ packed and its result there
    // (1,036,800 bytes each); two more operands fill it to 5/8. The pair's first product
    // finds its operands there and keeps its result; the second's three new arrays do not
    // fit, and must not be placed over the first's.
    gemmTransposeB(dC!.data, B!.data, 360, 360, 360);
    const column = new Tensor([360, 1], lcgData(360, 70));
    for (let i = 0; i < 2; i++) gemm(new Tensor([360, 360], lcgData(129600, 71 + i)).data, column.data, 360, 360, 1);
    const [dA, dB] = gemmBackward(dC!.data, A!.data, B!.data, 360, 360, 360, true, true);
    assert.equal(firstDifference(dA!, gemmPlainJs(dC!.data, 360, 1, B!.data, 1, 360, 360, 360, 360)), null, 'dA');
    assert.equal(firstDifference(dB!, gemmPlainJs(A!.data, 1, 360, dC!.data, 360, 1, 360, 360, 360)), null, 'dB');
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
      // in B too, read in place (rows of whole fours) or packed (transposed)
      const A2 = lcgData(m * k, 5);
      B[9] = special;
      assert.equal(gemmWasm(true, A2, k, 1, B, n, 1, m, k, n), null, `${special} in B is refused by the fused kernel`);
      assert.equal(gemmWasm(true, A2, k, 1, B, 1, k, m, k, n), null, `${special} in Bᵀ is refused by the fused kernel`);
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
