import * as assert from 'node:assert/strict';
import { checkSource } from '../../src/core/check';
import { evaluateCondition, evaluateExpression } from '../../src/core/debug/evaluate';
import { tapeScope } from '../../src/core/debug/graphRuntime';
import { Stepper } from '../../src/core/engine/stepper';
import { formatTensorSummary } from '../../src/core/format';

const SOURCE = `input a = 2
input b = 3
const m = [[1, -2], [3, -4]]
c = a * b
d = c + a
`;

function tapeAt(position: number): Stepper {
  const graph = checkSource(SOURCE).graph!;
  const stepper = new Stepper(graph);
  stepper.goTo(position);
  return stepper;
}

function show(text: string, position = 4): string {
  const r = evaluateExpression(text, tapeScope(tapeAt(position)));
  return r.ok ? formatTensorSummary(r.value).replace(/\s*\n\s*/g, ' ') : `error: ${r.message}`;
}

describe('evaluating .nn expressions at a position (Watch, Debug Console, conditions)', () => {
  it('reads values and gradients at the position, with exact float64 arithmetic', () => {
    assert.equal(show('c * 2'), '12');
    assert.equal(show('grad(a)'), '4', '∂d/∂a = b + 1');
    assert.equal(show('a * 1.1'), String(2 * 1.1));
    assert.equal(show('-m.T'), '[[-1, -3], [2, 4]]');
  });

  it('runs the language\'s ops with their attributes: sum(m, axis=0), mean, abs, @', () => {
    assert.equal(show('sum(m, axis=0)'), '[4, -6]');
    assert.equal(show('sum(m, 1, true)'), '[[-1], [-1]]');
    assert.equal(show('mean(abs(m))'), '2.5');
    assert.equal(show('m @ [1, 1]'), '[-1, -1]');
  });

  it('max and min over all elements or one axis; NaN wins as in numpy', () => {
    assert.equal(show('max(m)'), '3');
    assert.equal(show('min(abs(m))'), '1');
    assert.equal(show('min(m, axis=1)'), '[-2, -4]');
    assert.equal(show('max(m, 0, true)'), '[[3, -2]]');
    assert.equal(show('max([1, 0 / 0])'), 'NaN');
    assert.equal(show('min([1, 0 / 0])'), 'NaN');
  });

  it('compares elementwise with broadcasting: 1 where true, 0 where false', () => {
    assert.equal(show('m > 0'), '[[1, 0], [1, 0]]');
    assert.equal(show('max(abs(grad(a))) >= 4'), '1');
    assert.equal(show('c == 6'), '1');
    assert.equal(show('c != 6'), '0');
    assert.equal(show('[1, 2] < [[2], [1]]'), '[[1, 0], [0, 0]]');
  });

  it('says what it expected and what it found', () => {
    assert.equal(show('nope + 1'), "error: expected a name of this file, found 'nope'");
    assert.equal(show('grad(m)'), 'error: grad(m): m is a const and takes no gradient');
    assert.equal(show('grad(2)'), 'error: grad: expected one name, grad(NAME), found 1 argument that is not a name');
    assert.equal(show('m @ [1, 2, 3]'), 'error: matmul: cannot multiply [2,2] by [3]: inner sizes 2 and 3 differ');
    assert.equal(show('frobnicate(a)'), "error: expected an operation (grad, min, max, sum, mean, abs, relu, …), found 'frobnicate'");
    assert.equal(show('a > b > c'), "error: expected at most one comparison, found '>' and '>'");
    assert.match(show('a +'), /^error: expected a value/);
    assert.match(show('c', 0), /^error: c has no value yet: forward step 1 computes it/);
    assert.match(show('grad(a)', 2), /^error: grad\(a\): no gradient has arrived yet/);
  });

  it('a condition must be one value; a value or gradient not computed yet makes it false, not an error', () => {
    const scope = tapeScope(tapeAt(0));
    assert.deepEqual(evaluateCondition('grad(a) > 1', scope), { ok: true, holds: false });
    assert.deepEqual(evaluateCondition('a > 1', scope), { ok: true, holds: true });
    assert.deepEqual(evaluateCondition('0 / 0', scope), { ok: true, holds: false });
    const tensor = evaluateCondition('m > 0', scope);
    assert.equal(tensor.ok, false);
    assert.match(!tensor.ok ? tensor.message : '', /expected a condition with one value, found shape \[2,2\]/);
  });
});
