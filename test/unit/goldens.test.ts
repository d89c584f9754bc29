import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Stepper } from '../../src/core/engine/stepper';
import { checkFile } from '../../src/node/checkFile';

/**
 * The textbook's figures, exact to the last bit. Expected numbers were computed
 * independently with numpy 2.4 (float64), never by GraphStep.
 */
function runExample(name: string): { value: (n: string) => number[]; grad: (n: string) => number[] } {
  const file = path.resolve(__dirname, '../../examples', name);
  const result = checkFile(file);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  const graph = result.graph!;
  const stepper = new Stepper(graph);
  stepper.runBackward();
  const id = (n: string): number => {
    const b = [...graph.bindings].reverse().find((x) => x.name === n);
    assert.ok(b, `no binding ${n}`);
    return b.nodeId;
  };
  return {
    value: (n) => Array.from(stepper.value(id(n))!.data),
    grad: (n) => Array.from(stepper.grad(id(n))!.data),
  };
}

function close(actual: number[], expected: number[], relative = 1e-14): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= relative * Math.max(1e-300, Math.abs(expected[i]!)), `[${i}] ${a} vs ${expected[i]}`));
}

describe('golden values of the textbook examples', () => {
  it('apple: 220.00000000000003 and the gradients of Fig. 5-16', () => {
    const r = runExample('apple.nn');
    assert.deepEqual(r.value('apple_sum'), [200]);
    assert.deepEqual(r.value('total'), [220.00000000000003]);
    assert.deepEqual(r.grad('apple_price'), [2.2]);
    assert.deepEqual(r.grad('apple_num'), [110.00000000000001]);
    assert.deepEqual(r.grad('tax'), [200]);
    assert.deepEqual(r.grad('apple_sum'), [1.1]);
  });

  it('apple and orange: 715.0000000000001 and the gradients of Fig. 5-17', () => {
    const r = runExample('apple_orange.nn');
    assert.deepEqual(r.value('total'), [715.0000000000001]);
    assert.deepEqual(r.grad('apple_num'), [110.00000000000001]);
    assert.deepEqual(r.grad('apple_price'), [2.2]);
    assert.deepEqual(r.grad('orange_num'), [165]);
    assert.deepEqual(r.grad('orange_price'), [3.3000000000000003]);
    assert.deepEqual(r.grad('tax'), [650]);
  });

  it('ReLU layer: the gradient passes only where x > 0', () => {
    const r = runExample('relu.nn');
    assert.deepEqual(r.value('y'), [1, 0, 0, 3]);
    assert.deepEqual(r.value('loss'), [10]);
    assert.deepEqual(r.grad('x'), [2, 0, 0, 6]);
  });

  it('Sigmoid layer: dout·y·(1−y), equal to the gradient through its elementary graph', () => {
    const r = runExample('sigmoid.nn');
    assert.deepEqual(r.value('y'), [0.6224593312018546]);
    assert.deepEqual(r.value('y_graph'), [0.6224593312018546]);
    assert.deepEqual(r.value('total'), [1.2449186624037092]);
    close(r.grad('x'), [0.470007424403189]);
  });

  it('Affine layer on a batch: dB is dY summed over the batch', () => {
    const r = runExample('affine_batch.nn');
    assert.deepEqual(r.value('Y'), [1, 2, 91, 122]);
    assert.deepEqual(r.grad('X'), [3, 7, 11, 3, 7, 11]);
    assert.deepEqual(r.grad('W'), [10, 10, 10, 10, 10, 10]);
    assert.deepEqual(r.grad('B'), [2, 2]);
  });

  it('SoftmaxWithLoss: (y − t) / batch', () => {
    const r = runExample('softmax_with_loss.nn');
    close(r.value('loss'), [0.4303355372542059]);
    close(r.grad('a'), [0.009105636647773765, 0.12259590646753696, -0.13170154311531068, -0.21295150351615272, 0.17410371394186744, 0.0388477895742853]);
  });

  it('two-layer net: numpy\'s seeded weights, loss and every gradient', () => {
    const r = runExample('two_layer_net.nn');
    assert.deepEqual(r.value('W1'), [0.01624345363663242, -0.006117564136500754, -0.005281717522634557, -0.010729686221561705, 0.008654076293246785, -0.02301538696880283, 0.0174481176421648, -0.007612069008951028]);
    close(r.value('loss'), [1.0986990903562392]);
    close(r.grad('W1'), [0.0037998702551395444, -0.000985895773664678, 0.00137382596908512, 0.0007769170604028947, 0.005699805382709317, 0.002957687320994034, 0.00206073895362768, -0.002330751181208684], 1e-12);
    close(r.grad('b1'), [0.006333117091899241, -0.00985895773664678, 0.0022897099484752003, 0.007769170604028947], 1e-12);
    close(r.grad('W2'), [0.0029230929815527574, 0.002922637279950631, -0.005845730261503388, -0.002097509474239305, 0.0010487122820185743, 0.0010487971922207304, 0.002089500647224919, 0.002089174900217008, -0.004178675547441927, -0.0004035294507205195, 0.00020175655763380668, 0.00020177289308671278], 1e-12);
    close(r.grad('b2'), [-0.16661283932838988, 0.33332810576865907, -0.16671526644026918], 1e-12);
    close(r.grad('x'), [9.077809270101752e-05, 9.475840703479163e-05, -2.3047956510024636e-05, 0.00016776826463781603], 1e-12);
  });
});
