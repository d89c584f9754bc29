import type { Stepper } from '../engine/stepper';
import { opByName } from '../ops/registry';
import { Tensor } from '../tensor';

/** One term of the chain rule for a node x: what one use of x (input `inputIndex` of `consumer`) sends back to it. */
export interface ChainTerm {
  readonly consumer: number;
  readonly inputIndex: number;
  /** The position whose backward step sends this term. */
  readonly step: number;
  /** ∂out/∂u, the consumer's gradient; null until it has arrived. */
  readonly upstream: Tensor | null;
  /** ∂u/∂x when u and x are both scalars and the term has arrived: the op's local derivative. */
  readonly local: number | null;
  /** ∂out/∂u · ∂u/∂x, as the backward step accumulated it; null until it has arrived. */
  readonly contribution: Tensor | null;
}

/**
 * ∂out/∂x = Σ over the nodes u that use x of ∂out/∂u · ∂u/∂x, at the
 * stepper's position: which terms have arrived and what they are.
 */
export interface ChainRule {
  readonly node: number;
  /** The output node, when x is it: its gradient starts from the seed (1, or ones) at this position. */
  readonly seedStep: number | null;
  /** The terms in the order the backward pass sends them. */
  readonly terms: readonly ChainTerm[];
  /** Contributions arrived so far (the seed counts as one), of how many the backward pass brings. */
  readonly arrived: number;
  readonly expected: number;
  /** The partial or complete sum: the node's gradient now. */
  readonly sum: Tensor | null;
}

/** The chain rule of node `id` at the stepper's current position. */
export function chainRuleOf(stepper: Stepper, id: number): ChainRule {
  const graph = stepper.graph;
  const f = stepper.forwardSteps;
  const terms: ChainTerm[] = [];
  stepper.backwardPlan.forEach((consumer, j) => {
    const node = graph.nodes[consumer]!;
    node.inputs.forEach((input, k) => {
      if (input !== id) return;
      const contribution = stepper.edgeGrad(consumer, k);
      terms.push({
        consumer,
        inputIndex: k,
        step: f + j + 1,
        upstream: contribution ? stepper.grad(consumer) : null,
        local: contribution ? scalarLocalDerivative(stepper, consumer, k) : null,
        contribution,
      });
    });
  });
  const { arrived, expected } = stepper.contributions(id);
  return { node: id, seedStep: graph.output === id ? f + 1 : null, terms, arrived, expected, sum: stepper.grad(id) };
}

/**
 * ∂u/∂x for scalar u and x: the op's own backward run with ∂out/∂u = 1, so
 * the number shown is the one the engine uses, not a re-derivation.
 */
function scalarLocalDerivative(stepper: Stepper, consumer: number, inputIndex: number): number | null {
  const node = stepper.graph.nodes[consumer]!;
  const input = stepper.graph.nodes[node.inputs[inputIndex]!]!;
  if (node.shape.length !== 0 || input.shape.length !== 0) return null;
  const op = opByName(node.op);
  const output = stepper.value(consumer);
  const inputs = node.inputs.map((i) => stepper.value(i));
  if (!op || !output || inputs.some((v) => v === null)) return null;
  const grads = op.backward({
    inputs: inputs as Tensor[],
    output,
    gradOutput: Tensor.scalar(1),
    attrs: node.attrs,
    needsGrad: node.inputs.map((_, k) => k === inputIndex),
  });
  const g = grads[inputIndex];
  return g && g.size === 1 ? g.data[0]! : null;
}
