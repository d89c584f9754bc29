import type { Graph } from '../graph/graph';
import type { Tensor } from '../tensor';
import { Training, type TrainingCheckpoint } from './training';
import type { TrainingPlan } from './trainingPlan';

/** Most checkpoints one training keeps (besides the loss history, which is 8 bytes a step). */
export const MAX_CHECKPOINTS = 100;
/** Most bytes the checkpoints of one training may hold. */
export const CHECKPOINT_BUDGET_BYTES = 32 * 1024 * 1024;

/**
 * Every how many steps a training of `steps` steps keeps a checkpoint of
 * `bytes`: as often as MAX_CHECKPOINTS and CHECKPOINT_BUDGET_BYTES allow,
 * so memory stays bounded whatever the step count and going to any
 * iteration recomputes fewer than that many steps.
 */
export function checkpointInterval(steps: number, bytes: number): number {
  const count = Math.max(1, Math.min(MAX_CHECKPOINTS, Math.floor(CHECKPOINT_BUDGET_BYTES / Math.max(bytes, 1))));
  return Math.max(1, Math.ceil(steps / count));
}

/**
 * A training that can show any iteration it has passed: it keeps a
 * checkpoint (parameters, optimizer state, sampler state) every `interval`
 * steps, and recomputes an iteration from the checkpoint before it with the
 * same steps, so the parameters it finds are the straight run's, bit for bit.
 * Iteration k is the graph as step k runs it: the parameters before its
 * update and its minibatch (iteration `step`, the one not yet run, is the
 * parameters as they are now).
 */
export class CheckpointedTraining {
  readonly training: Training;
  readonly interval: number;
  private readonly checkpoints: TrainingCheckpoint[] = [];
  private readonly bytesPerCheckpoint: number;
  /** The last replay, kept so that going forward a step at a time goes on from it. */
  private cursor: Training | null = null;

  /** `interval`: every how many steps to keep a checkpoint (default: `checkpointInterval`). */
  constructor(
    readonly graph: Graph,
    readonly plan: TrainingPlan,
    readonly steps: number,
    interval?: number,
  ) {
    this.training = new Training(graph, plan);
    this.bytesPerCheckpoint = this.training.checkpointBytes();
    this.interval = interval ?? checkpointInterval(steps, this.bytesPerCheckpoint);
  }

  /** How many steps have been taken. */
  get step(): number {
    return this.training.step;
  }

  get done(): boolean {
    return this.training.step >= this.steps;
  }

  /** Takes one step (keeping a checkpoint first when it is one's turn); returns its loss. */
  next(): number {
    if (this.training.step % this.interval === 0) this.checkpoints.push(this.training.checkpoint());
    return this.training.next();
  }

  /** Bytes kept to show past iterations: the checkpoints, the replay under way, the loss and accuracy history. */
  get memoryBytes(): number {
    return (this.checkpoints.length + (this.cursor ? 1 : 0)) * this.bytesPerCheckpoint + 8 * this.training.losses.length + 24 * this.training.epochs.length;
  }

  /**
   * Going to iteration k (0 ≤ k ≤ step): `advance()` recomputes one step at
   * a time (fewer than `interval`) until it returns true, then `leaves()`
   * gives the iteration's leaf values by node id.
   */
  replayTo(k: number): IterationReplay {
    if (!Number.isInteger(k) || k < 0 || k > this.step) throw new RangeError(`expected an iteration in 0..${this.step}, found ${k}`);
    if (k === this.step) return { advance: () => true, leaves: () => this.training.stepLeaves() };
    const checkpoint = this.checkpoints[Math.floor(k / this.interval)]!;
    const cursor = this.cursor;
    const replay = cursor && cursor.step <= k && cursor.step >= checkpoint.step ? cursor : new Training(this.graph, this.plan, checkpoint, { measureAccuracy: false });
    this.cursor = replay;
    return {
      advance: () => {
        if (replay.step < k) replay.next();
        return replay.step === k;
      },
      leaves: () => replay.stepLeaves(),
    };
  }

  /** The leaves of iteration k, recomputed at once (the command line and tests; the editor advances in slices). */
  leavesAt(k: number): Map<number, Tensor> {
    const replay = this.replayTo(k);
    while (!replay.advance());
    return replay.leaves();
  }
}

/** See `CheckpointedTraining.replayTo`. */
export interface IterationReplay {
  /** Recomputes one step; true once at the iteration. */
  advance(): boolean;
  /** The iteration's parameters and batch, by node id (after `advance` returned true). */
  leaves(): Map<number, Tensor>;
}
