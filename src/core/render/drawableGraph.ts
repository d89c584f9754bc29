import { formatNumber } from '../format';
import type { Graph, GraphNode, GroupKind, NodeKind } from '../graph/graph';
import { opByName } from '../ops/registry';
import type { ParamUpdate } from '../train/updateLabel';
import { drawnShape } from './labelText';

/** One node as the drawing needs it: plain JSON, sent to the webview as it is. */
export interface DrawableNode {
  readonly id: number;
  readonly name: string | null;
  readonly kind: NodeKind;
  readonly op: string;
  /** Drawn inside the node: the op's symbol (`×`, `ReLU`), a leaf's name, or an unnamed constant's value. */
  readonly label: string;
  readonly inputs: readonly number[];
  readonly shape: readonly number[];
  /** The innermost group the node belongs to (an index into `DrawableGraph.groups`); null or absent at the top level. */
  readonly group?: number | null;
  /** Set on a composite op (affine, softmax, …) that can be opened into its elementary ops: the key to open it by. */
  readonly expandKey?: string;
  /** Set on a param of a file that trains: how a training step updates it (drawn at the end of the backward pass). */
  readonly update?: ParamUpdate;
}

/** What made a group: an opened composite op, a call of a user function, or a block of source lines. */
export type DrawableGroupKind = GroupKind;

/** A set of nodes drawn together: a frame when expanded, one box when collapsed. */
export interface DrawableGroup {
  /** Its index in `DrawableGraph.groups`. */
  readonly id: number;
  /** Stable across edits that do not touch it; what the collapsed set holds. */
  readonly key: string;
  readonly kind: DrawableGroupKind;
  /** Drawn on the frame or the box: "Affine", "affine_relu", "layer 1". */
  readonly label: string;
  /** The enclosing group, or null at the top level. */
  readonly parent: number | null;
}

/** A graph reduced to what the layout and the drawing read. */
export interface DrawableGraph {
  readonly nodes: readonly DrawableNode[];
  readonly output: number | null;
  /** Name of the output, drawn at the end of its arrow. */
  readonly outputName: string | null;
  /** Groups, parents before children (absent: none). */
  readonly groups?: readonly DrawableGroup[];
}

export function drawableGraph(graph: Graph): DrawableGraph {
  const all = graph.nodes;
  const nodes = new Array<DrawableNode>(all.length);
  // a graph is immutable: its nodes' input and shape arrays are shared, not copied (a large file has 200,000 nodes)
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    const node: DrawableNode = { id: n.id, name: n.name, kind: n.kind, op: n.op, label: drawnLabel(n), inputs: n.inputs, shape: n.shape, group: n.group };
    nodes[i] = n.expandKey === undefined ? node : { ...node, expandKey: n.expandKey };
  }
  const training = graph.training;
  if (training) {
    const update: ParamUpdate = { optimizer: training.optimizer, hyper: training.hyper };
    for (const id of training.params) nodes[id] = { ...nodes[id]!, update };
  }
  const output = graph.output;
  const groups = graph.groups.map((g): DrawableGroup => ({ id: g.id, key: g.key, kind: g.kind, label: g.label, parent: g.parent }));
  return { nodes, output, outputName: output === null ? null : graph.nodes[output]!.name, groups };
}

/** What is drawn inside a node: the op's symbol, a leaf's name, or an unnamed constant's value. */
export function drawnLabel(n: GraphNode): string {
  return n.kind === 'op' ? opByName(n.op)?.symbol ?? n.op : n.name ?? literalLabel(n.value?.shape ?? n.shape, n.value?.data);
}

/** An unnamed constant (the `2` in `x * 2`) is drawn as its exact value (`1.0001`, not a rounding of it). */
function literalLabel(shape: readonly number[], data: Float64Array | undefined): string {
  if (data && data.length === 1) return formatNumber(data[0]!);
  return `const ${drawnShape(shape)}`;
}

/**
 * A key equal for two graphs exactly when they are drawn with the same
 * layout, so a rebuild that changed only numbers keeps the layout.
 */
export function layoutKey(graph: DrawableGraph): string {
  const parts: string[] = [String(graph.output), graph.outputName ?? ''];
  for (const g of graph.groups ?? []) parts.push(`g|${g.key}|${g.kind}|${g.label}|${g.parent ?? ''}`);
  for (const n of graph.nodes) parts.push(`${n.kind}|${n.label}|${n.inputs.join(',')}|${n.shape.join(',')}|${n.group ?? ''}|${n.expandKey ?? ''}`);
  return parts.join('\n');
}
