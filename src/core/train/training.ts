import type { Graph } from '../graph/graph';
import { NOT_TRAINING } from '../ops/opDef';
import { Tensor } from '../tensor';
import { BatchSampler, takeRows } from './batchSampler';
import type { OptimizerState } from './optimizers';
import { TapePass } from './tapePass';
import type { TrainingPlan } from './trainingPlan';

/** Accuracy measured after one step's update. */
export interface EpochRecord {
  /** The step (counted from 0, as the loss history) after whose update it was measured. */
  readonly step: number;
  readonly trainAccuracy: number;
  /** Null when the file has no `test` statement. */
  readonly testAccuracy: number | null;
}

/**
 * What training needs to go on from one step: the parameters before that
 * step's update, the optimizer's state and the sampler's. Every array in it
 * is shared, never written (updates make new ones), so a checkpoint costs
 * only the arrays it keeps alive.
 */
export interface TrainingCheckpoint {
  readonly step: number;
  readonly params: readonly Tensor[];
  readonly optimizer: OptimizerState;
  readonly sampler: BatchSampler | null;
  readonly nextEpoch: number;
  readonly epochCount: number;
}

/** What training keeps of the run: all but replays measure accuracy. */
export interface TrainingOptions {
  /** Whether accuracy is measured once per epoch (default true); a replay from a checkpoint skips it. */
  readonly measureAccuracy?: boolean;
}

/**
 * Training a graph by its plan, one step at a time. Step k draws its batch
 * (the k-th draw of the sampler), runs the forward and backward pass from the
 * loss with the parameters as they are, records the loss, then lets the
 * optimizer update every `param`. Accuracy is measured once per epoch, after
 * the update: an epoch is max(N / n, 1) steps (N rows of data, n per batch),
 * as the textbook's train_neuralnet.py, at steps 0, ⌈E⌉, ⌈2E⌉, … (the
 * textbook's `i % iter_per_epoch == 0` when E is whole).
 */
export class Training {
  readonly losses: number[] = [];
  readonly epochs: EpochRecord[] = [];
  private readonly pass: TapePass;
  private readonly accuracyPass: TapePass | null;
  private readonly sampler: BatchSampler | null;
  private readonly optimizer: OptimizerState;
  private params: Tensor[];
  private readonly epochLength: number;
  private nextEpoch = 0;
  private epochCount = 0;
  /** Steps taken before the first of `losses` (a training resumed from a checkpoint). */
  private readonly firstStep: number;
  private readonly measureAccuracy: boolean;

  /** Training from the start, or from `from` (a checkpoint of a training of the same graph and plan). */
  constructor(
    readonly graph: Graph,
    readonly plan: TrainingPlan,
    from: TrainingCheckpoint | null = null,
    options: TrainingOptions = {},
  ) {
    const nodes = graph.nodes;
    this.pass = new TapePass(nodes, [plan.loss]);
    this.measureAccuracy = options.measureAccuracy ?? true;
    this.accuracyPass = plan.accuracy && this.measureAccuracy ? new TapePass(nodes, nodes[plan.loss]!.inputs) : null;
    this.epochLength = plan.batch ? Math.max(plan.batch.sources[0]!.shape[0]! / plan.batch.size, 1) : 1;
    if (from) {
      this.firstStep = from.step;
      this.params = from.params.slice();
      this.optimizer = from.optimizer.copy();
      this.sampler = from.sampler && from.sampler.copy();
      this.nextEpoch = from.nextEpoch;
      this.epochCount = from.epochCount;
      return;
    }
    this.firstStep = 0;
    this.sampler = plan.batch ? new BatchSampler(plan.batch.seed, plan.batch.sources[0]!.shape[0]!, plan.batch.size) : null;
    this.params = plan.params.map((id) => nodes[id]!.value!);
    this.optimizer = plan.optimizer.create(
      plan.hyper,
      this.params.map((p) => p.shape),
    );
  }

  /** How many steps have been taken. */
  get step(): number {
    return this.firstStep + this.losses.length;
  }

  /** Where training stands now, to go on from later (see `TrainingCheckpoint`). */
  checkpoint(): TrainingCheckpoint {
    return { step: this.step, params: this.params.slice(), optimizer: this.optimizer.copy(), sampler: this.sampler && this.sampler.copy(), nextEpoch: this.nextEpoch, epochCount: this.epochCount };
  }

  /** Bytes a checkpoint keeps alive: the parameters, the optimizer's state and the sampler's. */
  checkpointBytes(): number {
    let bytes = this.optimizer.stateBytes + (this.sampler ? BatchSampler.STATE_BYTES : 0);
    for (const p of this.params) bytes += p.data.byteLength;
    return bytes;
  }

  /**
   * The leaf values step `this.step` runs with, before its update: each
   * `param` as it is now and the batch leaves holding that step's rows
   * (drawn without moving the sampler). Keys are node ids of the graph.
   */
  stepLeaves(): Map<number, Tensor> {
    return this.leavesNow(this.sampler ? this.sampler.copy().next() : null);
  }

  /** The parameters now, in the plan's order. */
  get parameters(): readonly Tensor[] {
    return this.params;
  }

  /** The leaf values of step `this.step` before its update: its batch and the parameters as they are. */
  private leavesNow(batch: Int32Array | null): Map<number, Tensor> {
    const leaves = new Map<number, Tensor>();
    this.plan.params.forEach((id, k) => leaves.set(id, this.params[k]!));
    if (batch && this.plan.batch) this.plan.batch.leaves.forEach((id, k) => leaves.set(id, takeRows(this.plan.batch!.sources[k]!, batch)));
    return leaves;
  }

  /** Takes one step; returns its loss (before the update). */
  next(): number {
    const k = this.step;
    const context = { trainingStep: k };
    const leaves = this.leavesNow(this.sampler ? this.sampler.next() : null);
    const values = this.pass.values(leaves, context);
    const grads = this.pass.gradients(this.plan.loss, values, context);
    const loss = values[this.plan.loss]!.data[0]!;
    this.losses.push(loss);
    const paramGrads = this.plan.params.map((id, j) => grads[id] ?? Tensor.filled(this.params[j]!.shape, 0));
    this.params = this.optimizer.update(this.params, paramGrads);
    if (k === this.nextEpoch) {
      if (this.accuracyPass && this.measureAccuracy) this.epochs.push({ step: k, trainAccuracy: this.trainAccuracy(), testAccuracy: this.testAccuracy() });
      this.epochCount++;
      this.nextEpoch = Math.ceil(this.epochCount * this.epochLength);
    }
    return loss;
  }

  /** The share of the whole training data the network now classifies right. */
  trainAccuracy(): number {
    const leaves = this.leavesNow(null);
    if (this.plan.batch) this.plan.batch.leaves.forEach((id, k) => leaves.set(id, this.plan.batch!.sources[k]!));
    return this.accuracy(leaves);
  }

  /** The same on the test set; null without a `test` statement. */
  testAccuracy(): number | null {
    const test = this.plan.test;
    if (!test) return null;
    const leaves = this.leavesNow(null);
    test.leaves.forEach((id, k) => leaves.set(id, test.values[k]!));
    return this.accuracy(leaves);
  }

  private accuracy(leaves: Map<number, Tensor>): number {
    const [scoresId, labelsId] = this.graph.nodes[this.plan.loss]!.inputs as [number, number];
    const values = this.accuracyPass!.values(leaves, NOT_TRAINING);
    return accuracyOf(values[scoresId]!, values[labelsId]!);
  }
}

/**
 * The share of rows whose largest score (the first, on a tie, as np.argmax)
 * is at the label: a class index, or the largest entry of a one-hot row.
 */
export function accuracyOf(scores: Tensor, labels: Tensor): number {
  const classes = scores.shape[scores.rank - 1] ?? 1;
  const rows = scores.size / classes;
  const oneHot = labels.size === scores.size && labels.rank === scores.rank;
  let right = 0;
  for (let r = 0; r < rows; r++) {
    const predicted = argmax(scores.data, r * classes, classes);
    const label = oneHot ? argmax(labels.data, r * classes, classes) : labels.data[r]!;
    if (predicted === label) right++;
  }
  return right / rows;
}

function argmax(data: Float64Array, start: number, n: number): number {
  let best = 0;
  let max = data[start]!;
  if (Number.isNaN(max)) return 0;
  for (let j = 1; j < n; j++) {
    const v = data[start + j]!;
    // numpy's argmax stops at the first NaN
    if (Number.isNaN(v)) return j;
    if (v > max) {
      max = v;
      best = j;
    }
  }
  return best;
}
