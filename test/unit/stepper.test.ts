import * as assert from 'node:assert/strict';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import type { Tensor } from '../../src/core/tensor';

function stepperOf(text: string): Stepper {
  const r = checkSource(text);
  assert.ok(r.graph, r.diagnostics.map((d) => d.message).join('\n'));
  return new Stepper(r.graph);
}

const APPLE = 'input apple_num = 2\ninput apple_price = 100\ninput tax = 1.1\napple_sum = apple_num * apple_price\ntotal = apple_sum * tax\n';

/** Every value, gradient, edge gradient and count, as exact bit patterns. */
function snapshot(s: Stepper): string {
  const bits = (t: Tensor | null): string => (t ? Array.from(new Uint32Array(new Float64Array(t.data).buffer)).join('.') : '-');
  return s.graph.nodes
    .map((n) => [bits(s.value(n.id)), bits(s.grad(n.id)), n.inputs.map((_, k) => bits(s.edgeGrad(n.id, k))).join(','), JSON.stringify(s.contributions(n.id))].join('|'))
    .join('\n');
}

describe('stepping', () => {
  it('has F forward and B backward steps, positions 0…F+B', () => {
    const s = stepperOf(APPLE);
    assert.equal(s.forwardSteps, 2);
    assert.equal(s.backwardSteps, 2);
    assert.equal(s.total, 4);
    assert.equal(s.describePosition(), 'start 0/2');
  });

  it('computes one op node per forward step; leaves have values from the start', () => {
    const s = stepperOf(APPLE);
    assert.deepEqual(s.value(0)!.data, Float64Array.of(2));
    assert.equal(s.value(3), null);
    s.next();
    assert.deepEqual(Array.from(s.value(3)!.data), [200]);
    assert.equal(s.value(4), null);
    s.next();
    assert.deepEqual(Array.from(s.value(4)!.data), [220.00000000000003]);
    assert.equal(s.describePosition(), 'forward 2/2');
    assert.equal(s.phase, 'forward');
    assert.equal(s.currentNode, 4);
  });

  it('seeds the output with 1 on backward step 1, then runs one local backward per step', () => {
    const s = stepperOf(APPLE);
    s.runForward();
    s.next();
    assert.deepEqual(Array.from(s.grad(4)!.data), [1]);
    assert.deepEqual(Array.from(s.grad(3)!.data), [1.1]);
    assert.deepEqual(Array.from(s.grad(2)!.data), [200]);
    assert.equal(s.grad(0), null, 'apple_num waits for the next step');
    s.next();
    assert.deepEqual(Array.from(s.grad(0)!.data), [110.00000000000001]);
    assert.deepEqual(Array.from(s.grad(1)!.data), [2.2]);
    assert.equal(s.describePosition(), 'backward 2/2');
    assert.equal(s.next(), false, 'no step past F + B');
  });

  it('shows the partial sum and how many contributions arrived for a value used twice', () => {
    const s = stepperOf('input x = 3\na = x * 2\nb = x * 5\ny = a + b\n');
    s.runForward();
    assert.deepEqual(s.contributions(0), { arrived: 0, expected: 2 });
    s.next();
    s.next();
    assert.deepEqual(s.contributions(0), { arrived: 1, expected: 2 });
    assert.deepEqual(Array.from(s.grad(0)!.data), [5]);
    assert.equal(s.gradComplete(0), false);
    s.next();
    assert.deepEqual(s.contributions(0), { arrived: 2, expected: 2 });
    assert.deepEqual(Array.from(s.grad(0)!.data), [7]);
    assert.deepEqual(Array.from(s.edgeGrad(4, 0)!.data), [5], 'each branch keeps its own gradient: b = x * 5');
    assert.deepEqual(Array.from(s.edgeGrad(2, 0)!.data), [2], 'and a = x * 2');
  });

  it('counts x * x as two contributions from one step', () => {
    const s = stepperOf('input x = 3\ny = x * x\n');
    s.runBackward();
    assert.deepEqual(s.contributions(0), { arrived: 2, expected: 2 });
    assert.deepEqual(Array.from(s.grad(0)!.data), [6]);
  });

  it('steps back exactly, bit for bit, from any position', () => {
    const s = stepperOf('input x = [[0.6, 0.9], [0.1, -0.3]]\nparam W = randn(2, 3, seed=3)\nparam b = [0.1, 0.2, 0.3]\nh = sigmoid(affine(x, W, b))\ny = sum(h * h + h, axis=1)\nz = mean(y * y)\n');
    const snapshots = [snapshot(s)];
    while (s.next()) snapshots.push(snapshot(s));
    assert.equal(snapshots.length, s.total + 1);
    for (let p = s.total; p > 0; p--) {
      assert.equal(snapshot(s), snapshots[p], `at ${p}`);
      s.previous();
    }
    assert.equal(snapshot(s), snapshots[0]);
    s.goTo(5);
    assert.equal(snapshot(s), snapshots[5]);
  });

  it('backward runs only the nodes the output depends on', () => {
    const s = stepperOf('input x = 2\nunused = x * 10\ny = x * 3\n');
    assert.equal(s.forwardSteps, 2);
    assert.equal(s.backwardSteps, 1);
    s.runBackward();
    assert.equal(s.grad(1), null);
    assert.deepEqual(Array.from(s.grad(0)!.data), [3]);
  });

  it('seeds a tensor output with ones', () => {
    const s = stepperOf('input x = [1, 2]\ny = x * 3\n');
    s.runBackward();
    assert.deepEqual(Array.from(s.grad(s.graph.output!)!.data), [1, 1]);
    assert.deepEqual(Array.from(s.grad(0)!.data), [3, 3]);
  });

  it('runs to a node: after its forward step, or after its gradient is complete once backward', () => {
    const s = stepperOf(APPLE);
    assert.equal(s.positionOfNode(4), 2);
    s.runBackward();
    assert.equal(s.positionOfNode(0), 4);
    assert.equal(s.positionOfNode(2), 3, 'tax is complete after the first backward step');
  });

  it('gives constants no gradient', () => {
    const s = stepperOf('input x = [1.0, 2.0]\nconst t = [0, 1]\nloss = mse(x, t)\n');
    s.runBackward();
    assert.equal(s.grad(1), null);
    assert.deepEqual(Array.from(s.grad(0)!.data), [1, 1]);
  });
});
