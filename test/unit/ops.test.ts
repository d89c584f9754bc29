import * as assert from 'node:assert/strict';
import type { BackwardContext, OpAttrs, OpDef } from '../../src/core/ops/opDef';
import { OPS, opByName, opByOperator } from '../../src/core/ops/registry';
import { Tensor, type Shape } from '../../src/core/tensor';

/*
 * Forward values against numpy 2.4 float64, written out as literals. Where an
 * op calls exp/log/pow the reference used the correctly rounded value (mpmath),
 * which is what glibc's libm gives numpy on most machines; every literal below
 * is also what numpy printed on the machine that made it.
 */

const t = (shape: Shape, data: number[]): Tensor => new Tensor(shape, Float64Array.from(data));
const op = (name: string): OpDef => {
  const def = opByName(name);
  assert.ok(def, `no op ${name}`);
  return def;
};
const forward = (name: string, inputs: Tensor[], attrs: OpAttrs = {}): Tensor => {
  const def = op(name);
  const shape = def.shape(inputs.map((x) => x.shape), attrs);
  assert.ok(shape.ok, shape.ok ? '' : shape.message);
  const y = def.forward(inputs, attrs);
  assert.deepEqual(y.shape, shape.shape, `${name}: forward shape equals the shape rule`);
  return y;
};
const values = (x: Tensor): number[] => Array.from(x.data);
const shapeError = (name: string, shapes: Shape[], attrs: OpAttrs = {}): string => {
  const r = op(name).shape(shapes, attrs);
  assert.ok(!r.ok, `${name} accepted ${JSON.stringify(shapes)}`);
  return r.message;
};
const backward = (name: string, inputs: Tensor[], gradOutput: Tensor, attrs: OpAttrs = {}): (Tensor | null)[] => {
  const def = op(name);
  const output = def.forward(inputs, attrs);
  const ctx: BackwardContext = { inputs, output, gradOutput, attrs, needsGrad: inputs.map(() => true) };
  return [...def.backward(ctx)];
};

const A = t([2, 3], [0.1, 0.2, 0.3, 1.5, -2.5, 3.25]);
const B = t([3], [0.7, 1.1, -0.3]);
const X = t([5], [-1.5, -0, 0.3, 2.0, 0.7]);
const Y = t([5], [0.5, 1.0, 2.0, 10.0, 0.1]);

describe('ops: forward values equal numpy', () => {
  it('add, sub, mul, div broadcast [2,3] with [3]', () => {
    assert.deepEqual(values(forward('add', [A, B])), [0.7999999999999999, 1.3, 0.0, 2.2, -1.4, 2.95]);
    assert.deepEqual(values(forward('sub', [A, B])), [-0.6, -0.9000000000000001, 0.6, 0.8, -3.6, 3.55]);
    assert.deepEqual(values(forward('mul', [A, B])), [0.06999999999999999, 0.22000000000000003, -0.09, 1.0499999999999998, -2.75, -0.975]);
    assert.deepEqual(values(forward('div', [A, B])), [0.14285714285714288, 0.18181818181818182, -1.0, 2.142857142857143, -2.2727272727272725, -10.833333333333334]);
  });

  it('pow broadcasts [1,3] with [3,1]', () => {
    const y = forward('pow', [t([1, 3], [0.5, 2.0, 3.0]), t([3, 1], [1.5, -0.5, 2.2])]);
    assert.deepEqual(y.shape, [3, 3]);
    assert.deepEqual(values(y), [
      0.3535533905932738, 2.8284271247461903, 5.196152422706632, 1.4142135623730951, 0.7071067811865476, 0.5773502691896257, 0.217637640824031,
      4.59479341998814, 11.211578456539659,
    ]);
  });

  it('the textbook apple: 100 × 2 × 1.1 = 220.00000000000003', () => {
    const apples = forward('mul', [t([], [100]), t([], [2])]);
    assert.equal(forward('MulLayer', [apples, t([], [1.1])]).item(), 220.00000000000003);
  });

  it('elementwise functions', () => {
    assert.deepEqual(values(forward('neg', [B])), [-0.7, -1.1, 0.3]);
    assert.deepEqual(values(forward('relu', [X])), [0, 0, 0.3, 2, 0.7]);
    assert.deepEqual(values(forward('sigmoid', [X])), [0.18242552380635635, 0.5, 0.574442516811659, 0.8807970779778823, 0.6681877721681662]);
    assert.deepEqual(values(forward('tanh', [t([4], [-0, 0.3, 2.0, 0.5])])), [-0, 0.2913126124515909, 0.9640275800758169, 0.46211715726000974]);
    assert.deepEqual(values(forward('exp', [X])), [0.22313016014842982, 1.0, 1.3498588075760032, 7.38905609893065, 2.0137527074704766]);
    assert.deepEqual(values(forward('log', [Y])), [-0.6931471805599453, 0.0, 0.6931471805599453, 2.302585092994046, -2.3025850929940455]);
    assert.deepEqual(values(forward('sqrt', [Y])), [0.7071067811865476, 1.0, 1.4142135623730951, 3.1622776601683795, 0.31622776601683794]);
    assert.deepEqual(values(forward('abs', [X])), [1.5, 0, 0.3, 2.0, 0.7]);
    assert.ok(Number.isNaN(forward('log', [t([], [-1])]).item()));
    assert.equal(forward('log', [t([], [0])]).item(), -Infinity);
  });

  it('sum and mean over None, an axis, a negative axis, with keepdims', () => {
    const S = t([3, 4], [0.1, 0.2, 0.3, 0.4, 1.1, 1.2, 1.3, 1.4, 2.1, 2.2, 2.3, 2.4]);
    assert.equal(forward('sum', [S], { axis: null, keepdims: false }).item(), 15.000000000000002);
    assert.deepEqual(values(forward('sum', [S], { axis: 0, keepdims: false })), [3.3000000000000003, 3.6, 3.9, 4.199999999999999]);
    assert.deepEqual(values(forward('sum', [S], { axis: -1, keepdims: false })), [1.0, 5.0, 9.0]);
    const m = forward('mean', [S], { axis: 1, keepdims: true });
    assert.deepEqual(m.shape, [3, 1]);
    assert.deepEqual(values(m), [0.25, 1.25, 2.25]);
    assert.equal(forward('mean', [S], { axis: null, keepdims: false }).item(), 1.2500000000000002);
  });

  it('matmul, transpose, reshape', () => {
    const xw = forward('matmul', [t([2, 2], [0.6, 0.9, 0.1, -0.3]), t([2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])]);
    assert.deepEqual(values(xw), [0.42000000000000004, 0.5700000000000001, 0.72, -0.11, -0.13, -0.15]);
    assert.deepEqual(values(forward('transpose', [A])), [0.1, 1.5, 0.2, -2.5, 0.3, 3.25]);
    assert.deepEqual(forward('reshape', [A], { shape: [3, -1] }).shape, [3, 2]);
    assert.deepEqual(forward('reshape', [A], { shape: [6] }).shape, [6]);
  });

  it('affine(x, W, b) = np.dot(x, W) + b', () => {
    const y = forward('Affine', [t([2, 2], [0.6, 0.9, 0.1, -0.3]), t([2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), t([3], [0.01, 0.02, 0.03])]);
    assert.deepEqual(values(y), [0.43000000000000005, 0.5900000000000001, 0.75, -0.1, -0.11, -0.12]);
    assert.deepEqual(forward('affine', [t([2], [1, 2]), t([2, 3], [1, 0, 0, 0, 1, 0]), t([3], [0, 0, 1])]).shape, [3]);
  });

  it('softmax of the textbook a = [0.3, 2.9, 4.0]', () => {
    assert.deepEqual(values(forward('softmax', [t([3], [0.3, 2.9, 4.0])])), [0.01821127329554753, 0.24519181293507392, 0.7365969137693786]);
    const rows = forward('softmax', [t([2, 3], [1000, 1000, 1000, -1000, 0, -1000])]);
    assert.deepEqual(values(rows).slice(0, 3), [1 / 3, 1 / 3, 1 / 3], 'max-subtracted: no overflow');
  });

  it('cross_entropy of the textbook y with one-hot t and with the class index', () => {
    const y = t([10], [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]);
    const onehot = t([10], [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(forward('cross_entropy', [y, onehot]).item(), 0.510825457099338);
    assert.equal(forward('cross_entropy', [y, t([], [2])]).item(), 0.510825457099338);
    assert.equal(forward('cross_entropy', [t([10], [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0]), onehot]).item(), 2.302584092994546);
    const Yb = t([2, 3], [0.1, 0.3, 0.6, 0.7, 0.2, 0.1]);
    assert.equal(forward('cross_entropy', [Yb, t([2, 3], [0, 0, 1, 0, 1, 0])]).item(), 1.0601314347667816);
    assert.equal(forward('cross_entropy', [Yb, t([2], [2, 1])]).item(), 1.0601314347667816);
  });

  it('softmax_with_loss forward and its backward (y − t) / batch', () => {
    const x = t([2, 3], [0.3, 2.9, 4.0, 1.0, 0.5, -1.0]);
    const onehot = t([2, 3], [0, 0, 1, 1, 0, 0]);
    assert.equal(forward('SoftmaxWithLoss', [x, onehot]).item(), 0.4303355372542059);
    assert.equal(forward('softmax_with_loss', [x, t([2], [2, 0])]).item(), 0.4303355372542059);
    const expected = [0.009105636647773765, 0.12259590646753696, -0.13170154311531068, -0.21295150351615272, 0.17410371394186744, 0.0388477895742853];
    const [dx, dt] = backward('softmax_with_loss', [x, onehot], t([], [1]));
    assert.deepEqual(values(dx!), expected);
    assert.equal(dt, null);
    assert.deepEqual(values(backward('softmax_with_loss', [x, t([2], [2, 0])], t([], [1]))[0]!), expected);
  });

  it('mse = mean((y − t)²), broadcasting t', () => {
    const y = t([2, 2], [0.5, 1.5, 2.0, -1.0]);
    assert.equal(forward('mse', [y, t([2, 2], [1, 1, 1, 1])]).item(), 1.375);
    assert.equal(forward('mse', [y, t([2], [0.25, 0.5])]).item(), 1.59375);
  });
});

describe('ops: local backward in the textbook order', () => {
  it('mul: da = dout·b, db = dout·a (the apple graph, Fig. 5-16)', () => {
    const [dApples, dTax] = backward('mul', [t([], [200]), t([], [1.1])], t([], [1]));
    assert.equal(dApples!.item(), 1.1);
    assert.equal(dTax!.item(), 200);
    const [dNum, dPrice] = backward('mul', [t([], [2]), t([], [100])], t([], [1.1]));
    assert.equal(dNum!.item(), 110.00000000000001);
    assert.equal(dPrice!.item(), 2.2);
  });

  it('add and sub sum the gradient over broadcast axes, to each input shape', () => {
    const g = t([2, 3], [1, 2, 3, 4, 5, 6]);
    const [da, db] = backward('add', [A, B], g);
    assert.deepEqual(values(da!), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(db!.shape, [3]);
    assert.deepEqual(values(db!), [5, 7, 9]);
    assert.deepEqual(values(backward('sub', [A, t([2, 1], [0, 0])], g)[1]!), [-6, -15]);
  });

  it('relu passes dout only where x > 0; sigmoid is dout·(1 − y)·y', () => {
    assert.deepEqual(values(backward('relu', [t([4], [1.0, -0.5, -2.0, 3.0])], t([4], [2, 2, 2, 6]))[0]!), [2, 0, 0, 6]);
    const [dx] = backward('sigmoid', [t([], [0.5])], t([], [2]));
    const y = 0.6224593312018546;
    assert.equal(dx!.item(), 2 * (1 - y) * y);
  });

  it('affine: dx = dout·Wᵀ, dW = xᵀ·dout, db = dout summed over the batch (section 5.6.2)', () => {
    const x = t([2, 3], [0, 0, 0, 10, 10, 10]);
    const W = t([3, 2], [1, 2, 3, 4, 5, 6]);
    const [dx, dW, db] = backward('affine', [x, W, t([2], [1, 2])], t([2, 2], [1, 1, 1, 1]));
    assert.deepEqual(values(dx!), [3, 7, 11, 3, 7, 11]);
    assert.deepEqual(values(dW!), [10, 10, 10, 10, 10, 10]);
    assert.deepEqual(values(db!), [2, 2]);
  });

  it('constants get no gradient where the op allows it', () => {
    const def = op('softmax_with_loss');
    const x = t([3], [1, 2, 3]);
    const grads = def.backward({ inputs: [x, t([], [0])], output: def.forward([x, t([], [0])], {}), gradOutput: t([], [1]), attrs: {}, needsGrad: [false, false] });
    assert.deepEqual(grads, [null, null]);
  });
});

describe('ops: shape errors name what was expected and what was found', () => {
  it('broadcasting and matmul name both shapes', () => {
    assert.equal(shapeError('add', [[2, 3], [4]]), 'add: cannot broadcast [2,3] with [4]');
    assert.equal(shapeError('mul', [[2, 3], [3, 2]]), 'mul: cannot broadcast [2,3] with [3,2]');
    assert.equal(shapeError('matmul', [[2, 3], [4, 5]]), 'matmul: cannot multiply [2,3] by [4,5]: inner sizes 3 and 4 differ');
    assert.match(shapeError('matmul', [[], [3]]), /cannot multiply \[\] by \[3\]/);
  });

  it('affine names x, W and b', () => {
    assert.equal(shapeError('affine', [[2, 3], [4, 5], [5]]), 'affine: cannot multiply [2,3] by [4,5]: inner sizes 3 and 4 differ');
    assert.equal(shapeError('affine', [[2, 3], [3, 5], [4]]), 'affine: cannot add b [4] to x@W of shape [2,5]');
    assert.equal(shapeError('affine', [[2, 3], [3, 5], [3, 5]]), 'affine: cannot add b [3,5] to x@W of shape [2,5]');
    assert.equal(shapeError('affine', [[2, 2, 3], [3, 5], [5]]), 'affine: x must be 1-D or 2-D, found [2,2,3]');
    assert.equal(shapeError('affine', [[2, 3], [3], [5]]), 'affine: W must be 2-D, found [3]');
  });

  it('reductions, reshape, softmax and the losses', () => {
    assert.equal(shapeError('sum', [[2, 3]], { axis: 2, keepdims: false }), 'sum: axis 2 is out of bounds for shape [2,3] (2-D)');
    assert.equal(shapeError('mean', [[]], { axis: 0, keepdims: false }), 'mean: axis 0 is out of bounds for shape [] (0-D)');
    assert.equal(shapeError('reshape', [[2, 3]], { shape: [4, 2] }), 'reshape: cannot reshape [2,3] (6 elements) into [4,2] (8 elements)');
    assert.equal(shapeError('softmax', [[]]), 'softmax: expected a tensor with at least one axis, found a scalar');
    assert.equal(
      shapeError('cross_entropy', [[2, 3], [3]]),
      'cross_entropy: t must be one-hot with the shape of y [2,3], or class indices of shape [2], found [3]',
    );
    assert.equal(
      shapeError('softmax_with_loss', [[3], [2]]),
      'softmax_with_loss: t must be one-hot with the shape of y [3], or class indices of shape [] or [1], found [2]',
    );
    assert.equal(shapeError('mse', [[2, 3], [2]]), 'mse: cannot broadcast [2,3] with [2]');
  });

  it('class indices out of range: a message from checkValues, NaN from forward', () => {
    const x = t([2, 3], [1, 2, 3, 4, 5, 6]);
    const bad = t([2], [0, 3]);
    assert.equal(op('softmax_with_loss').checkValues!([x, bad], {}), 'softmax_with_loss: expected class indices in 0..2, found t[1] = 3');
    assert.equal(op('cross_entropy').checkValues!([x, t([2], [0.5, 1])], {}), 'cross_entropy: expected class indices in 0..2, found t[0] = 0.5');
    assert.equal(op('cross_entropy').checkValues!([x, t([2], [0, 2])], {}), null);
    assert.ok(Number.isNaN(op('softmax_with_loss').forward([x, bad], {}).item()));
  });
});

describe('ops: the registry', () => {
  it('finds every op by canonical name and by its textbook aliases', () => {
    const aliases: Record<string, string> = {
      MulLayer: 'mul',
      AddLayer: 'add',
      Relu: 'relu',
      ReLU: 'relu',
      Sigmoid: 'sigmoid',
      Affine: 'affine',
      SoftmaxWithLoss: 'softmax_with_loss',
    };
    for (const [alias, name] of Object.entries(aliases)) assert.equal(opByName(alias)?.name, name);
    const names = [
      'add', 'sub', 'mul', 'div', 'pow', 'matmul', 'neg', 'relu', 'sigmoid', 'tanh', 'exp', 'log', 'sqrt', 'abs', 'sum', 'mean', 'max', 'transpose', 'reshape', 'affine',
      'softmax', 'pick', 'cross_entropy', 'softmax_with_loss', 'mse', 'leaky_relu', 'log_softmax', 'conv2d', 'max_pool', 'avg_pool', 'global_avg_pool',
      'flatten', 'batchnorm', 'concat', 'dropout',
    ]; // prettier-ignore
    assert.deepEqual(OPS.map((o) => o.name), names);
    assert.equal(opByName('nope'), undefined);
  });

  it('maps operators: + - * / ** @ binary, - unary, unary + to nothing', () => {
    const binary: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '**': 'pow', '@': 'matmul' };
    for (const [symbol, name] of Object.entries(binary)) assert.equal(opByOperator(symbol, 2)?.name, name);
    assert.equal(opByOperator('-', 1)?.name, 'neg');
    assert.equal(opByOperator('+', 1), undefined);
  });

  it('every op says how it is drawn and called', () => {
    const symbols = Object.fromEntries(OPS.map((o) => [o.name, o.symbol]));
    assert.deepEqual(
      [symbols['mul'], symbols['add'], symbols['sub'], symbols['div'], symbols['relu'], symbols['sigmoid'], symbols['sum'], symbols['transpose'], symbols['affine']],
      ['×', '+', '−', '÷', 'ReLU', 'σ', 'Σ', 'ᵀ', 'Affine'],
    );
    for (const o of OPS) {
      assert.ok(o.signature.startsWith(`${o.name}(`), o.signature);
      assert.ok(o.doc.length > 10, o.name);
      assert.equal(o.inputs.length > 0, true);
    }
    assert.equal(opByName('sum')!.signature, 'sum(x, axis=None, keepdims=false)');
    assert.equal(opByName('reshape')!.signature, 'reshape(x, d1, d2, ...)');
  });
});
