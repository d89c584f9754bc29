import { ChangeLog, type Changed } from '../../core/engine/changeLog';
import { tapePlan } from '../../core/engine/stepper';
import { TapeView, type TapeSteps } from '../../core/engine/tapeView';
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
export class TapeMirror extends TapeView {
  private currentPosition = 0;
  /** Which nodes each update touched (as `Stepper`'s record). */
  private readonly changes = new ChangeLog();
  /** An update being taken a slice at a time (`applySome`): how far it has got. */
  private pending: { readonly update: TapeUpdate; readonly tensors: Tensor[]; d: number; offset: number; large: number; list: number; i: number } | null = null;

  /** `plan`: the graph's tape plan when already known (the evaluation thread sends it with its check). */
  constructor(graph: Graph, plan: TapePlan = tapePlan(graph)) {
    super(graph, plan, ...TapeView.startingSlots(graph));
  }

  get position(): number {
    return this.currentPosition;
  }

  /** Takes what the thread sent, all at once. */
  apply(update: TapeUpdate): void {
    this.applySome(update);
  }

  /**
   * Takes what the thread sent for at most about `budgetMs`: true once the
   * whole update is in (the position moves then); else call again with the
   * same update, so a large update never holds the host's thread long.
   */
  applySome(update: TapeUpdate, budgetMs = Infinity): boolean {
    const start = performance.now();
    let p = this.pending;
    if (!p || p.update !== update) p = this.pending = { update, tensors: [], d: 0, offset: 0, large: 0, list: 0, i: 0 };
    let work = 0;
    const outOfTime = (): boolean => (++work & 255) === 0 && performance.now() - start >= budgetMs;
    const { shapes, packed, large } = update;
    const tensors = p.tensors;
    while (p.d < shapes.length) {
      const rank = shapes[p.d++]!;
      const shape: number[] = [];
      let size = 1;
      for (let k = 0; k < rank; k++) size *= shape[k] = shapes[p.d++]!;
      if (size <= PACKED_MAX_ELEMENTS) {
        tensors.push(new Tensor(shape, packed.subarray(p.offset, p.offset + size)));
        p.offset += size;
      } else tensors.push(new Tensor(shape, large[p.large++]!));
      if (outOfTime()) return false;
    }
    const at = (i: number): Tensor | null => (i < 0 ? null : tensors[i]!);
    const lists = [update.values, update.grads, update.edges, update.arrived];
    const changes = this.changes;
    for (; p.list < 4; p.list++, p.i = 0) {
      const list = lists[p.list]!;
      const kind = p.list;
      const stride = kind === 2 ? 3 : 2;
      for (; p.i < list.length; p.i += stride) {
        const id = list[p.i]!;
        if (kind === 2) {
          changes.consumer(id);
          (this.edgeGrads[id] ??= [])[list[p.i + 1]!] = at(list[p.i + 2]!);
        } else {
          changes.node(id);
          if (kind === 0) this.values[id] = at(list[p.i + 1]!);
          else if (kind === 1) this.grads[id] = at(list[p.i + 1]!);
          else this.arrived[id] = list[p.i + 1]!;
        }
        if (outOfTime()) {
          p.i += stride;
          return false;
        }
      }
    }
    this.pending = null;
    this.currentPosition = update.position;
    changes.trim();
    return true;
  }

  /** A mark to pass to `changedSince` later (as `Stepper.changeMark`). */
  get changeMark(): number {
    return this.changes.mark;
  }

  /**
   * The nodes whose value, gradient or contribution count changed since
   * `mark`, and the consumers whose arrow gradients changed (as
   * `Stepper.changedSince`); null when the record no longer reaches back.
   */
  changedSince(mark: number): Changed | null {
    return this.changes.since(mark);
  }
}

/** The plan the evaluation thread sends with its check: the tape's steps. */
export type TapePlan = TapeSteps;
