import type { Diagnostic } from '../language/range';
import { BYTES_PER_ELEMENT } from '../ops/limits';
import { sizeOf } from '../tensor';
import type { Graph } from './graph';
import * as l10n from '@vscode/l10n';

/** What the tensors of a graph's tape hold once every step has run, from the shapes alone. */
export interface TapeMemory {
  /** Bytes of every node's value. */
  readonly values: number;
  /** Bytes of the gradients: the seed, each edge's gradient and each partial sum the undo history keeps. */
  readonly gradients: number;
  readonly total: number;
  /** The bytes attributed to each node (its value, and the gradients flowing into it). */
  readonly perNode: readonly number[];
}

/**
 * Bytes all live tensors of the tape hold at the end of the backward pass:
 * a value per node, the seed, and per gradient contribution the edge
 * gradient plus, from the second contribution on, the new partial sum (the
 * undo history keeps the earlier one). Temporaries inside one op are not
 * counted. Worked out before anything is evaluated.
 */
export function tapeMemoryBytes(graph: Graph, sizes: ArrayLike<number> = nodeSizes(graph)): TapeMemory {
  const nodes = graph.nodes;
  const perNode = new Array<number>(nodes.length);
  let values = 0;
  for (let id = 0; id < nodes.length; id++) {
    const bytes = sizes[id]! * BYTES_PER_ELEMENT;
    perNode[id] = bytes;
    values += bytes;
  }
  let gradients = 0;
  if (graph.output !== null) {
    const reaches = new Uint8Array(nodes.length);
    const arrived = new Uint32Array(nodes.length);
    reaches[graph.output] = 1;
    const seed = perNode[graph.output]!;
    gradients += seed;
    arrived[graph.output] = 1;
    for (let id = graph.output; id >= 0; id--) {
      if (!reaches[id]) continue;
      const node = nodes[id]!;
      const inputs = node.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k]!;
        reaches[input] = 1;
        if (node.kind !== 'op' || nodes[input]!.kind === 'const') continue;
        const bytes = sizes[input]! * BYTES_PER_ELEMENT;
        const added = arrived[input]! > 0 ? 2 * bytes : bytes;
        arrived[input]!++;
        gradients += added;
        perNode[input]! += added;
      }
    }
    perNode[graph.output]! += seed;
  }
  return { values, gradients, total: values + gradients, perNode };
}

/** The number of elements of each node's value, worked out once for the passes that each read it again per edge (tapeMemoryBytes, tapeCost). */
export function nodeSizes(graph: Graph): Float64Array {
  const nodes = graph.nodes;
  const sizes = new Float64Array(nodes.length);
  for (let id = 0; id < nodes.length; id++) sizes[id] = sizeOf(nodes[id]!.shape);
  return sizes;
}

/** `512 MB`, `1.5 GB`: bytes as a message shows them (1 MB = 2^20 bytes, as the setting counts). */
export function formatBytes(bytes: number): string {
  const mb = bytes / 1048576;
  if (mb >= 1024) return `${(mb / 1024).toFixed(1)} GB`;
  if (mb >= 10) return `${Math.round(mb)} MB`;
  return `${mb.toFixed(1)} MB`;
}

/** The message of a tape over the memory budget. */
export function memoryMessage(budget: number, found: string): string {
  return l10n.t("memory: expected the tape's tensors to fit in {0} (graphstep.maxMemoryMB), found {1}", formatBytes(budget), found);
}

/**
 * An error when the whole tape (values and gradients) needs more than
 * `budget` bytes, at the node where the running total, in node order,
 * passes it; null when it fits.
 */
export function tapeMemoryProblem(graph: Graph, memory: TapeMemory, budget: number): Diagnostic | null {
  if (memory.total <= budget || graph.nodes.length === 0) return null;
  let running = 0;
  let at = graph.nodes.length - 1;
  for (let id = 0; id < graph.nodes.length; id++) {
    running += memory.perNode[id]!;
    if (running > budget) {
      at = id;
      break;
    }
  }
  return { severity: 'error', range: graph.nodes[at]!.range, message: memoryMessage(budget, l10n.t('{0} of values and gradients (the budget is passed here)', formatBytes(memory.total))) };
}
