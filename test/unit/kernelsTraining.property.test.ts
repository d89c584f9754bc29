import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { Training } from '../../src/core/train/training';
import { kernelPaths, setKernelOptions } from '../../src/core/tensorMath/gemmWasm';
import { helperChunks, useNodeKernels } from '../../src/node/engineKernels';

/*
 * Whole programs, not single products: random nets of affine / @ / .T layers
 * are stepped forward and backward and then trained a few steps, once with the
 * kernels the CLI and the extension host use (WebAssembly, relaxed SIMD,
 * helper threads, operands and results kept in the kernels' memory between
 * products) and once with the JavaScript kernels alone. Training writes new
 * parameters every step, so a stale operand kept from an earlier step would
 * show here as a different bit.
 */

const DIMS = [1, 2, 3, 5, 16, 31, 32, 33, 64, 65, 100, 130, 200];
const OPTIMIZERS = ['sgd(lr=0.1)', 'momentum(lr=0.05, momentum=0.9)', 'nesterov(lr=0.05, momentum=0.9)', 'adagrad(lr=0.1)', 'rmsprop(lr=0.01)', 'adam(lr=0.01)'];
const STEPS = 4;

interface Layer {
  readonly out: number;
  readonly form: 'affine' | 'matmul' | 'transposed';
  readonly activation: 'relu' | 'sigmoid' | 'tanh';
  readonly scale: '0.1' | '0.5';
}

interface Net {
  readonly rows: number;
  readonly width: number;
  readonly layers: readonly Layer[];
  readonly classes: number;
  readonly labels: readonly number[];
  readonly optimizer: string;
  readonly seed: number;
}

const layerArb: fc.Arbitrary<Layer> = fc.record({
  out: fc.constantFrom(...DIMS),
  form: fc.constantFrom('affine' as const, 'matmul' as const, 'transposed' as const),
  activation: fc.constantFrom('relu' as const, 'sigmoid' as const, 'tanh' as const),
  scale: fc.constantFrom('0.1' as const, '0.5' as const),
});

const netArb: fc.Arbitrary<Net> = fc
  .record({
    rows: fc.constantFrom(1, 4, 50, 100, 128),
    width: fc.constantFrom(...DIMS),
    layers: fc.array(layerArb, { minLength: 1, maxLength: 3 }),
    classes: fc.constantFrom(2, 3, 10),
    optimizer: fc.constantFrom(...OPTIMIZERS),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .chain((n) => fc.array(fc.integer({ min: 0, max: n.classes - 1 }), { minLength: n.rows, maxLength: n.rows }).map((labels) => ({ ...n, labels })));

/** The net as a .nn program: the last layer maps to the classes, with no activation. */
function program(net: Net): string {
  const lines = [`input x = randn(${net.rows}, ${net.width}, seed=${net.seed})`];
  let h = 'x';
  let width = net.width;
  net.layers.forEach((layer, l) => {
    const last = l === net.layers.length - 1;
    const out = last ? net.classes : layer.out;
    lines.push(`param W${l} = randn(${width}, ${out}, seed=${net.seed + l + 1}) * ${layer.scale}`);
    lines.push(`param b${l} = randn(${out}, seed=${net.seed + l + 100}) * 0.1`);
    const linear = layer.form === 'affine' ? `affine(${h}, W${l}, b${l})` : layer.form === 'matmul' ? `${h} @ W${l} + b${l}` : `(W${l}.T @ ${h}.T).T + b${l}`;
    lines.push(`h${l} = ${last ? linear : `${layer.activation}(${linear})`}`);
    h = `h${l}`;
    width = out;
  });
  lines.push(`const t = [${net.labels.join(', ')}]`);
  lines.push(`loss = softmax_with_loss(${h}, t)`);
  lines.push(`train loss with ${net.optimizer} for ${STEPS} steps`);
  return lines.join('\n');
}

/** Every value and gradient of one stepped pass, then the losses and final params of the training. */
function everything(text: string): Float64Array {
  const checked = checkSource(text, { evaluate: false });
  assert.ok(checked.graph && checked.training, checked.diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n'));
  const out: number[] = [];
  const stepper = new Stepper(checked.graph);
  stepper.runBackward();
  for (const node of checked.graph.nodes) {
    for (const t of [stepper.value(node.id), stepper.grad(node.id)]) if (t) for (let i = 0; i < t.data.length; i++) out.push(t.data[i]!);
  }
  const training = new Training(checked.graph, checked.training);
  for (let k = 0; k < STEPS; k++) training.next();
  out.push(...training.losses);
  for (const p of training.parameters) for (let i = 0; i < p.data.length; i++) out.push(p.data[i]!);
  return Float64Array.from(out);
}

function firstDifference(x: Float64Array, y: Float64Array): string | null {
  if (x.length !== y.length) return `lengths ${x.length} and ${y.length}`;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `number ${i}: ${x[i]} vs ${y[i]}`;
  return null;
}

describe('whole programs give the same bits with every kernel path', () => {
  afterEach(() => {
    setKernelOptions({ wasm: true, relaxedSimd: true });
    useNodeKernels();
  });

  it('random nets, stepped and then trained: the kernels of the CLI and the extension host against JavaScript alone', () => {
    const before = helperChunks();
    fc.assert(
      fc.property(netArb, (net) => {
        const text = program(net);
        setKernelOptions({ wasm: true, relaxedSimd: true });
        useNodeKernels({ threads: 2, minMacs: 20_000 });
        assert.equal(kernelPaths().plain, 'wasm-simd');
        const fast = everything(text);
        setKernelOptions({ wasm: false, parallel: null });
        assert.equal(kernelPaths().plain, 'javascript');
        const plain = everything(text);
        assert.equal(firstDifference(fast, plain), null, text);
      }),
      { numRuns: 60, seed: 11 },
    );
    assert.ok(helperChunks() > before, 'some products were split across threads');
  });
});
