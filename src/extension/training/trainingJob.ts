import * as l10n from '@vscode/l10n';
import type { Graph } from '../../core/graph/graph';
import { CheckpointedTraining, type IterationReplay } from '../../core/train/checkpointedTraining';
import type { TrainingPlan } from '../../core/train/trainingPlan';
import { Tensor } from '../../core/tensor';
import type { LeafValue, TrainingProgress, TrainingState } from '../worker/workerProtocol';

/** How often a running training tells the host where it is. */
const REPORT_MS = 100;

/**
 * One training in the evaluation thread (GraphStep: Train): a step per unit
 * of work, so the thread reads its messages between steps; reports what is
 * new since its last report at most every REPORT_MS, and at once when it
 * pauses, stops, fails or ends. It keeps checkpoints (see
 * `CheckpointedTraining`), so it can show any iteration it has passed, also
 * after it ended.
 */
export class TrainingJob {
  readonly run: CheckpointedTraining;
  private currentState: TrainingState = 'running';
  private message: string | null = null;
  private reported = 0;
  private reportedEpochs = 0;
  private lastReport = 0;
  private dirty = true;

  constructor(
    readonly request: number,
    readonly graph: Graph,
    plan: TrainingPlan,
  ) {
    this.run = new CheckpointedTraining(graph, plan, plan.steps);
  }

  get state(): TrainingState {
    return this.currentState;
  }

  /** Whether it has a step to take now. */
  get running(): boolean {
    return this.currentState === 'running';
  }

  /** Takes one step; ends (done) after the last, fails on an op that cannot run. */
  step(): void {
    if (!this.running) return;
    try {
      this.run.next();
    } catch (e) {
      return this.end('failed', l10n.t('GraphStep could not run training step {0}: {1}', this.run.step, (e as Error).message));
    }
    if (this.run.done) this.end('done', null);
  }

  /** Pause, resume or stop; true when that changed its state. */
  control(action: 'pause' | 'resume' | 'stop'): boolean {
    const before = this.currentState;
    if (action === 'pause' && before === 'running') this.currentState = 'paused';
    else if (action === 'resume' && before === 'paused') this.currentState = 'running';
    else if (action === 'stop' && (before === 'running' || before === 'paused')) this.end('stopped', null);
    if (this.currentState === before) return false;
    this.dirty = true;
    return true;
  }

  /** Ends it (the file changed, say); it reports once more. */
  end(state: 'done' | 'stopped' | 'failed', message: string | null): void {
    this.currentState = state;
    this.message = message;
    this.dirty = true;
  }

  /** A report when one is due (or `force`d): what is new since the last, and where it stands; null when nothing is due. */
  report(force = false): TrainingProgress | null {
    const training = this.run.training;
    const now = performance.now();
    const due = this.dirty || (this.running && now - this.lastReport >= REPORT_MS);
    if (!force && !due) return null;
    const from = this.reported;
    const losses = Float64Array.from(training.losses.slice(from));
    const epochs = training.epochs.slice(this.reportedEpochs);
    this.reported = training.losses.length;
    this.reportedEpochs = training.epochs.length;
    this.lastReport = now;
    this.dirty = false;
    return {
      type: 'trainProgress',
      request: this.request,
      state: this.currentState,
      message: this.message,
      steps: this.run.steps,
      from,
      losses,
      epochs,
      checkpointEvery: this.run.interval,
      memoryBytes: this.run.memoryBytes,
    };
  }

  /** Going to iteration k (0 ≤ k ≤ the steps taken): recomputed from the checkpoint before it. */
  replayTo(k: number): IterationReplay {
    return this.run.replayTo(k);
  }
}

/**
 * The leaves of `target` that hold what `values` (by node id of `source`,
 * the graph trained) gives: the same node when both are one graph, else the
 * leaf of the same kind, name and shape, counted in order (the graph shown
 * may have composite ops opened, which moves node ids but not the leaves'
 * order). A string when one has no counterpart.
 */
export function leafValuesFor(source: Graph, target: Graph, values: ReadonlyMap<number, Tensor>): LeafValue[] | string {
  const out: LeafValue[] = [];
  const key = (id: number, graph: Graph): string => {
    const n = graph.nodes[id]!;
    return `${n.kind}\u0000${n.name ?? ''}\u0000${n.shape.join(',')}`;
  };
  const occurrences = (graph: Graph): Map<string, number[]> => {
    const map = new Map<string, number[]>();
    for (const n of graph.nodes) {
      if (n.kind === 'op') continue;
      const k = key(n.id, graph);
      let list = map.get(k);
      if (!list) map.set(k, (list = []));
      list.push(n.id);
    }
    return map;
  };
  const sourceLeaves = source === target ? null : occurrences(source);
  const targetLeaves = source === target ? null : occurrences(target);
  for (const [id, value] of values) {
    let node = id;
    if (sourceLeaves && targetLeaves) {
      const k = key(id, source);
      const found = targetLeaves.get(k)?.[sourceLeaves.get(k)!.indexOf(id)];
      if (found === undefined) return l10n.t("the graph shown has no leaf {0} to put the iteration's value in", source.nodes[id]!.name ?? `#${id}`);
      node = found;
    }
    out.push({ node, shape: value.shape.slice(), data: value.data.slice() });
  }
  return out;
}

/** `graph` with these leaves holding these values (a new graph; the old one is untouched). */
export function withLeafValues(graph: Graph, leaves: readonly LeafValue[]): Graph {
  const nodes = graph.nodes.slice();
  for (const leaf of leaves) nodes[leaf.node] = { ...nodes[leaf.node]!, value: new Tensor(leaf.shape, leaf.data) };
  return { ...graph, nodes };
}
