import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { NOT_TRAINING } from '../../src/core/ops/opDef';
import { CHECKPOINT_BUDGET_BYTES, CheckpointedTraining, MAX_CHECKPOINTS, checkpointInterval } from '../../src/core/train/checkpointedTraining';
import { TapePass } from '../../src/core/train/tapePass';
import { Training } from '../../src/core/train/training';
import { createFileAccess } from '../../src/node/fileAccess';

/** Expected values from numpy: scripts/data/train-reference.py. */
const DIR = path.join(__dirname, '..', 'fixtures', 'train');
interface Case {
  readonly data: string;
  readonly sizes: readonly number[];
  readonly scale: number;
  readonly optimizer: string;
  readonly hyper: Readonly<Record<string, number>>;
  readonly steps: number;
  readonly batch: { readonly size: number; readonly seed: number } | null;
  readonly expected: { readonly loss: readonly number[] };
}
const reference = JSON.parse(fs.readFileSync(path.join(DIR, 'reference.json'), 'utf8')) as { cases: Case[] };
const smallCases = reference.cases.filter((c) => c.data === 'small');

/** The .nn source of a reference case (as test/unit/training.test.ts writes it). */
function sourceOf(c: Case): string {
  const [x, t] = c.batch ? ['x', 't'] : ['X', 'T'];
  const hyper = Object.entries(c.hyper)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const lines = [`const X = load("small_x.npy")`, `const T = load("small_t.npy")`, `const Xt = load("small_xt.npy")`, `const Tt = load("small_tt.npy")`];
  if (c.batch) lines.push(`batch x, t = sample(X, T, size=${c.batch.size}, seed=${c.batch.seed})`);
  for (let i = 0; i + 1 < c.sizes.length; i++) lines.push(`param W${i + 1} = randn(${c.sizes[i]}, ${c.sizes[i + 1]}, seed=${i + 1}) * ${c.scale}`, `param b${i + 1} = zeros(${c.sizes[i + 1]})`);
  lines.push(`loss = softmax_with_loss(affine(relu(affine(${x}, W1, b1)), W2, b2), ${t})`, `train loss with ${c.optimizer}(${hyper}) for ${c.steps} steps`, `test ${x}, ${t} = Xt, Tt`);
  return lines.join('\n') + '\n';
}

function load(c: Case): { graph: NonNullable<ReturnType<typeof checkSource>['graph']>; plan: NonNullable<ReturnType<typeof checkSource>['training']> } {
  const result = checkSource(sourceOf(c), { files: createFileAccess(path.join(DIR, 'case.nn'), DIR) });
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  return { graph: result.graph!, plan: result.training! };
}

function named(optimizer: string, sampled: boolean): Case {
  const c = smallCases.find((r) => r.optimizer === optimizer && Boolean(r.batch) === sampled);
  assert.ok(c, `a reference case for ${optimizer}`);
  return c;
}

describe('checkpointed training: any iteration recomputed from the checkpoint before it', () => {
  it('the reference has every optimizer, full-batch and sampled', () => {
    assert.deepEqual(new Set(smallCases.map((c) => c.optimizer)), new Set(['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']));
    assert.ok(smallCases.some((c) => c.batch) && smallCases.some((c) => !c.batch));
  });

  for (const c of smallCases) {
    it(`${c.optimizer}, ${c.batch ? 'minibatches' : 'the whole data'}: the loss of iteration k's graph (its parameters before the update, its batch) is numpy's loss[k], bit for bit, for every k`, () => {
      const { graph, plan } = load(c);
      const run = new CheckpointedTraining(graph, plan, plan.steps, 7);
      while (!run.done) run.next();
      const pass = new TapePass(graph.nodes, [plan.loss]);
      // backwards first (each from its checkpoint), then forwards one at a time (going on from the last replay)
      const order = [...Array(plan.steps).keys()].reverse().concat([...Array(plan.steps).keys()]);
      for (const k of order) {
        const loss = pass.values(run.leavesAt(k), NOT_TRAINING)[plan.loss]!.data[0];
        assert.equal(loss, c.expected.loss[k], `iteration ${k}`);
      }
    });
  }

  it('iteration k holds the parameters of a straight run of k steps, bit for bit; the last iteration holds the final ones', () => {
    const { graph, plan } = load(named('adam', true));
    const run = new CheckpointedTraining(graph, plan, plan.steps, 4);
    while (!run.done) run.next();
    for (const k of [0, 3, 4, 5, 13, plan.steps - 1, plan.steps]) {
      const straight = new Training(graph, plan);
      for (let i = 0; i < k; i++) straight.next();
      const leaves = run.leavesAt(k);
      plan.params.forEach((id, j) => assert.deepEqual(Array.from(leaves.get(id)!.data), Array.from(straight.parameters[j]!.data), `iteration ${k}, ${graph.nodes[id]!.name}`));
      const batch = straight.stepLeaves();
      for (const id of plan.batch!.leaves) assert.deepEqual(Array.from(leaves.get(id)!.data), Array.from(batch.get(id)!.data), `iteration ${k}, batch leaf ${graph.nodes[id]!.name}`);
    }
    assert.throws(() => run.leavesAt(plan.steps + 1), new RegExp(`expected an iteration in 0\\.\\.${plan.steps}`));
  });

  it('keeps at most MAX_CHECKPOINTS checkpoints within the byte budget, whatever the step count', () => {
    assert.equal(checkpointInterval(2000, 30_000), Math.ceil(2000 / MAX_CHECKPOINTS));
    assert.equal(checkpointInterval(50, 30_000), 1);
    const big = 4 * 1024 * 1024;
    const k = checkpointInterval(10_000, big);
    assert.ok(Math.ceil(10_000 / k) * big <= CHECKPOINT_BUDGET_BYTES + big, `interval ${k}`);
    const { graph, plan } = load(named('sgd', true));
    const run = new CheckpointedTraining(graph, plan, 1000);
    while (!run.done) run.next();
    const params = plan.params.reduce((n, id) => n + graph.nodes[id]!.value!.size, 0);
    assert.equal(run.interval, 10);
    // 100 checkpoints of the parameters and the sampler's 624 words, and 8 bytes of loss a step
    assert.equal(run.memoryBytes, 100 * (8 * params + 2496) + 8 * 1000 + 24 * run.training.epochs.length);
  });
});
