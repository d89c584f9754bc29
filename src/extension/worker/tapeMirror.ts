import { Stepper, type Phase } from '../../core/engine/stepper';
import type { Graph } from '../../core/graph/graph';
import { Tensor } from '../../core/tensor';
import type { TapeUpdate } from './workerProtocol';

/**
 * The host's copy of a tape at the position the evaluation thread last
 * reported: the same reading interface as a `Stepper` (position, values,
 * gradients, edge gradients, contributions), filled from `TapeUpdate`s and
 * never computing anything itself. The panel, the status bar and the
 * commands read it synchronously; nothing here is slower than the number of
 * slots an update names.
 */
export class TapeMirror {
  private readonly plan: Stepper;
  private readonly values: (Tensor | null)[];
  private readonly grads: (Tensor | null)[];
  private readonly edgeGrads: (Tensor | null)[][];
  private readonly arrived: number[];
  private currentPosition = 0;

  constructor(readonly graph: Graph) {
    // An unstepped stepper of the graph: its plan and expected counts, no tensors beyond the leaves'.
    this.plan = new Stepper(graph);
    this.values = graph.nodes.map((n) => n.value ?? null);
    this.grads = graph.nodes.map(() => null);
    this.edgeGrads = graph.nodes.map((n) => n.inputs.map(() => null));
    this.arrived = graph.nodes.map(() => 0);
  }

  /** Takes what the thread sent. */
  apply(update: TapeUpdate): void {
    const tensors = update.tensors.map((t) => new Tensor(t.shape, t.data));
    const at = (i: number): Tensor | null => (i < 0 ? null : tensors[i]!);
    for (const [id, t] of update.values) this.values[id] = at(t);
    for (const [id, t] of update.grads) this.grads[id] = at(t);
    for (const [id, k, t] of update.edges) this.edgeGrads[id]![k] = at(t);
    for (const [id, n] of update.arrived) this.arrived[id] = n;
    this.currentPosition = update.position;
  }

  get forwardPlan(): readonly number[] {
    return this.plan.forwardPlan;
  }

  get backwardPlan(): readonly number[] {
    return this.plan.backwardPlan;
  }

  get forwardSteps(): number {
    return this.plan.forwardSteps;
  }

  get backwardSteps(): number {
    return this.plan.backwardSteps;
  }

  get total(): number {
    return this.plan.total;
  }

  get position(): number {
    return this.currentPosition;
  }

  get phase(): Phase {
    const p = this.currentPosition;
    if (p === 0) return 'start';
    return p <= this.forwardSteps ? 'forward' : 'backward';
  }

  get currentNode(): number | null {
    return this.plan.nodeAtStep(this.currentPosition);
  }

  nodeAtStep(position: number): number | null {
    return this.plan.nodeAtStep(position);
  }

  value(id: number): Tensor | null {
    return this.values[id] ?? null;
  }

  grad(id: number): Tensor | null {
    return this.grads[id] ?? null;
  }

  edgeGrad(consumer: number, inputIndex: number): Tensor | null {
    return this.edgeGrads[consumer]?.[inputIndex] ?? null;
  }

  contributions(id: number): { arrived: number; expected: number } {
    return { arrived: this.arrived[id] ?? 0, expected: this.plan.contributions(id).expected };
  }

  gradComplete(id: number): boolean {
    const { arrived, expected } = this.contributions(id);
    return arrived > 0 && arrived === expected;
  }

  /** As `Stepper.positionOfNode`, at the mirrored position. */
  positionOfNode(id: number): number | null {
    const f = this.forwardSteps;
    const forward = this.forwardPlan.indexOf(id);
    if (forward >= 0 && this.currentPosition <= f) return forward + 1;
    let last: number | null = null;
    this.backwardPlan.forEach((step, j) => {
      if (step === id || this.graph.nodes[step]!.inputs.includes(id)) last = f + j + 1;
    });
    return last ?? (forward >= 0 ? forward + 1 : null);
  }

  /** "forward 3/4", "backward 2/4", or "start 0/4". */
  describePosition(): string {
    const p = this.currentPosition;
    const f = this.forwardSteps;
    if (p === 0) return `start 0/${f}`;
    if (p <= f) return `forward ${p}/${f}`;
    return `backward ${p - f}/${this.backwardSteps}`;
  }
}
