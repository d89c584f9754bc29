import { tapePlan, type Phase } from '../../core/engine/stepper';
import type { Graph } from '../../core/graph/graph';
import { Tensor } from '../../core/tensor';
import { PACKED_MAX_ELEMENTS, type TapeUpdate } from './workerProtocol';

/**
 * The host's copy of a tape at the position the evaluation thread last
 * reported: the same reading interface as a `Stepper` (position, values,
 * gradients, edge gradients, contributions), filled from `TapeUpdate`s and
 * never computing anything itself. The panel, the status bar and the
 * commands read it synchronously; nothing here is slower than the number of
 * slots an update names.
 */
export class TapeMirror {
  readonly forwardPlan: readonly number[];
  readonly backwardPlan: readonly number[];
  private readonly expected: readonly number[];
  private readonly values: (Tensor | null)[];
  private readonly grads: (Tensor | null)[];
  /** By consumer; made when its first edge gradient arrives. */
  private readonly edgeGrads: ((Tensor | null)[] | undefined)[];
  private readonly arrived: Int32Array;
  private currentPosition = 0;
  /** Which nodes each update touched, in order: a node id, or -(consumer + 1) for a consumer's arrow gradients (as `Stepper`'s record). */
  private touched: number[] = [];
  private touchedDropped = 0;

  constructor(readonly graph: Graph) {
    const plan = tapePlan(graph);
    this.forwardPlan = plan.forward;
    this.backwardPlan = plan.backward;
    this.expected = plan.expected;
    const n = graph.nodes.length;
    this.values = new Array<Tensor | null>(n);
    for (let i = 0; i < n; i++) this.values[i] = graph.nodes[i]!.value ?? null;
    this.grads = new Array<Tensor | null>(n).fill(null);
    this.edgeGrads = new Array<(Tensor | null)[] | undefined>(n);
    this.arrived = new Int32Array(n);
  }

  /** Takes what the thread sent. */
  apply(update: TapeUpdate): void {
    const tensors = unpack(update);
    const at = (i: number): Tensor | null => (i < 0 ? null : tensors[i]!);
    const { values, grads, edges, arrived } = update;
    const touched = this.touched;
    for (let i = 0; i < values.length; i += 2) touched.push(values[i]!), (this.values[values[i]!] = at(values[i + 1]!));
    for (let i = 0; i < grads.length; i += 2) touched.push(grads[i]!), (this.grads[grads[i]!] = at(grads[i + 1]!));
    for (let i = 0; i < edges.length; i += 3) touched.push(-edges[i]! - 1), ((this.edgeGrads[edges[i]!] ??= [])[edges[i + 1]!] = at(edges[i + 2]!));
    for (let i = 0; i < arrived.length; i += 2) touched.push(arrived[i]!), (this.arrived[arrived[i]!] = arrived[i + 1]!);
    this.currentPosition = update.position;
    // Bounded: the oldest half goes once it is long (a mark that old then gets null).
    if (touched.length > TOUCHED_LIMIT) {
      const drop = touched.length >> 1;
      this.touchedDropped += drop;
      this.touched = touched.slice(drop);
    }
  }

  /** A mark to pass to `changedSince` later (as `Stepper.changeMark`). */
  get changeMark(): number {
    return this.touchedDropped + this.touched.length;
  }

  /**
   * The nodes whose value, gradient or contribution count changed since
   * `mark`, and the consumers whose arrow gradients changed (as
   * `Stepper.changedSince`); null when the record no longer reaches back.
   */
  changedSince(mark: number): { readonly nodes: readonly number[]; readonly consumers: readonly number[] } | null {
    if (mark < this.touchedDropped || mark > this.changeMark) return null;
    const nodes = new Set<number>();
    const consumers = new Set<number>();
    for (let i = mark - this.touchedDropped; i < this.touched.length; i++) {
      const t = this.touched[i]!;
      if (t >= 0) nodes.add(t);
      else consumers.add(-t - 1);
    }
    return { nodes: [...nodes], consumers: [...consumers] };
  }

  get forwardSteps(): number {
    return this.forwardPlan.length;
  }

  get backwardSteps(): number {
    return this.backwardPlan.length;
  }

  get total(): number {
    return this.forwardPlan.length + this.backwardPlan.length;
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
    return this.nodeAtStep(this.currentPosition);
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

  grad(id: number): Tensor | null {
    return this.grads[id] ?? null;
  }

  edgeGrad(consumer: number, inputIndex: number): Tensor | null {
    return this.edgeGrads[consumer]?.[inputIndex] ?? null;
  }

  contributions(id: number): { arrived: number; expected: number } {
    return { arrived: this.arrived[id] ?? 0, expected: this.expected[id] ?? 0 };
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

const TOUCHED_LIMIT = 1 << 20;

/** The update's tensors; packed ones are views into its one buffer (tensors are never mutated). */
function unpack(update: TapeUpdate): Tensor[] {
  const tensors: Tensor[] = [];
  const { shapes, packed, large } = update;
  let offset = 0;
  let next = 0;
  for (let d = 0; d < shapes.length; ) {
    const rank = shapes[d++]!;
    const shape: number[] = [];
    let size = 1;
    for (let k = 0; k < rank; k++) size *= shape[k] = shapes[d++]!;
    if (size <= PACKED_MAX_ELEMENTS) {
      tensors.push(new Tensor(shape, packed.subarray(offset, offset + size)));
      offset += size;
    } else tensors.push(new Tensor(shape, large[next++]!));
  }
  return tensors;
}
