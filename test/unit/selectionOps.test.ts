import * as assert from 'node:assert/strict';
import { opByName } from '../../src/core/ops/registry';
import { Tensor } from '../../src/core/tensor';

const t = (shape: number[], data: number[]): Tensor => new Tensor(shape, Float64Array.from(data));
const max = opByName('max')!;
const pick = opByName('pick')!;

describe('ops: max and pick', () => {
  it('max reduces as np.max: over all, along an axis, keeping it, NaN winning', () => {
    const x = t([2, 3], [1, 5, 3, 4, 2, 6]);
    assert.deepEqual(Array.from(max.forward([x], { axis: null, keepdims: false }).data), [6]);
    const cols = max.forward([x], { axis: 0, keepdims: false });
    assert.deepEqual([cols.shape, Array.from(cols.data)], [[3], [4, 5, 6]]);
    const rows = max.forward([x], { axis: -1, keepdims: true });
    assert.deepEqual([rows.shape, Array.from(rows.data)], [[2, 1], [5, 6]]);
    assert.deepEqual(Array.from(max.forward([t([3], [1, NaN, 2])], { axis: null, keepdims: false }).data), [NaN]);
    assert.deepEqual(max.shape([[2, 3]], { axis: 2, keepdims: false }), { ok: false, message: 'max: axis 2 is out of bounds for shape [2,3] (2-D)' });
    assert.equal(max.shape([[2, 0]], { axis: 1, keepdims: false }).ok, false, 'no maximum of an empty axis');
  });

  it('max sends the gradient to the largest element, split equally between ties', () => {
    const x = t([2, 3], [1, 5, 5, 4, 2, 6]);
    const attrs = { axis: 1, keepdims: false };
    const y = max.forward([x], attrs);
    const [dx] = max.backward({ inputs: [x], output: y, gradOutput: t([2], [1, 3]), attrs, needsGrad: [true] });
    assert.deepEqual(Array.from(dx!.data), [0, 0.5, 0.5, 0, 0, 3]);
  });

  it("pick takes each row's class score, as x[arange(n), t]", () => {
    const x = t([2, 3], [0.1, 0.7, 0.2, 0.5, 0.3, 0.2]);
    const y = pick.forward([x, t([2], [1, 0])], {});
    assert.deepEqual([y.shape, Array.from(y.data)], [[2], [0.7, 0.5]]);
    assert.deepEqual(Array.from(pick.forward([t([3], [4, 5, 6]), t([], [2])], {}).data), [6]);
    const [dx, dt] = pick.backward({ inputs: [x, t([2], [1, 0])], output: y, gradOutput: t([2], [2, 3]), attrs: {}, needsGrad: [true, true] });
    assert.deepEqual(Array.from(dx!.data), [0, 2, 0, 3, 0, 0]);
    assert.equal(dt, null, 'no gradient for class indices');
    assert.equal(pick.checkValues!([x, t([2], [1, 3])], {}), 'pick: expected class indices in 0..2, found t[1] = 3');
    assert.deepEqual(pick.shape([[2, 3], [3]], {}), { ok: false, message: 'pick: expected class indices of shape [2] for scores [2,3], found [3]' });
  });
});
