import * as assert from 'node:assert/strict';
import { Tensor } from '../../src/core/tensor';
import {
  add,
  broadcastShapes,
  broadcastTo,
  crExp,
  crLog,
  crPow,
  div,
  fma,
  formatShape,
  gemm,
  gemmTransposeA,
  gemmTransposeB,
  matmul,
  matmulShape,
  maxLastAxis,
  mean,
  mul,
  pairwiseSum,
  pow,
  reshape,
  sub,
  sum,
  sumToShape,
  transpose,
} from '../../src/core/tensorMath';
import { lcgData, lcgTensor, numpyReference } from './tensorTestData';

const t = (shape: number[], data: number[]): Tensor => new Tensor(shape, Float64Array.from(data));
const values = (x: Tensor): number[] => Array.from(x.data);

describe('tensorMath: summation in numpy order', () => {
  it('pairwise sum equals np.sum bit for bit for every size 1..300 (and 1000, 4097, 10000)', () => {
    for (const { n, seed, sum: expected } of numpyReference.pairwise) {
      const x = lcgData(n, seed);
      assert.equal(0 + pairwiseSum(x, 0, n), expected, `n = ${n}`);
      assert.equal(sum(new Tensor([n], x)).item(), expected, `sum() n = ${n}`);
    }
  });

  it('the reference sums are not what a plain left-to-right loop gives (the test has teeth)', () => {
    let differs = 0;
    for (const { n, seed, sum: expected } of numpyReference.pairwise) {
      let s = 0;
      for (const v of lcgData(n, seed)) s += v;
      if (s !== expected) differs++;
    }
    assert.ok(differs > 50, `only ${differs} sizes differ`);
  });

  it('sum and mean over any axis, with keepdims, equal numpy on random shapes', () => {
    assert.ok(numpyReference.reductions.length > 80);
    for (const c of numpyReference.reductions) {
      const x = lcgTensor(c.shape, c.seed);
      const s = sum(x, c.axis, c.keepdims);
      const m = mean(x, c.axis, c.keepdims);
      const what = `shape ${formatShape(c.shape)} axis ${c.axis} keepdims ${c.keepdims}`;
      assert.deepEqual(s.shape, c.sumShape, what);
      assert.deepEqual(values(s), c.sum, `sum ${what}`);
      assert.deepEqual(values(m), c.mean, `mean ${what}`);
    }
  });

  it('a sum of -0 values is +0, as numpy starts from the identity', () => {
    assert.ok(Object.is(sum(t([3], [-0, -0, -0])).item(), 0));
    assert.ok(Object.is(sum(t([9], new Array(9).fill(-0))).item(), 0));
  });

  it('accepts negative axes and names the shape when the axis is out of range', () => {
    const x = t([2, 3], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(values(sum(x, -1)), [6, 15]);
    assert.deepEqual(sum(x, -2, true).shape, [1, 3]);
    assert.throws(() => sum(x, 2), /axis 2 is out of bounds for shape \[2,3\]/);
    assert.deepEqual(values(mean(x)), [3.5]);
  });

  it('sumToShape reduces a broadcast gradient to the input shape as np.sum over those axes', () => {
    for (const c of numpyReference.sumToShape) {
      const g = lcgTensor(c.grad, c.seed);
      const r = sumToShape(g, c.shape);
      assert.deepEqual(r.shape, c.shape);
      assert.deepEqual(values(r), c.expected, `${formatShape(c.grad)} → ${formatShape(c.shape)}`);
    }
    assert.throws(() => sumToShape(t([2, 3], [1, 2, 3, 4, 5, 6]), [2]), /\[2\] does not broadcast to \[2,3\]/);
  });

  it('maxLastAxis keeps the axis and lets NaN win, as np.max', () => {
    const m = maxLastAxis(t([2, 3], [1, 5, 2, -1, NaN, 4]));
    assert.deepEqual(m.shape, [2, 1]);
    assert.equal(m.data[0], 5);
    assert.ok(Number.isNaN(m.data[1]));
  });
});

describe('tensorMath: broadcasting', () => {
  it('follows numpy: axes aligned at the right, 1 stretches', () => {
    assert.deepEqual(broadcastShapes([2, 3], [3]), [2, 3]);
    assert.deepEqual(broadcastShapes([4, 1], [1, 5]), [4, 5]);
    assert.deepEqual(broadcastShapes([], [2, 2]), [2, 2]);
    assert.deepEqual(broadcastShapes([2, 1, 3], [4, 1]), [2, 4, 3]);
    assert.equal(broadcastShapes([2, 3], [4]), null);
  });

  it('computes elementwise results on broadcast shapes', () => {
    const a = t([2, 3], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(values(add(a, t([3], [10, 20, 30]))), [11, 22, 33, 14, 25, 36]);
    assert.deepEqual(values(sub(a, t([2, 1], [1, 2]))), [0, 1, 2, 2, 3, 4]);
    assert.deepEqual(values(mul(t([], [2]), a)), [2, 4, 6, 8, 10, 12]);
    assert.deepEqual(values(div(t([3, 1], [1, 2, 4]), t([1, 2], [2, 8]))), [0.5, 0.125, 1, 0.25, 2, 0.5]);
    assert.deepEqual(values(pow(t([3], [2, 3, -2]), t([], [2]))), [4, 9, 4]);
    assert.deepEqual(values(broadcastTo(t([2, 1], [7, 8]), [2, 3])), [7, 7, 7, 8, 8, 8]);
  });

  it('names both shapes when they do not broadcast', () => {
    assert.throws(() => add(t([2, 3], [1, 2, 3, 4, 5, 6]), t([4], [1, 2, 3, 4])), /^RangeError: add: cannot broadcast \[2,3\] with \[4\]$/);
  });

  it('the textbook apple: 100 * 2 = 200 and 200 * 1.1 = 220.00000000000003', () => {
    const apples = mul(t([], [100]), t([], [2]));
    assert.equal(apples.item(), 200);
    assert.equal(mul(apples, t([], [1.1])).item(), 220.00000000000003);
  });
});

describe('tensorMath: matmul and shape ops', () => {
  it('sums each element in ascending k: fused multiply-adds up to 32768 of them (as OpenBLAS), plain above', () => {
    for (const c of numpyReference.matmul) {
      const a = lcgData(c.m * c.k, c.seedA);
      const b = lcgData(c.k * c.n, c.seedB);
      assert.deepEqual(Array.from(gemm(a, b, c.m, c.k, c.n)), c.expected, `${c.m}×${c.k}×${c.n}`);
      // the transposed kernels read the same products from transposed storage
      const bt = transpose(new Tensor([c.k, c.n], b)).data;
      const at = transpose(new Tensor([c.m, c.k], a)).data;
      assert.deepEqual(Array.from(gemmTransposeB(a, bt, c.m, c.k, c.n)), c.expected);
      assert.deepEqual(Array.from(gemmTransposeA(at, b, c.m, c.k, c.n)), c.expected);
    }
  });

  it('the textbook affine x@W: equal to numpy (BLAS) where a plain multiply-then-add is not', () => {
    // numpy: np.dot([[0.6, 0.9], [0.1, -0.3]], [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    const xw = matmul(t([2, 2], [0.6, 0.9, 0.1, -0.3]), t([2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]));
    assert.deepEqual(values(xw), [0.42000000000000004, 0.5700000000000001, 0.72, -0.11, -0.13, -0.15]);
    assert.notEqual(0.1 * 0.1 + -0.3 * 0.4, -0.11);
  });

  it('fma rounds a·b + c once', () => {
    assert.equal(fma(0.1, 0.4, 0.1 * 0.1), 0.05000000000000001);
    assert.equal(fma(1 + 2 ** -52, 1 - 2 ** -52, -1), -(2 ** -104));
    assert.equal(fma(2, 3, 4), 10);
    assert.equal(fma(Infinity, 2, 1), Infinity);
  });

  it('handles 2-D@2-D, 1-D@2-D, 2-D@1-D and 1-D@1-D like np.matmul', () => {
    const A = t([2, 3], [1, 2, 3, 4, 5, 6]);
    const B = t([3, 2], [7, 8, 9, 10, 11, 12]);
    assert.deepEqual(matmul(A, B).shape, [2, 2]);
    assert.deepEqual(values(matmul(A, B)), [58, 64, 139, 154]);
    assert.deepEqual(values(matmul(t([3], [1, 2, 3]), B)), [58, 64]);
    assert.deepEqual(matmul(A, t([3], [1, 0, -1])).shape, [2]);
    assert.deepEqual(values(matmul(A, t([3], [1, 0, -1]))), [-2, -2]);
    const dot = matmul(t([3], [1, 2, 3]), t([3], [4, 5, 6]));
    assert.deepEqual(dot.shape, []);
    assert.equal(dot.item(), 32);
  });

  it('explains a mismatch naming both shapes and the inner sizes', () => {
    assert.equal(matmulShape([2, 3], [4, 5]), 'matmul: cannot multiply [2,3] by [4,5]: inner sizes 3 and 4 differ');
    assert.match(matmulShape([], [2]) as string, /cannot multiply \[\] by \[2\]: operands must be 1-D or 2-D/);
    assert.match(matmulShape([2, 2, 2], [2, 2]) as string, /operands must be 1-D or 2-D/);
  });

  it('transpose reverses axes; 1-D is unchanged; reshape infers one -1', () => {
    const x = t([2, 3], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(transpose(x).shape, [3, 2]);
    assert.deepEqual(values(transpose(x)), [1, 4, 2, 5, 3, 6]);
    assert.equal(transpose(t([3], [1, 2, 3])).shape.length, 1);
    const x3 = lcgTensor([2, 3, 4], 5);
    const y3 = transpose(x3);
    assert.deepEqual(y3.shape, [4, 3, 2]);
    assert.equal(y3.data[1 * 6 + 2 * 2 + 1], x3.data[1 * 12 + 2 * 4 + 1]);
    assert.deepEqual(reshape(x, [3, -1]).shape, [3, 2]);
    assert.throws(() => reshape(x, [4, -1]), /cannot reshape \[2,3\] \(6 elements\) into \[4,-1\]/);
    assert.throws(() => reshape(x, [-1, -1]), /can only specify one unknown dimension \(-1\), found two in \[-1,-1\]/);
  });
});

describe('tensorMath: correctly rounded exp, log, pow', () => {
  it('exp equals the correctly rounded value (mpmath) on 1000 arguments', () => {
    for (const [x, e] of numpyReference.libm.exp) assert.equal(crExp(x), e, `exp(${x})`);
  });

  it('log equals the correctly rounded value on 900 arguments, subnormals included', () => {
    for (const [x, e] of numpyReference.libm.log) assert.equal(crLog(x), e, `log(${x})`);
  });

  it('pow equals the correctly rounded value on random arguments', () => {
    assert.ok(numpyReference.libm.pow.length > 400);
    for (const [x, y, e] of numpyReference.libm.pow) assert.equal(crPow(x, y), e, `pow(${x}, ${y})`);
  });

  it('settles exact halfway cases of pow: 208065³ has 54 significant bits and rounds to even', () => {
    // Python: float(208065**3) == 9007351116674624.0 (Math.pow gives ...626)
    assert.equal(crPow(208065, 3), 9007351116674624);
    assert.equal(crPow(262143, 3), 18014192351838208);
    // 134217727² = 2^54 - 2^28 + 1 is halfway too; x*x rounds it exactly
    assert.equal(crPow(134217727, 2), 18014398241046528);
  });

  it('follows C for special values', () => {
    assert.equal(crExp(0), 1);
    assert.equal(crExp(-Infinity), 0);
    assert.equal(crExp(710), Infinity);
    assert.ok(Number.isNaN(crExp(NaN)));
    assert.equal(crLog(1), 0);
    assert.equal(crLog(0), -Infinity);
    assert.ok(Number.isNaN(crLog(-1)));
    assert.equal(crPow(-8, 1 / 3) !== crPow(-8, 1 / 3), true, 'negative base, fractional exponent: NaN');
    assert.equal(crPow(NaN, 0), 1);
    assert.equal(crPow(1, NaN), 1);
    assert.equal(crPow(-1, Infinity), 1);
    assert.equal(crPow(-2, 3), -8);
    assert.ok(Object.is(crPow(-0, 3), -0));
    assert.equal(crPow(-0, -1), -Infinity);
    assert.equal(crPow(0, -2), Infinity);
    assert.equal(crPow(-Infinity, 3), -Infinity);
    assert.ok(Object.is(crPow(-Infinity, -3), -0));
    assert.equal(crPow(0.5, Infinity), 0);
    assert.equal(crPow(2, 0.5), Math.SQRT2);
  });
});
