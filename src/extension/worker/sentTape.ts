import type { Stepper } from '../../core/engine/stepper';
import type { Graph } from '../../core/graph/graph';
import type { Tensor } from '../../core/tensor';
import type { TapeUpdate, TensorData } from './workerProtocol';

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
    const tensors: TensorData[] = [];
    const transfer: ArrayBuffer[] = [];
    const index = new Map<Tensor, number>();
    const ref = (t: Tensor | null): number => {
      if (!t) return -1;
      let i = index.get(t);
      if (i === undefined) {
        const data = t.data.slice();
        transfer.push(data.buffer as ArrayBuffer);
        index.set(t, (i = tensors.push({ shape: t.shape, data }) - 1));
      }
      return i;
    };
    const values: [number, number][] = [];
    const grads: [number, number][] = [];
    const edges: [number, number, number][] = [];
    const arrived: [number, number][] = [];
    for (const node of this.graph.nodes) {
      const id = node.id;
      const value = stepper.value(id);
      if (value !== this.values[id]) values.push([id, ref((this.values[id] = value))]);
      const grad = stepper.grad(id);
      if (grad !== this.grads[id]) grads.push([id, ref((this.grads[id] = grad))]);
      const count = stepper.contributions(id).arrived;
      if (count !== this.arrived[id]) arrived.push([id, (this.arrived[id] = count)]);
      const sent = this.edges[id]!;
      for (let k = 0; k < sent.length; k++) {
        const edge = stepper.edgeGrad(id, k);
        if (edge !== sent[k]) edges.push([id, k, ref((sent[k] = edge))]);
      }
    }
    return { update: { position: stepper.position, tensors, values, grads, edges, arrived }, transfer };
  }
}
