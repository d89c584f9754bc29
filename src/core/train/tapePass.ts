import type { GraphNode } from '../graph/graph';
import { addTensors } from '../engine/accumulate';
import type { EvaluationContext, OpDef } from '../ops/opDef';
import { opByName } from '../ops/registry';
import { Tensor } from '../tensor';
import { ancestors } from './trainingPlan';

/**
 * One forward and backward pass over the part of a graph that a target
 * depends on, with some leaves' values replaced (a step's batch and
 * parameters). It computes what the Stepper computes at the same nodes, in
 * the same order (forward in source order; backward from the target down,
 * each consumer adding into its inputs in argument order), without keeping
 * an undo history: a training step is a Stepper run to the end, fast.
 */
export class TapePass {
  private readonly forward: readonly number[];
  private readonly ops: readonly (OpDef | null)[];

  constructor(
    private readonly nodes: readonly GraphNode[],
    targets: readonly number[],
  ) {
    const needed = ancestors(nodes, targets);
    this.forward = nodes.filter((n) => n.kind === 'op' && needed[n.id]).map((n) => n.id);
    this.ops = nodes.map((n) => (n.kind === 'op' && needed[n.id] ? opByName(n.op)! : null));
  }

  /** Every value the targets need: leaves from `leaves` where given, else their own; op nodes computed. */
  values(leaves: ReadonlyMap<number, Tensor>, context: EvaluationContext): (Tensor | null)[] {
    const values = new Array<Tensor | null>(this.nodes.length);
    for (let i = 0; i < this.nodes.length; i++) values[i] = leaves.get(i) ?? this.nodes[i]!.value ?? null;
    for (const id of this.forward) {
      const node = this.nodes[id]!;
      const inputs = node.inputs.map((i) => values[i]!);
      values[id] = this.ops[id]!.forward(inputs, node.attrs, context);
    }
    return values;
  }

  /** The gradients of every node with respect to `output` (seeded with ones), given the forward values. */
  gradients(output: number, values: readonly (Tensor | null)[], context: EvaluationContext): (Tensor | null)[] {
    const nodes = this.nodes;
    const grads = new Array<Tensor | null>(nodes.length).fill(null);
    grads[output] = Tensor.filled(values[output]!.shape, 1);
    for (let k = this.forward.length - 1; k >= 0; k--) {
      const id = this.forward[k]!;
      const gradOutput = grads[id];
      if (!gradOutput) continue;
      const node = nodes[id]!;
      const needsGrad = node.inputs.map((i) => nodes[i]!.kind !== 'const');
      const inputs = node.inputs.map((i) => values[i]!);
      const inputGrads = this.ops[id]!.backward({ inputs, output: values[id]!, gradOutput, attrs: node.attrs, needsGrad, context });
      for (let j = 0; j < node.inputs.length; j++) {
        const g = inputGrads[j];
        if (!needsGrad[j] || !g) continue;
        const input = node.inputs[j]!;
        const sum = grads[input];
        grads[input] = sum ? addTensors(sum, g) : g;
      }
    }
    return grads;
  }
}
