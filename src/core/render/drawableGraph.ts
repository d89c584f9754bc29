import type { Graph, NodeKind } from '../graph/graph';
import { opByName } from '../ops/registry';
import { formatShort, shapeText } from './labelText';

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
}

/** A graph reduced to what the layout and the drawing read. */
export interface DrawableGraph {
  readonly nodes: readonly DrawableNode[];
  readonly output: number | null;
  /** Name of the output, drawn at the end of its arrow. */
  readonly outputName: string | null;
}

export function drawableGraph(graph: Graph): DrawableGraph {
  const nodes = graph.nodes.map((n): DrawableNode => ({
    id: n.id,
    name: n.name,
    kind: n.kind,
    op: n.op,
    label: n.kind === 'op' ? opByName(n.op)?.symbol ?? n.op : n.name ?? literalLabel(n.value?.shape ?? n.shape, n.value?.data),
    inputs: n.inputs.slice(),
    shape: n.shape.slice(),
  }));
  const output = graph.output;
  return { nodes, output, outputName: output === null ? null : graph.nodes[output]!.name };
}

/** An unnamed constant (the `2` in `x * 2`) is drawn as its value. */
function literalLabel(shape: readonly number[], data: Float64Array | undefined): string {
  if (data && data.length === 1) return formatShort(data[0]!);
  return `const ${shapeText(shape)}`;
}

/**
 * A key equal for two graphs exactly when they are drawn with the same
 * layout, so a rebuild that changed only numbers keeps the layout.
 */
export function layoutKey(graph: DrawableGraph): string {
  const parts: string[] = [String(graph.output), graph.outputName ?? ''];
  for (const n of graph.nodes) parts.push(`${n.kind}|${n.label}|${n.inputs.join(',')}|${n.shape.join(',')}`);
  return parts.join('\n');
}
