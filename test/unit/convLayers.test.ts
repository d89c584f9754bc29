import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import type { OpAttrs } from '../../src/core/ops/opDef';
import { opByName } from '../../src/core/ops/registry';
import { Tensor } from '../../src/core/tensor';

/*
 * The layers against PyTorch float64 (test/fixtures/onnx/torch-layers.json,
 * written by scripts/onnx/layer_references.py): forward, and the backward of
 * sum(G · output) for PyTorch's own upstream G.
 */

interface TensorJson {
  readonly shape: number[];
  readonly data: number[];
}
interface LayerCase {
  readonly op: string;
  readonly attrs: Record<string, number | boolean | null | number[]>;
  readonly inputs: TensorJson[];
  readonly upstream: number[];
  readonly output: TensorJson;
  readonly grads: number[][];
  readonly trainingStep: number | null;
}

const fixture = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/onnx/torch-layers.json'), 'utf8')) as { cases: LayerCase[] };

function assertClose(actual: Float64Array, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(1, ...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= 1e-12 * scale, `${what}[${i}]: ${actual[i]} vs PyTorch ${expected[i]}`);
  }
}

describe('layers against PyTorch float64 (forward and backward)', () => {
  const counts = new Map<string, number>();
  for (const c of fixture.cases) {
    const k = (counts.get(c.op) ?? 0) + 1;
    counts.set(c.op, k);
    const step = c.trainingStep === null ? '' : ` in training step ${c.trainingStep}`;
    it(`${c.op} #${k} ${c.inputs.map((t) => `[${t.shape}]`).join(' ')} ${JSON.stringify(c.attrs)}${step}`, () => {
      const op = opByName(c.op)!;
      const attrs: Record<string, number | boolean | null | number[]> = {};
      for (const spec of op.attrs) attrs[spec.name] = (spec.default as number | boolean | null | number[] | undefined) ?? null;
      Object.assign(attrs, c.attrs);
      const inputs = c.inputs.map((t) => new Tensor(t.shape, Float64Array.from(t.data)));
      const shape = op.shape(inputs.map((t) => t.shape), attrs as OpAttrs);
      assert.ok(shape.ok, shape.ok ? '' : shape.message);
      assert.deepEqual(shape.shape, c.output.shape);
      const context = { trainingStep: c.trainingStep };
      const y = op.forward(inputs, attrs as OpAttrs, context);
      assert.deepEqual(y.shape, c.output.shape);
      assertClose(y.data, c.output.data, 'output');
      const grads = op.backward({ inputs, output: y, gradOutput: new Tensor(y.shape, Float64Array.from(c.upstream)), attrs: attrs as OpAttrs, needsGrad: inputs.map(() => true), context });
      c.grads.forEach((g, i) => assertClose(grads[i]!.data, g, `gradient of input ${op.inputs[i]}`));
    });
  }
});

describe('layers in a .nn file', () => {
  it("runs the textbook's SimpleConvNet shapes: conv → relu → max_pool → flatten → affine", () => {
    const r = checkSource(
      [
        'input x = randn(2, 1, 8, 8, seed=1)',
        'param W1 = randn(4, 1, 3, 3, seed=2) * 0.1',
        'param b1 = zeros(4)',
        'param W2 = randn(36, 3, seed=3) * 0.1',
        'param b2 = zeros(3)',
        'c = conv2d(x, W1, b1, stride=1, pad=0)',
        'p = max_pool(relu(c), 2, 2, stride=2)',
        'y = affine(flatten(p), W2, b2)',
      ].join('\n'),
    );
    assert.deepEqual(r.diagnostics, []);
    const shapes = Object.fromEntries(r.graph!.nodes.filter((n) => n.name).map((n) => [n.name, n.shape]));
    assert.deepEqual(shapes['c'], [2, 4, 6, 6]);
    assert.deepEqual(shapes['p'], [2, 4, 3, 3]);
    assert.deepEqual(shapes['y'], [2, 3]);
  });

  it('names both shapes when a filter does not fit, at the call', () => {
    const r = checkSource('input x = zeros(1, 3, 4, 4)\nparam W = zeros(2, 2, 3, 3)\nparam b = zeros(2)\ny = conv2d(x, W, b)');
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0]!.range.start.line, 3);
    assert.match(r.diagnostics[0]!.message, /^conv2d: expected W's channels \(axis 1\) to equal x's, 3, found W \[2,2,3,3\] for x \[1,3,4,4\]/);
  });

  it('takes a float attribute (eps, alpha) and refuses a non-number', () => {
    const ok = checkSource('input x = ones(2, 3)\nconst g = ones(3)\ny = batchnorm(x, g, g * 0, g * 0, g, eps=0.5)\nz = leaky_relu(y, alpha=0.2)');
    assert.deepEqual(ok.diagnostics, []);
    const bad = checkSource('input x = ones(2, 3)\ny = leaky_relu(x, alpha=None)');
    assert.match(bad.diagnostics[0]!.message, /^leaky_relu: expected a finite number for alpha, found/);
  });

  it('orders the axes as transpose(x, axes...) says, and refuses what is not a permutation', () => {
    const r = checkSource('input x = zeros(2, 3, 4)\ny = transpose(x, 2, 0, 1)');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.graph!.nodes.find((n) => n.name === 'y')!.shape, [4, 2, 3]);
    const bad = checkSource('input x = zeros(2, 3, 4)\ny = transpose(x, 0, 0, 1)');
    assert.match(bad.diagnostics[0]!.message, /^transpose: expected a permutation of the axes 0\.\.2, found \(0, 0, 1\)/);
  });

  it('refuses a window larger than the padded input, naming both sizes', () => {
    const r = checkSource('input x = zeros(1, 1, 3, 3)\ny = max_pool(x, 4, 4)');
    assert.match(r.diagnostics[0]!.message, /^max_pool: expected the 4×4 window to fit the input 3×3 padded by 0, found an output of 0×0/);
  });
});
