import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { NOT_TRAINING } from '../../src/core/ops/opDef';
import { TapePass } from '../../src/core/train/tapePass';
import { BatchSampler } from '../../src/core/train/batchSampler';
import { Training } from '../../src/core/train/training';
import { createFileAccess } from '../../src/node/fileAccess';
import { cli } from '../support/runCli';

/** Expected values from numpy: scripts/data/train-reference.py. */
const DIR = path.join(__dirname, '..', 'fixtures', 'train');
interface Case {
  readonly data: 'small' | 'big';
  readonly sizes: readonly number[];
  readonly scale: number;
  readonly optimizer: string;
  readonly hyper: Readonly<Record<string, number>>;
  readonly steps: number;
  readonly batch: { readonly size: number; readonly seed: number } | null;
  readonly expected: {
    readonly loss: readonly number[];
    readonly epochs: readonly { step: number; train_accuracy: number; test_accuracy: number }[];
    readonly params?: Readonly<Record<string, unknown>>;
  };
}
const reference = JSON.parse(fs.readFileSync(path.join(DIR, 'reference.json'), 'utf8')) as {
  cases: Case[];
  choice: { seed: number; rows: number; size: number; draws: number[][] }[];
};

/** The .nn source of a reference case: the same net, data, batches and optimizer. */
function sourceOf(c: Case): string {
  const scale = c.data === 'big' ? ' / 255' : '';
  const [x, t] = c.batch ? ['x', 't'] : ['X', 'T'];
  const hyper = Object.entries(c.hyper)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const lines = [
    `const X = load("${c.data}_x.npy")${scale}`,
    `const T = load("${c.data}_t.npy")`,
    `const Xt = load("${c.data}_xt.npy")${scale}`,
    `const Tt = load("${c.data}_tt.npy")`,
    c.batch ? `batch x, t = sample(X, T, size=${c.batch.size}, seed=${c.batch.seed})` : '',
  ];
  for (let i = 0; i + 1 < c.sizes.length; i++) {
    lines.push(`param W${i + 1} = randn(${c.sizes[i]}, ${c.sizes[i + 1]}, seed=${i + 1}) * ${c.scale}`, `param b${i + 1} = zeros(${c.sizes[i + 1]})`);
  }
  lines.push(`loss = softmax_with_loss(affine(relu(affine(${x}, W1, b1)), W2, b2), ${t})`, `train loss with ${c.optimizer}(${hyper}) for ${c.steps} steps`, `test ${x}, ${t} = Xt, Tt`);
  return lines.join('\n') + '\n';
}

function trained(c: Case): Training {
  const file = path.join(DIR, 'case.nn');
  const result = checkSource(sourceOf(c), { files: createFileAccess(file, DIR) });
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  const training = new Training(result.graph!, result.training!);
  for (let k = 0; k < c.steps; k++) training.next();
  return training;
}

function paramsOf(training: Training): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  training.plan.params.forEach((id, k) => {
    const t = training.parameters[k]!;
    const rows: number[][] = [];
    if (t.rank === 1) return void (out[training.graph.nodes[id]!.name!] = Array.from(t.data));
    for (let r = 0; r < t.shape[0]!; r++) rows.push(Array.from(t.data.subarray(r * t.shape[1]!, (r + 1) * t.shape[1]!)));
    out[training.graph.nodes[id]!.name!] = rows;
  });
  return out;
}

describe('training against numpy (scripts/data/train-reference.py)', () => {
  for (const c of reference.cases.filter((k) => k.data === 'small')) {
    it(`${c.optimizer}(${Object.values(c.hyper).join(', ')}), ${c.batch ? 'minibatches of 5' : 'the whole data'}: loss history, accuracies and final params bit for bit`, () => {
      const training = trained(c);
      assert.deepEqual(training.losses, c.expected.loss);
      assert.deepEqual(
        training.epochs.map((e) => ({ step: e.step, train_accuracy: e.trainAccuracy, test_accuracy: e.testAccuracy })),
        c.expected.epochs,
      );
      assert.deepEqual(paramsOf(training), c.expected.params);
    });
  }

  for (const c of reference.cases.filter((k) => k.data === 'big')) {
    it(`${c.optimizer} on a 784 → 50 → 10 net, 100 steps of 100 rows: every loss within 1e-9 relative, the same accuracies`, () => {
      const training = trained(c);
      assert.equal(training.losses.length, c.expected.loss.length);
      training.losses.forEach((loss, k) => {
        const want = c.expected.loss[k]!;
        assert.ok(Math.abs(loss - want) <= 1e-9 * Math.abs(want), `step ${k}: ${loss} vs numpy ${want}`);
      });
      assert.deepEqual(
        training.epochs.map((e) => ({ step: e.step, train_accuracy: e.trainAccuracy, test_accuracy: e.testAccuracy })),
        c.expected.epochs,
      );
    });
  }

  it('graphstep train --json prints the steps, the loss history, the epochs and the params as numpy has them', () => {
    const c = reference.cases.find((k) => k.data === 'small' && k.optimizer === 'sgd' && k.batch)!;
    const { code, out } = cli('train', path.join(DIR, 'small_sgd_sampled.nn'), '--json');
    assert.equal(code, 0);
    const json = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['steps', 'loss', 'epochs', 'params']);
    assert.equal(json.steps, 30);
    assert.deepEqual(json.loss, c.expected.loss);
    assert.deepEqual(json.epochs, c.expected.epochs);
    assert.deepEqual(json.params, c.expected.params);
  });

  it('graphstep train --steps N takes the first N steps of the same history', () => {
    const c = reference.cases.find((k) => k.data === 'small' && k.optimizer === 'sgd' && k.batch)!;
    const { code, out } = cli('train', path.join(DIR, 'small_sgd_sampled.nn'), '--json', '--steps', '7');
    assert.equal(code, 0);
    const json = JSON.parse(out) as { steps: number; loss: number[] };
    assert.equal(json.steps, 7);
    assert.deepEqual(json.loss, c.expected.loss.slice(0, 7));
  });
});

describe('the batch sampler draws the rows numpy draws', () => {
  for (const d of reference.choice) {
    it(`np.random.seed(${d.seed}) then np.random.choice(${d.rows}, ${d.size}) ${d.draws.length} times`, () => {
      const sampler = new BatchSampler(d.seed, d.rows, d.size);
      assert.deepEqual(
        d.draws.map(() => Array.from(sampler.next())),
        d.draws,
      );
    });
  }
});

describe('training statements: problems are ranged diagnostics naming expected and found', () => {
  const DATA = 'const X = [[1, 2], [3, 4], [5, 6]]\nconst T = [0, 1, 1]\n';
  const NET = 'param W = zeros(2, 2)\nparam b = zeros(2)\n';
  function problems(text: string): string[] {
    return checkSource(text)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.message}`);
  }

  it('parses batch, train and test, and trains from the plan', () => {
    const result = checkSource(`${DATA}batch x, t = sample(X, T, size=2, seed=0)\n${NET}loss = softmax_with_loss(affine(x, W, b), t)\ntrain loss with momentum(lr=0.5) for 3 steps\ntest x, t = X, T\n`);
    assert.deepEqual(result.diagnostics, []);
    const plan = result.training!;
    assert.equal(plan.optimizer.name, 'momentum');
    assert.deepEqual(plan.hyper, { lr: 0.5, momentum: 0.9 });
    assert.equal(plan.steps, 3);
    assert.deepEqual([plan.batch!.size, plan.batch!.seed], [2, 0]);
    // outside training the batch leaves hold the first draw: np.random.seed(0); np.random.choice(3, 2) is [0, 1]
    assert.deepEqual(Array.from(result.graph!.nodes[plan.batch!.leaves[1]!]!.value!.data), [0, 1]);
  });

  it('keeps batch, train and test usable as names elsewhere', () => {
    assert.deepEqual(problems('batch = 3\ntest = batch * 2\ntrain = test + 1\n'), []);
  });

  it('reports an unknown optimizer, a wrong keyword and a missing "steps" where they are', () => {
    assert.deepEqual(problems(`${DATA}${NET}loss = softmax_with_loss(affine(X, W, b), T)\ntrain loss with sgdd(lr=0.1) for 3 steps\n`), [
      "6:17-6:21 train: expected an optimizer (sgd, momentum, nesterov, adagrad, rmsprop, adam), found 'sgdd'",
    ]);
    assert.deepEqual(problems(`${DATA}${NET}loss = softmax_with_loss(affine(X, W, b), T)\ntrain loss with adam(rate=0.1) for 3 steps\n`), [
      "6:22-6:26 adam: expected one of the keywords lr, beta1, beta2, found 'rate'",
    ]);
    assert.deepEqual(problems(`${DATA}${NET}loss = softmax_with_loss(affine(X, W, b), T)\ntrain loss with sgd for 3\n`), ["6:26-6:26 expected 'steps' after 'for N', found the end of the line"]);
  });

  it('reports sources of different lengths and a test set of the wrong width', () => {
    assert.deepEqual(problems(`${DATA}batch x, t = sample(X, [0, 1], size=2)\n`), ['3:24-3:30 sample: expected 3 rows (axis 0) as the first tensor has, found 2 in tensor 2']);
    assert.match(
      problems(`${DATA}batch x, t = sample(X, T, size=2)\n${NET}loss = softmax_with_loss(affine(x, W, b), t)\ntrain loss with sgd for 3 steps\ntest x, t = [[1, 2, 3]], [0]\n`)[0]!,
      /^8:1-8:29 test: expected x's shape \[N,2\], found \[1,3\]$/,
    );
  });

  it('bounds a batch by the element limit and the memory budget before drawing a row', () => {
    // X has 2 columns: 6,000,000 rows of it are 12,000,000 elements, over the default limit of 10,000,000
    assert.deepEqual(problems(`${DATA}batch x, t = sample(X, T, size=6000000, seed=0)\n`), [
      '3:32-3:39 sample: expected at most 10000000 elements (graphstep.maxTensorElements), found shape [6000000,2] with 12000000',
    ]);
    // 100,000 rows of X and of T are 2.4 MB, over a 2 MiB budget
    const overBudget = checkSource(`${DATA}batch x, t = sample(X, T, size=100000, seed=0)\n`, { maxMemoryMB: 2 }).diagnostics.filter((d) => d.severity === 'error');
    assert.equal(overBudget.length, 1);
    assert.match(overBudget[0]!.message, /graphstep\.maxMemoryMB/);
    assert.equal(overBudget[0]!.range.start.line, 2);
    assert.equal(overBudget[0]!.range.start.character, 31);
    // within both, the batch is drawn
    assert.deepEqual(problems(`${DATA}batch x, t = sample(X, T, size=100000, seed=0)\n`), []);
  });

  it('reports a loss that is not a scalar', () => {
    assert.deepEqual(problems(`${DATA}${NET}y = affine(X, W, b)\ntrain y with sgd for 3 steps\n`), ['6:7-6:8 train: expected a scalar loss, found \'y\' of shape [3,2]']);
  });
});

describe('examples/train_digits.nn', () => {
  it('reaches at least 95% test accuracy on the held-out digits', () => {
    const file = path.join(__dirname, '..', '..', 'examples', 'train_digits.nn');
    const { code, out } = cli('train', file, '--json');
    assert.equal(code, 0);
    const json = JSON.parse(out) as { steps: number; loss: number[]; epochs: { step: number; test_accuracy: number }[] };
    assert.equal(json.steps, 2000);
    assert.equal(json.loss.length, 2000);
    // 1500 rows, batches of 100: an epoch is 15 steps
    assert.deepEqual(json.epochs.slice(0, 3).map((e) => e.step), [0, 15, 30]);
    assert.ok(json.epochs[json.epochs.length - 1]!.test_accuracy >= 0.95, JSON.stringify(json.epochs[json.epochs.length - 1]));
  });
});

describe('a training step computes what stepping the graph computes', () => {
  it('step 0 of examples/train_digits.nn: the loss and every param gradient of the Stepper, to the bit', () => {
    const file = path.join(__dirname, '..', '..', 'examples', 'train_digits.nn');
    const result = checkSource(fs.readFileSync(file, 'utf8'), { files: createFileAccess(file, path.dirname(file)) });
    const graph = result.graph!;
    const plan = result.training!;
    // outside training the batch leaves hold the first draw, so stepping the file is step 0
    const stepper = new Stepper(graph);
    stepper.runBackward();
    const pass = new TapePass(graph.nodes, [plan.loss]);
    const values = pass.values(new Map(), NOT_TRAINING);
    const grads = pass.gradients(plan.loss, values, NOT_TRAINING);
    assert.equal(values[plan.loss]!.data[0], stepper.value(plan.loss)!.data[0]);
    for (const id of plan.params) assert.deepEqual(Array.from(grads[id]!.data), Array.from(stepper.grad(id)!.data), graph.nodes[id]!.name!);
    const training = new Training(graph, plan);
    assert.equal(training.next(), stepper.value(plan.loss)!.data[0]);
  });
});
