import * as assert from 'node:assert/strict';
import { formatNumber, formatTensorSummary, jsonNumber, tensorToJson } from '../../src/core/format';
import { Tensor } from '../../src/core/tensor';

const t = (shape: number[], data: number[]): Tensor => new Tensor(shape, Float64Array.from(data));
const arange = (shape: number[]): Tensor => new Tensor(shape, Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i));

describe('format: numbers and tensors as text and JSON', () => {
  it('prints the shortest round-trip form, never rounded', () => {
    assert.equal(formatNumber(220.00000000000003), '220.00000000000003');
    assert.equal(formatNumber(0.1 + 0.2), '0.30000000000000004');
    assert.equal(formatNumber(2), '2');
    assert.equal(formatNumber(1e-7), '1e-7');
    assert.equal(formatNumber(5e-324), '5e-324');
    for (const x of [Math.PI, 1 / 3, 1e300, -2.5e-308, 123456789.12345679]) assert.equal(Number(formatNumber(x)), x);
  });

  it('keeps -0 and spells out NaN and the infinities', () => {
    assert.equal(formatNumber(-0), '-0');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), 'Infinity');
    assert.equal(formatNumber(-Infinity), '-Infinity');
  });

  it('jsonNumber: a number, or a string where JSON has none', () => {
    assert.equal(jsonNumber(1.5), 1.5);
    assert.equal(jsonNumber(NaN), 'NaN');
    assert.equal(jsonNumber(Infinity), 'Infinity');
    assert.equal(jsonNumber(-Infinity), '-Infinity');
  });

  it('tensorToJson: a number for a scalar, nested arrays otherwise', () => {
    assert.equal(tensorToJson(t([], [110.00000000000001])), 110.00000000000001);
    assert.deepEqual(tensorToJson(t([2, 2], [1, NaN, -Infinity, 4])), [
      [1, 'NaN'],
      ['-Infinity', 4],
    ]);
    assert.deepEqual(tensorToJson(t([1], [3])), [3]);
    assert.deepEqual(tensorToJson(t([2, 0], [])), [[], []]);
    assert.equal(JSON.stringify(tensorToJson(arange([2, 1, 2]))), '[[[0,1]],[[2,3]]]');
  });

  it('prints a tensor numpy-style, one row per line', () => {
    assert.equal(formatTensorSummary(t([], [2.5])), '2.5');
    assert.equal(formatTensorSummary(t([3], [1, -0.5, 220.00000000000003])), '[1, -0.5, 220.00000000000003]');
    assert.equal(formatTensorSummary(t([2, 2], [1, 2, 3, 4])), '[[1, 2],\n [3, 4]]');
    assert.equal(formatTensorSummary(arange([2, 2, 2])), '[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]');
    assert.equal(formatTensorSummary(t([0], [])), '[]');
    assert.equal(formatTensorSummary(t([2, 2], [1, 2, 3, 4])).replace(/\s*\n\s*/g, ' '), '[[1, 2], [3, 4]]');
  });

  it('summarises past maxItems with the first and last edge items around ...', () => {
    assert.equal(formatTensorSummary(arange([10]), 6), '[0, 1, 2, ..., 7, 8, 9]');
    assert.equal(formatTensorSummary(arange([10]), 10), '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]');
    assert.equal(formatTensorSummary(arange([8, 8]), 10, 1), '[[0, ..., 7],\n ...,\n [56, ..., 63]]');
    const big = formatTensorSummary(arange([100, 50]));
    assert.equal(big.split('\n').length, 7);
    assert.ok(big.startsWith('[[0, 1, 2, ..., 47, 48, 49],\n [50, 51, 52, ..., 97, 98, 99],'));
    assert.ok(big.endsWith('[4950, 4951, 4952, ..., 4997, 4998, 4999]]'));
  });
});
