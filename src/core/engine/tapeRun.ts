import type { Graph, GraphNode } from '../graph/graph';
import { NOT_TRAINING, type EvaluationContext, type OpDef } from '../ops/opDef';
import { opByName } from '../ops/registry';
import { Tensor } from '../tensor';
import { addTensors } from './accumulate';
import { tapePlan } from './stepper';
import { TapeView } from './tapeView';

/**
 * A graph's tape run once from the start, one step at a time, to its end:
 * the same steps as a `Stepper` (the same plan, ops and accumulation, so the
 * same bits), without the undo history and the change record stepping back
 * needs. What a check and `graphstep render` run: a 100,000-statement tape
 * costs half as much. It reads like a stepper where it stands (`TapeView`).
 */
export class TapeRun extends TapeView {
  private steps = 0;

  constructor(
    graph: Graph,
    private readonly ops: (name: string) => OpDef | undefined = opByName,
    readonly context: EvaluationContext = NOT_TRAINING,
  ) {
    super(graph, tapePlan(graph), ...TapeView.startingSlots(graph));
  }

  get position(): number {
    return this.steps;
  }

  /** Runs the next step; false at the end. */
  next(): boolean {
    const p = this.steps;
    const f = this.forwardPlan.length;
    if (p >= this.total) return false;
    if (p < f) this.forwardStep(this.forwardPlan[p]!);
    else this.backwardStep(this.backwardPlan[p - f]!, p === f);
    this.steps++;
    return true;
  }

  /** Runs every step left. */
  runToEnd(): this {
    while (this.next());
    return this;
  }

  private op(node: GraphNode): OpDef {
    const op = this.ops(node.op);
    if (!op) throw new Error(`graph node ${node.id} has unknown op '${node.op}'`);
    return op;
  }

  private forwardStep(id: number): void {
    const node = this.graph.nodes[id]!;
    this.values[id] = this.op(node).forward(this.inputValues(node), node.attrs, this.context);
  }

  private backwardStep(id: number, seed: boolean): void {
    const nodes = this.graph.nodes;
    if (seed) {
      const output = this.graph.output!;
      this.grads[output] = Tensor.filled(nodes[output]!.shape, 1);
      this.arrived[output]!++;
    }
    const node = nodes[id]!;
    const gradOutput = this.grads[id];
    if (node.kind !== 'op' || !gradOutput) return;
    const needsGrad = gradMask(nodes, node.inputs);
    const inputGrads = this.op(node).backward({ inputs: this.inputValues(node), output: this.values[id]!, gradOutput, attrs: node.attrs, needsGrad, context: this.context });
    let edges = this.edgeGrads[id];
    for (let k = 0; k < node.inputs.length; k++) {
      const g = inputGrads[k];
      if (!needsGrad[k] || !g) continue;
      const input = node.inputs[k]!;
      const sum = this.grads[input] ?? null;
      edges ??= this.edgeGrads[id] = new Array<Tensor | null>(node.inputs.length).fill(null);
      edges[k] = g;
      this.grads[input] = sum ? addTensors(sum, g) : g;
      this.arrived[input]!++;
    }
  }
}

/** Shared masks of the few-input nodes, by input count and bits (as the stepper keeps them). */
const masks = new Map<number, readonly boolean[]>();

/** For each input, whether it takes a gradient: constants take none. */
function gradMask(nodes: readonly GraphNode[], inputs: readonly number[]): readonly boolean[] {
  if (inputs.length > 8) return inputs.map((i) => nodes[i]!.kind !== 'const');
  let bits = 0;
  for (let k = 0; k < inputs.length; k++) if (nodes[inputs[k]!]!.kind !== 'const') bits |= 1 << k;
  const key = (inputs.length << 8) | bits;
  let mask = masks.get(key);
  if (mask === undefined) {
    const made: boolean[] = [];
    for (let k = 0; k < inputs.length; k++) made.push((bits & (1 << k)) !== 0);
    masks.set(key, (mask = Object.freeze(made)));
  }
  return mask;
}
