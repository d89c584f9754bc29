import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EvaluationContext, OpAttrs } from '../../src/core/ops/opDef';
import { OPS, opByName } from '../../src/core/ops/registry';
import { Tensor, sizeOf, type Shape } from '../../src/core/tensor';

/*
 * Every op's local backward against central differences of
 * L(inputs) = Σ G·forward(inputs) for a random upstream gradient G, on random
 * shapes (broadcasting included) and values kept away from kinks (relu and
 * abs at 0) and from the edges of the domain (log and sqrt of ≤ 0).
 */

interface GradCase {
  readonly inputs: readonly Tensor[];
  readonly attrs?: OpAttrs;
  /** Inputs that get no gradient (class indices). */
  readonly constant?: readonly number[];
  /** The evaluation (a training step, for dropout); none by default. */
  readonly context?: EvaluationContext;
}

const RUNS = 40;
/** Elements checked per input, enough to cover every small tensor. */
const MAX_ELEMENTS = 30;
const covered = new Set<string>();

/** A small deterministic generator for the upstream gradient. */
function upstream(shape: Shape, seed: number): Tensor {
  let s = seed >>> 0 || 1;
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return new Tensor(shape, data);
}

function checkGradients(name: string, c: GradCase, seed: number): void {
  const op = opByName(name)!;
  const attrs = c.attrs ?? {};
  const shape = op.shape(c.inputs.map((x) => x.shape), attrs);
  assert.ok(shape.ok, shape.ok ? '' : shape.message);
  const y = op.forward(c.inputs, attrs, c.context);
  const G = upstream(y.shape, seed);
  const needsGrad = c.inputs.map((_, i) => !(c.constant ?? []).includes(i));
  const grads = op.backward({ inputs: c.inputs, output: y, gradOutput: G, attrs, needsGrad, context: c.context });
  const loss = (inputs: readonly Tensor[]): number => {
    const out = op.forward(inputs, attrs, c.context).data;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += G.data[i]! * out[i]!;
    return s;
  };
  c.inputs.forEach((x, i) => {
    if (!needsGrad[i]) return;
    const g = grads[i];
    assert.ok(g, `${name}: no gradient for input ${i}`);
    assert.deepEqual(g.shape, x.shape, `${name}: gradient ${i} has the input's shape`);
    for (let j = 0; j < Math.min(x.size, MAX_ELEMENTS); j++) {
      const h = 1e-6 * Math.max(1, Math.abs(x.data[j]!));
      const at = (delta: number): number => {
        const data = Float64Array.from(x.data);
        data[j] = data[j]! + delta;
        return loss(c.inputs.map((v, k) => (k === i ? new Tensor(x.shape, data) : v)));
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      const analytic = g.data[j]!;
      const tolerance = 1e-5 * Math.max(1, Math.abs(analytic), Math.abs(numeric));
      assert.ok(
        Math.abs(numeric - analytic) <= tolerance,
        `${name}: d/d input ${i}[${j}] backprop ${analytic}, central difference ${numeric} (shapes ${c.inputs.map((v) => `[${v.shape}]`).join(' ')})`,
      );
    }
  });
  covered.add(name);
}

function property<T extends GradCase>(name: string, arb: fc.Arbitrary<T>): void {
  it(`${name}: backward equals central differences`, () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (c, seed) => checkGradients(name, c, seed)),
      { numRuns: RUNS },
    );
  });
}

// ---- arbitraries ----

const shapeOf = (minRank: number, maxRank: number, maxDim = 3): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

const tensorOf = (shape: Shape, lo: number, hi: number): fc.Arbitrary<Tensor> =>
  fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }).map((a) => new Tensor(shape, Float64Array.from(a)));

/** Values with |v| in [lo, hi], either sign: away from a kink at 0. */
const awayFromZero = (shape: Shape, lo: number, hi: number): fc.Arbitrary<Tensor> =>
  fc
    .array(fc.tuple(fc.double({ min: lo, max: hi, noNaN: true }), fc.boolean()), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
    .map((a) => new Tensor(shape, Float64Array.from(a, ([v, negative]) => (negative ? -v : v))));

/** A shape derived from `base` that broadcasts to it: leading axes dropped, some axes set to 1. */
const broadcastable = (base: number[]): fc.Arbitrary<number[]> =>
  fc
    .tuple(fc.integer({ min: 0, max: base.length }), fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }))
    .map(([drop, ones]) => base.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

const broadcastPair = shapeOf(0, 3).chain((base) => fc.tuple(broadcastable(base), broadcastable(base)));

const binaryCase = (lo: number, hi: number, bLo?: number, bHi?: number): fc.Arbitrary<GradCase> =>
  broadcastPair.chain(([sa, sb]) =>
    fc.tuple(tensorOf(sa, lo, hi), bLo === undefined ? tensorOf(sb, lo, hi) : awayFromZero(sb, bLo, bHi!)).map((inputs) => ({ inputs })),
  );

const unaryCase = (lo: number, hi: number): fc.Arbitrary<GradCase> => shapeOf(0, 3).chain((s) => tensorOf(s, lo, hi).map((x) => ({ inputs: [x] })));
const unaryAwayFromZero = (lo: number, hi: number): fc.Arbitrary<GradCase> =>
  shapeOf(0, 3).chain((s) => awayFromZero(s, lo, hi).map((x) => ({ inputs: [x] })));

const dim = fc.integer({ min: 1, max: 4 });

const matmulCase: fc.Arbitrary<GradCase> = fc
  .tuple(dim, dim, dim, fc.boolean(), fc.boolean())
  .chain(([m, k, n, aVector, bVector]) =>
    fc.tuple(tensorOf(aVector ? [k] : [m, k], -2, 2), tensorOf(bVector ? [k] : [k, n], -2, 2)).map((inputs) => ({ inputs })),
  );

const reductionCase: fc.Arbitrary<GradCase> = shapeOf(0, 3).chain((s) =>
  fc
    .tuple(
      tensorOf(s, -3, 3),
      s.length === 0 ? fc.constant(null) : fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: null }),
      fc.boolean(),
    )
    .map(([x, axis, keepdims]) => ({ inputs: [x], attrs: { axis, keepdims } })),
);

const reshapeCase: fc.Arbitrary<GradCase> = shapeOf(1, 3).chain((s) =>
  fc
    .tuple(tensorOf(s, -3, 3), fc.constantFrom<(s: number[]) => number[]>((d) => [sizeOf(d)], () => [-1], (d) => d.slice().reverse(), (d) => [1, ...d, 1], (d) => [-1, d[d.length - 1]!]))
    .map(([x, target]) => ({ inputs: [x], attrs: { shape: target(s) } })),
);

const affineCase: fc.Arbitrary<GradCase> = fc
  .tuple(dim, dim, dim, fc.boolean(), fc.constantFrom<'row' | 'matrix' | 'scalar'>('row', 'matrix', 'scalar'))
  .chain(([m, k, n, xVector, bias]) => {
    const bShape = bias === 'row' ? [n] : bias === 'matrix' && !xVector ? [1, n] : [];
    return fc.tuple(tensorOf(xVector ? [k] : [m, k], -2, 2), tensorOf([k, n], -2, 2), tensorOf(bShape, -1, 1)).map((inputs) => ({ inputs }));
  });

const softmaxCase: fc.Arbitrary<GradCase> = shapeOf(1, 3, 4).chain((s) => tensorOf(s, -3, 3).map((x) => ({ inputs: [x] })));

/** Distinct values at least 0.1 apart, so no tie is within a central difference of another. */
const distinct = (shape: Shape): fc.Arbitrary<Tensor> =>
  fc
    .uniqueArray(fc.integer({ min: -40, max: 40 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
    .map((a) => new Tensor(shape, Float64Array.from(a, (v) => v / 10)));

const maxCase: fc.Arbitrary<GradCase> = shapeOf(0, 3).chain((s) =>
  fc
    .tuple(
      distinct(s),
      s.length === 0 ? fc.constant(null) : fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: null }),
      fc.boolean(),
    )
    .map(([x, axis, keepdims]) => ({ inputs: [x], attrs: { axis, keepdims } })),
);

/** Scores [n, c] with one class index per row, or [c] with one index. */
const pickCase: fc.Arbitrary<GradCase> = fc
  .tuple(fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }), fc.integer({ min: 1, max: 4 }))
  .chain(([rows, classes]) => {
    const n = rows ?? 1;
    return fc
      .tuple(tensorOf(rows === null ? [classes] : [n, classes], -3, 3), fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n }))
      .map(([x, l]) => ({ inputs: [x, new Tensor(rows === null ? [] : [n], Float64Array.from(l))], constant: [1] }));
  });

/** Scores of shape [c] or [n, c] with their targets: one-hot (or soft) rows, or class indices. */
const lossInputs = (scores: (shape: Shape) => fc.Arbitrary<Tensor>, softTargets: boolean): fc.Arbitrary<GradCase> =>
  fc.tuple(fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }), fc.integer({ min: 2, max: 4 }), fc.boolean()).chain(([rows, classes, indices]) => {
    const shape = rows === null ? [classes] : [rows, classes];
    const n = rows ?? 1;
    const labels = fc.array(fc.integer({ min: 0, max: classes - 1 }), { minLength: n, maxLength: n });
    if (indices) {
      return fc.tuple(scores(shape), labels).map(([y, l]) => ({ inputs: [y, new Tensor(rows === null ? [] : [n], Float64Array.from(l))], constant: [1] }));
    }
    const targets = softTargets
      ? tensorOf(shape, 0, 1)
      : labels.map((l) => {
          const t = new Float64Array(n * classes);
          l.forEach((c, i) => (t[i * classes + c] = 1));
          return new Tensor(shape, t);
        });
    return fc.tuple(scores(shape), targets).map(([y, t]) => ({ inputs: [y, t], constant: softTargets ? [] : [1] }));
  });

const small = (max: number): fc.Arbitrary<number> => fc.integer({ min: 1, max });

/** x [N, C, H, W] with filters that fit it, any stride, pad and dilation. */
const conv2dCase: fc.Arbitrary<GradCase> = fc
  .record({ n: small(2), c: small(2), h: fc.integer({ min: 3, max: 5 }), w: fc.integer({ min: 3, max: 5 }), fn: small(2), fh: small(3), fw: small(3), stride: small(2), pad: fc.integer({ min: 0, max: 1 }), dilation: small(2) })
  .filter((g) => g.h + 2 * g.pad >= g.dilation * (g.fh - 1) + 1 && g.w + 2 * g.pad >= g.dilation * (g.fw - 1) + 1)
  .chain((g) =>
    fc
      .tuple(tensorOf([g.n, g.c, g.h, g.w], -2, 2), tensorOf([g.fn, g.c, g.fh, g.fw], -2, 2), tensorOf([g.fn], -1, 1))
      .map((inputs) => ({ inputs, attrs: { stride: g.stride, pad: g.pad, dilation: g.dilation } })),
  );

/** Values 0.1 apart in a random order, for tensors too large for `distinct`'s 81 values. */
const permuted = (shape: Shape): fc.Arbitrary<Tensor> => {
  const n = sizeOf(shape);
  const steps = Array.from({ length: n }, (_, i) => i);
  return fc.shuffledSubarray(steps, { minLength: n, maxLength: n }).map((a) => new Tensor(shape, Float64Array.from(a, (v) => (v - n / 2) / 10)));
};

/** x [N, C, H, W] with a pooling window that fits, stride None or given, pad at most half the window. */
const poolCase = (distinctValues: boolean, withCountMode: boolean): fc.Arbitrary<GradCase> =>
  fc
    .record({ n: small(2), c: small(2), h: fc.integer({ min: 2, max: 5 }), w: fc.integer({ min: 2, max: 5 }), ph: small(3), pw: small(3), stride: fc.option(small(2), { nil: null }), pad: fc.integer({ min: 0, max: 1 }), include: fc.boolean() })
    .filter((g) => 2 * g.pad <= Math.min(g.ph, g.pw) && g.h + 2 * g.pad >= g.ph && g.w + 2 * g.pad >= g.pw)
    .chain((g) =>
      (distinctValues ? permuted([g.n, g.c, g.h, g.w]) : tensorOf([g.n, g.c, g.h, g.w], -2, 2)).map((x) => ({
        inputs: [x],
        attrs: { h: g.ph, w: g.pw, stride: g.stride, pad: g.pad, ...(withCountMode ? { count_include_pad: g.include } : {}) },
      })),
    );

const spatialCase: fc.Arbitrary<GradCase> = fc.tuple(small(2), small(3), small(3), small(3)).chain(([n, c, h, w]) => tensorOf([n, c, h, w], -2, 2).map((x) => ({ inputs: [x] })));

const batchnormCase: fc.Arbitrary<GradCase> = fc.tuple(small(2), small(3), shapeOf(0, 2)).chain(([n, c, rest]) =>
  fc
    .tuple(tensorOf([n, c, ...rest], -2, 2), tensorOf([c], -2, 2), tensorOf([c], -1, 1), tensorOf([c], -1, 1), tensorOf([c], 0.2, 2), fc.constantFrom(1e-5, 0.1))
    .map(([x, gamma, beta, mean, variance, eps]) => ({ inputs: [x, gamma, beta, mean, variance], attrs: { eps } })),
);

const concatCase: fc.Arbitrary<GradCase> = shapeOf(1, 3).chain((s) =>
  fc.tuple(fc.integer({ min: -s.length, max: s.length - 1 }), small(3)).chain(([axis, other]) => {
    const t = s.slice();
    t[axis < 0 ? axis + s.length : axis] = other;
    return fc.tuple(tensorOf(s, -2, 2), tensorOf(t, -2, 2)).map((inputs) => ({ inputs, attrs: { axis } }));
  }),
);

const leakyReluCase: fc.Arbitrary<GradCase> = shapeOf(0, 3).chain((s) =>
  fc.tuple(awayFromZero(s, 0.05, 3), fc.constantFrom(0.01, 0.2)).map(([x, alpha]) => ({ inputs: [x], attrs: { alpha } })),
);

/** Dropout in a training step (a mask) or outside training (the identity). */
const dropoutCase: fc.Arbitrary<GradCase> = shapeOf(0, 3, 4).chain((s) =>
  fc
    .tuple(tensorOf(s, -3, 3), fc.constantFrom(0, 0.25, 0.5, 0.9), fc.integer({ min: 0, max: 1000 }), fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }))
    .map(([x, ratio, seed, trainingStep]) => ({ inputs: [x], attrs: { ratio, seed }, context: { trainingStep } })),
);

/** Plain transpose (axes reversed) or any order of the axes. */
const transposeCase: fc.Arbitrary<GradCase> = shapeOf(0, 4).chain((s) =>
  fc
    .tuple(tensorOf(s, -3, 3), fc.boolean(), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }))
    .map(([x, reversed, axes]) => ({ inputs: [x], attrs: { axes: reversed ? [] : axes } })),
);

describe('gradients: every op backward against central differences (fast-check)', () => {
  property('add', binaryCase(-3, 3));
  property('sub', binaryCase(-3, 3));
  property('mul', binaryCase(-3, 3));
  property('div', binaryCase(-3, 3, 0.5, 3));
  property(
    'pow',
    broadcastPair.chain(([sa, sb]) => fc.tuple(tensorOf(sa, 0.5, 3), tensorOf(sb, -2, 2)).map((inputs) => ({ inputs }))),
  );
  property('matmul', matmulCase);
  property('neg', unaryCase(-3, 3));
  property('relu', unaryAwayFromZero(0.05, 3));
  property('sigmoid', unaryCase(-5, 5));
  property('tanh', unaryCase(-3, 3));
  property('exp', unaryCase(-3, 3));
  property('log', unaryCase(0.5, 5));
  property('sqrt', unaryCase(0.5, 5));
  property('abs', unaryAwayFromZero(0.05, 3));
  property('sum', reductionCase);
  property('mean', reductionCase);
  property('transpose', transposeCase);
  property('reshape', reshapeCase);
  property('affine', affineCase);
  property('softmax', softmaxCase);
  property('cross_entropy', lossInputs((s) => tensorOf(s, 0.05, 1), true));
  // The textbook's backward (y − t)/batch leaves out the 1e-7 inside log(y + 1e-7); the true
  // derivative differs from it by at most 1e-7 / y_t. Logits in [-1, 1] keep every y_t above
  // 0.04 (4 classes), so that difference stays below the 1e-5 tolerance.
  property('softmax_with_loss', lossInputs((s) => tensorOf(s, -1, 1), false));
  property('mse', binaryCase(-3, 3));
  property('max', maxCase);
  property('pick', pickCase);
  property('leaky_relu', leakyReluCase);
  property('log_softmax', softmaxCase);
  property('conv2d', conv2dCase);
  property('max_pool', poolCase(true, false));
  property('avg_pool', poolCase(false, true));
  property('global_avg_pool', spatialCase);
  property('flatten', spatialCase);
  property('batchnorm', batchnormCase);
  property('concat', concatCase);
  property('dropout', dropoutCase);

  it('covers every registered op', () => {
    assert.deepEqual([...covered].sort(), OPS.map((o) => o.name).sort());
  });
});
