import { ChangeLog, type Changed } from './changeLog';
import type { Graph, GraphNode } from '../graph/graph';
import { NOT_TRAINING, type EvaluationContext, type OpDef } from '../ops/opDef';
import { opByName } from '../ops/registry';
import { Tensor } from '../tensor';
import { addTensors } from './accumulate';
import { TapeView, type TapeSteps } from './tapeView';

export { positionText, type Phase } from './tapeView';

/** One slot a step changed and what it held before, so a step back restores it exactly. */
type Change =
  | { readonly slot: 'value' | 'grad'; readonly id: number; readonly previous: Tensor | null }
  | { readonly slot: 'arrived'; readonly id: number; readonly previous: number }
  /** One gradient contribution: the edge from `consumer`'s argument `k` to `id`, and `id`'s sum and count. */
  | {
      readonly slot: 'contribution';
      readonly consumer: number;
      readonly k: number;
      readonly id: number;
      readonly previousEdge: Tensor | null;
      readonly previousGrad: Tensor | null;
      readonly previousArrived: number;
    };

/**
 * The tape of a graph and a position on it. Positions run from 0
 * (only leaves have values) through F forward steps (one per op node, in
 * source order) and B backward steps (the nodes the output depends on, in
 * reverse). Each step records the slots it changed, so `previous()` is an
 * exact undo and the history holds only what changed. Tensors are never
 * mutated: an accumulated gradient is a new tensor.
 */
export class Stepper extends TapeView {
  private readonly ops: readonly (OpDef | null)[];
  private readonly needsGrad: readonly (readonly boolean[])[];
  /** The changes of every step taken, in order; step s's are records[starts[s]] onwards. */
  private readonly records: Change[] = [];
  private readonly starts: number[] = [];
  /** Makes the output's gradient of ones (shared by the Steppers of one graph: tensors never change). */
  private readonly seed: () => Tensor;
  /**
   * Which nodes each step forwards or backwards touched, in order: a node id,
   * or -(consumer + 1) for the arrow gradients of a consumer. The panel reads
   * it (changedSince) to send only what a move changed.
   */
  private readonly changes = new ChangeLog();

  /**
   * `ops` looks up each node's op (the registry's by default; a test may pass
   * others); `context` says which training step the tape is (none by default).
   */
  constructor(
    graph: Graph,
    ops: (name: string) => OpDef | undefined = opByName,
    readonly context: EvaluationContext = NOT_TRAINING,
  ) {
    const plan = planOf(graph, ops);
    // copies of the plan's starting arrays: cheaper than filling new ones, which a small tape notices;
    // a node's arrow gradients get their array at its first backward step (most Steppers never step back that far)
    super(graph, plan, plan.leafValues.slice(), plan.nulls.slice() as (Tensor | null)[], plan.noEdges.slice(), plan.zeros.slice());
    this.ops = plan.ops;
    this.needsGrad = plan.needsGrad;
    this.seed = plan.seed;
  }

  get position(): number {
    return this.starts.length;
  }

  next(): boolean {
    const p = this.starts.length;
    if (p >= this.total) return false;
    const start = this.records.length;
    this.starts.push(start);
    if (p < this.forwardPlan.length) this.forwardStep(this.forwardPlan[p]!, this.records);
    else this.backwardStep(this.backwardPlan[p - this.forwardPlan.length]!, p === this.forwardPlan.length, this.records);
    this.logTouched(start);
    return true;
  }

  previous(): boolean {
    const start = this.starts.pop();
    if (start === undefined) return false;
    const changes = this.records;
    for (let i = changes.length - 1; i >= start; i--) {
      const c = changes[i]!;
      if (c.slot === 'contribution') {
        this.edgeGrads[c.consumer]![c.k] = c.previousEdge;
        this.grads[c.id] = c.previousGrad;
        this.arrived[c.id] = c.previousArrived;
      } else if (c.slot === 'arrived') this.arrived[c.id] = c.previous;
      else if (c.slot === 'value') this.values[c.id] = c.previous;
      else this.grads[c.id] = c.previous;
    }
    this.logTouched(start);
    changes.length = start;
    return true;
  }

  /** A mark to pass to `changedSince` later: how many changes have been made so far. */
  get changeMark(): number {
    return this.changes.mark;
  }

  /**
   * The nodes whose value, gradient or contribution count changed since
   * `mark`, and the consumers whose arrow gradients changed, by any moves
   * forwards or backwards (a node changed and changed back is listed too).
   * Null when the record no longer reaches back to `mark` (then anything may
   * have changed). Cost: the number of changes since `mark`.
   */
  changedSince(mark: number): Changed | null {
    return this.changes.since(mark);
  }

  /** Records the nodes the changes from records[start] on touched. */
  private logTouched(start: number): void {
    const changes = this.records;
    for (let i = start; i < changes.length; i++) {
      const c = changes[i]!;
      this.changes.node(c.id);
      if (c.slot === 'contribution') this.changes.consumer(c.consumer);
    }
    this.changes.trim();
  }

  goTo(position: number): void {
    const target = Math.max(0, Math.min(this.total, Math.trunc(position)));
    while (this.starts.length < target) this.next();
    while (this.starts.length > target) this.previous();
  }

  reset(): void {
    this.goTo(0);
  }

  runForward(): void {
    this.goTo(this.forwardPlan.length);
  }

  runBackward(): void {
    this.goTo(this.total);
  }

  /** What the undo history holds: change records, and the bytes of the earlier tensors it keeps alive. */
  historyFootprint(): { readonly changes: number; readonly bytes: number } {
    let bytes = 0;
    for (const c of this.records) {
      if (c.slot === 'contribution') bytes += (c.previousEdge?.data.byteLength ?? 0) + (c.previousGrad?.data.byteLength ?? 0);
      else if (c.slot !== 'arrived' && c.previous) bytes += c.previous.data.byteLength;
    }
    return { changes: this.records.length, bytes };
  }

  private forwardStep(id: number, changes: Change[]): void {
    const node = this.graph.nodes[id]!;
    changes.push({ slot: 'value', id, previous: this.values[id] ?? null });
    this.values[id] = this.ops[id]!.forward(this.inputValues(node), node.attrs, this.context);
  }

  private backwardStep(id: number, seed: boolean, changes: Change[]): void {
    const nodes = this.graph.nodes;
    if (seed) {
      const output = this.graph.output!;
      changes.push({ slot: 'grad', id: output, previous: this.grads[output] ?? null }, { slot: 'arrived', id: output, previous: this.arrived[output]! });
      this.grads[output] = this.seed();
      this.arrived[output]!++;
    }
    const node = nodes[id]!;
    const op = this.ops[id];
    const gradOutput = this.grads[id];
    if (!op || !gradOutput) return;
    const needsGrad = this.needsGrad[id]!;
    const inputGrads = op.backward({ inputs: this.inputValues(node), output: this.values[id]!, gradOutput, attrs: node.attrs, needsGrad, context: this.context });
    let edges = this.edgeGrads[id]!;
    if (edges === NO_EDGES && node.inputs.length > 0) edges = this.edgeGrads[id] = nullArray(node.inputs.length);
    for (let k = 0; k < node.inputs.length; k++) {
      const g = inputGrads[k];
      if (!needsGrad[k] || !g) continue;
      const input = node.inputs[k]!;
      const sum = this.grads[input] ?? null;
      changes.push({ slot: 'contribution', consumer: id, k, id: input, previousEdge: edges[k] ?? null, previousGrad: sum, previousArrived: this.arrived[input]! });
      edges[k] = g;
      this.grads[input] = sum ? addTensors(sum, g) : g;
      this.arrived[input]!++;
    }
  }
}

/** What a graph's tape looks like, worked out once per graph (graphs are immutable). */
interface Plan {
  readonly ops: readonly (OpDef | null)[];
  readonly forward: readonly number[];
  readonly backward: readonly number[];
  /** How many gradient contributions each node receives over the whole backward pass. */
  readonly expected: readonly number[];
  /** For each node, whether each of its inputs takes a gradient. */
  readonly needsGrad: readonly (readonly boolean[])[];
  /** A Stepper's starting arrays, copied by each: the leaves' values, nulls, no arrow gradients, zero counts. */
  readonly leafValues: readonly (Tensor | null)[];
  readonly nulls: readonly null[];
  readonly noEdges: readonly (Tensor | null)[][];
  readonly zeros: readonly number[];
  /** The output's gradient of ones, made once. */
  readonly seed: () => Tensor;
}

const plans = new WeakMap<Graph, Plan>();

/**
 * A graph's tape without stepping it: the forward plan, the backward plan
 * and how many gradient contributions each node receives. Worked out once
 * per graph, as for a Stepper.
 */
export function tapePlan(graph: Graph): TapeSteps {
  return planOf(graph, opByName);
}

const NO_EDGES: (Tensor | null)[] = [];

/** [null, null, …]: for a node's few inputs, a loop is cheaper than Array.prototype.fill. */
function nullArray(length: number): (Tensor | null)[] {
  if (length === 2) return [null, null];
  const out: (Tensor | null)[] = [];
  for (let i = 0; i < length; i++) out.push(null);
  return out;
}

function planOf(graph: Graph, lookup: (name: string) => OpDef | undefined): Plan {
  let plan = lookup === opByName ? plans.get(graph) : undefined;
  if (plan) return plan;
  const nodes = graph.nodes;
  const backward = backwardPlanOf(graph);
  const expected = new Array<number>(nodes.length).fill(0);
  for (let b = 0; b < backward.length; b++) {
    const inputs = nodes[backward[b]!]!.inputs;
    for (let k = 0; k < inputs.length; k++) if (wantsGrad(nodes[inputs[k]!]!)) expected[inputs[k]!]!++;
  }
  if (graph.output !== null) expected[graph.output]!++;
  const ops = new Array<OpDef | null>(nodes.length);
  const forward: number[] = [];
  const needsGrad = new Array<readonly boolean[]>(nodes.length);
  for (let id = 0; id < nodes.length; id++) {
    const node = nodes[id]!;
    ops[id] = node.kind === 'op' ? requireOp(node, lookup) : null;
    if (node.kind === 'op') forward.push(id);
    needsGrad[id] = gradMask(nodes, node.inputs);
  }
  const leafValues = new Array<Tensor | null>(nodes.length);
  for (let i = 0; i < nodes.length; i++) leafValues[i] = nodes[i]!.value ?? null;
  let ones: Tensor | null = null;
  const output = graph.output;
  const seed = (): Tensor => (ones ??= Tensor.filled(nodes[output!]!.shape, 1));
  plan = {
    ops,
    forward,
    backward,
    expected,
    needsGrad,
    leafValues,
    nulls: new Array<null>(nodes.length).fill(null),
    noEdges: new Array<(Tensor | null)[]>(nodes.length).fill(NO_EDGES),
    zeros: new Array<number>(nodes.length).fill(0),
    seed,
  };
  if (lookup === opByName) plans.set(graph, plan);
  return plan;
}

/** Shared masks of the few-input nodes, by input count and bits: a graph of 100,000 nodes needs a handful, not 100,000 arrays. */
const masks = new Map<number, readonly boolean[]>();

/** For each input, whether it takes a gradient. */
function gradMask(nodes: readonly GraphNode[], inputs: readonly number[]): readonly boolean[] {
  if (inputs.length > 8) return inputs.map((i) => wantsGrad(nodes[i]!));
  let bits = 0;
  for (let k = 0; k < inputs.length; k++) if (wantsGrad(nodes[inputs[k]!]!)) bits |= 1 << k;
  const key = (inputs.length << 8) | bits;
  let mask = masks.get(key);
  if (mask === undefined) {
    const made: boolean[] = [];
    for (let k = 0; k < inputs.length; k++) made.push((bits & (1 << k)) !== 0);
    masks.set(key, (mask = Object.freeze(made)));
  }
  return mask;
}

function requireOp(node: GraphNode, lookup: (name: string) => OpDef | undefined): OpDef {
  const op = lookup(node.op);
  if (!op) throw new Error(`graph node ${node.id} has unknown op '${node.op}'`);
  return op;
}

/** Constants take no gradient; everything else does. */
function wantsGrad(node: GraphNode): boolean {
  return node.kind !== 'const';
}

/** The op nodes the output depends on, last first; the output alone when it is a leaf. */
function backwardPlanOf(graph: Graph): number[] {
  if (graph.output === null) return [];
  const reaches = new Uint8Array(graph.nodes.length);
  reaches[graph.output] = 1;
  const plan: number[] = [];
  for (let id = graph.output; id >= 0; id--) {
    if (!reaches[id]) continue;
    const node = graph.nodes[id]!;
    if (node.kind === 'op') plan.push(id);
    for (let k = 0; k < node.inputs.length; k++) reaches[node.inputs[k]!] = 1;
  }
  if (plan.length === 0) plan.push(graph.output);
  return plan;
}
