import type { Graph, GraphNode } from '../graph/graph';
import type { Tensor } from '../tensor';
import * as l10n from '@vscode/l10n';

export type Phase = 'start' | 'forward' | 'backward';

/** "start 0/2", "forward 1/2", "backward 2/2": a position on the tape, in the display language. */
export function positionText(position: number, forwardSteps: number, backwardSteps: number): string {
  if (position === 0) return l10n.t('start {0}/{1}', 0, forwardSteps);
  if (position <= forwardSteps) return l10n.t('forward {0}/{1}', position, forwardSteps);
  return l10n.t('backward {0}/{1}', position - forwardSteps, backwardSteps);
}

/** What a tape starts from: its steps and how many gradient contributions each node will get. */
export interface TapeSteps {
  readonly forward: readonly number[];
  readonly backward: readonly number[];
  readonly expected: readonly number[];
}

/**
 * A tape where it stands, as everything that shows one reads it: the plan,
 * the position, and each node's value, gradient, arrow gradients and
 * contributions. A `Stepper` moves both ways, a `TapeRun` runs once to the
 * end, and the extension host's `TapeMirror` copies the evaluation thread's
 * tape; each keeps these slots its own way and says where it is.
 */
export abstract class TapeView {
  readonly forwardPlan: readonly number[];
  readonly backwardPlan: readonly number[];
  protected readonly expected: readonly number[];

  protected constructor(
    readonly graph: Graph,
    steps: TapeSteps,
    protected readonly values: (Tensor | null)[],
    protected readonly grads: (Tensor | null)[],
    /** By consumer: the gradient that flowed into each of its inputs (unset, or an empty array, before any did). */
    protected readonly edgeGrads: ((Tensor | null)[] | undefined)[],
    protected readonly arrived: number[] | Int32Array,
  ) {
    this.forwardPlan = steps.forward;
    this.backwardPlan = steps.backward;
    this.expected = steps.expected;
  }

  /** The slots of a tape at position 0: the leaves' values, no gradients, no arrow gradients, no contributions. */
  protected static startingSlots(graph: Graph): [(Tensor | null)[], (Tensor | null)[], ((Tensor | null)[] | undefined)[], Int32Array] {
    const n = graph.nodes.length;
    const values = new Array<Tensor | null>(n);
    for (let i = 0; i < n; i++) values[i] = graph.nodes[i]!.value ?? null;
    return [values, new Array<Tensor | null>(n).fill(null), new Array<(Tensor | null)[] | undefined>(n), new Int32Array(n)];
  }

  /** How many steps have been taken: 0 to `total`. */
  abstract get position(): number;

  /** F: the number of forward steps. */
  get forwardSteps(): number {
    return this.forwardPlan.length;
  }

  /** B: the number of backward steps. */
  get backwardSteps(): number {
    return this.backwardPlan.length;
  }

  get total(): number {
    return this.forwardPlan.length + this.backwardPlan.length;
  }

  get phase(): Phase {
    const p = this.position;
    if (p === 0) return 'start';
    return p <= this.forwardPlan.length ? 'forward' : 'backward';
  }

  /** The node run by the step that reached this position; null at 0. */
  get currentNode(): number | null {
    return this.nodeAtStep(this.position);
  }

  /** The node run by step `position` (1-based), or null. */
  nodeAtStep(position: number): number | null {
    const f = this.forwardPlan.length;
    if (position <= 0 || position > this.total) return null;
    return position <= f ? this.forwardPlan[position - 1]! : this.backwardPlan[position - f - 1]!;
  }

  value(id: number): Tensor | null {
    return this.values[id] ?? null;
  }

  /** The gradient accumulated into a node so far; null for constants and before anything arrived. */
  grad(id: number): Tensor | null {
    return this.grads[id] ?? null;
  }

  /** The gradient that flowed from `consumer` into its input number `inputIndex`. */
  edgeGrad(consumer: number, inputIndex: number): Tensor | null {
    return this.edgeGrads[consumer]?.[inputIndex] ?? null;
  }

  /** How many of a node's gradient contributions have arrived, of how many the backward pass will bring. */
  contributions(id: number): { arrived: number; expected: number } {
    return { arrived: this.arrived[id] ?? 0, expected: this.expected[id] ?? 0 };
  }

  /** Whether a node's gradient is complete at this position. */
  gradComplete(id: number): boolean {
    const arrived = this.arrived[id] ?? 0;
    return arrived > 0 && arrived === this.expected[id];
  }

  /**
   * Where "run to this node" goes: right after its forward step, or, once the
   * position is past the forward pass, right after the step that completes
   * its gradient. Null when no step involves the node.
   */
  positionOfNode(id: number): number | null {
    const f = this.forwardPlan.length;
    const forward = this.forwardPlan.indexOf(id);
    if (forward >= 0 && this.position <= f) return forward + 1;
    let last: number | null = null;
    this.backwardPlan.forEach((step, j) => {
      if (step === id || this.graph.nodes[step]!.inputs.includes(id)) last = f + j + 1;
    });
    return last ?? (forward >= 0 ? forward + 1 : null);
  }

  /** The values of a node's inputs, in its argument order (each computed by the time the node runs). */
  protected inputValues(node: GraphNode): Tensor[] {
    const ids = node.inputs;
    // most ops take one or two inputs: a literal makes a packed array at once
    if (ids.length === 2) return [this.values[ids[0]!]!, this.values[ids[1]!]!];
    if (ids.length === 1) return [this.values[ids[0]!]!];
    const out = new Array<Tensor>(ids.length);
    for (let k = 0; k < ids.length; k++) out[k] = this.values[ids[k]!]!;
    return out;
  }

  /** "forward 3/4", "backward 2/4", or "start 0/4", in the display language. */
  describePosition(): string {
    return positionText(this.position, this.forwardPlan.length, this.backwardPlan.length);
  }
}
