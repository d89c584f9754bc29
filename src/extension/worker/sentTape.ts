import type { Stepper } from '../../core/engine/stepper';
import type { Graph } from '../../core/graph/graph';
import type { Tensor } from '../../core/tensor';
import { PACKED_MAX_ELEMENTS, type TapeUpdate } from './workerProtocol';

/**
 * What the host has been sent of a tape, slot by slot, so the next update
 * carries only the slots that changed. Tensors are immutable, so a slot
 * changed exactly when it holds another tensor object. Leaves start as sent:
 * the host has their values from its own check of the same text.
 */
export class SentTape {
  private readonly values: (Tensor | null)[];
  private readonly grads: (Tensor | null)[];
  private readonly edges: (Tensor | null)[][];
  private readonly arrived: number[];

  constructor(private readonly graph: Graph) {
    this.values = graph.nodes.map((n) => n.value ?? null);
    this.grads = graph.nodes.map(() => null);
    this.edges = graph.nodes.map((n) => n.inputs.map(() => null));
    this.arrived = graph.nodes.map(() => 0);
  }

  /**
   * The update that brings the host to the stepper's state, and the buffers
   * to transfer with it (copies: the stepper keeps its own tensors).
   */
  update(stepper: Stepper): { update: TapeUpdate; transfer: ArrayBuffer[] } {
    const tensors: Tensor[] = [];
    const index = new Map<Tensor, number>();
    const ref = (t: Tensor | null): number => {
      if (!t) return -1;
      let i = index.get(t);
      if (i === undefined) index.set(t, (i = tensors.push(t) - 1));
      return i;
    };
    const values: number[] = [];
    const grads: number[] = [];
    const edges: number[] = [];
    const arrived: number[] = [];
    for (const node of this.graph.nodes) {
      const id = node.id;
      const value = stepper.value(id);
      if (value !== this.values[id]) values.push(id, ref((this.values[id] = value)));
      const grad = stepper.grad(id);
      if (grad !== this.grads[id]) grads.push(id, ref((this.grads[id] = grad)));
      const count = stepper.contributions(id).arrived;
      if (count !== this.arrived[id]) arrived.push(id, (this.arrived[id] = count));
      const sent = this.edges[id]!;
      for (let k = 0; k < sent.length; k++) {
        const edge = stepper.edgeGrad(id, k);
        if (edge !== sent[k]) edges.push(id, k, ref((sent[k] = edge)));
      }
    }
    const { shapes, packed, large } = pack(tensors);
    const update: TapeUpdate = {
      position: stepper.position,
      shapes,
      packed,
      large,
      values: Int32Array.from(values),
      grads: Int32Array.from(grads),
      edges: Int32Array.from(edges),
      arrived: Int32Array.from(arrived),
    };
    const transfer = [shapes, packed, ...large, update.values, update.grads, update.edges, update.arrived].map((a) => a.buffer as ArrayBuffer);
    return { update, transfer };
  }
}

function pack(tensors: readonly Tensor[]): { shapes: Float64Array; packed: Float64Array; large: Float64Array[] } {
  let dims = 0;
  let small = 0;
  for (const t of tensors) {
    dims += 1 + t.shape.length;
    if (t.size <= PACKED_MAX_ELEMENTS) small += t.size;
  }
  const shapes = new Float64Array(dims);
  const packed = new Float64Array(small);
  const large: Float64Array[] = [];
  let d = 0;
  let offset = 0;
  for (const t of tensors) {
    shapes[d++] = t.shape.length;
    for (const n of t.shape) shapes[d++] = n;
    if (t.size <= PACKED_MAX_ELEMENTS) {
      packed.set(t.data, offset);
      offset += t.size;
    } else large.push(t.data.slice());
  }
  return { shapes, packed, large };
}
