import type { Graph } from '../../core/graph/graph';
import { rangeContains, type Position } from '../../core/language/range';

/**
 * The nodes a cursor position means: the binding of a name under it, else the
 * innermost node whose source range holds it, else the statement's last node.
 */
export function nodesAt(graph: Graph, position: Position): number[] {
  for (const ref of graph.references) {
    if (rangeContains(ref.range, position)) {
      const binding = graph.bindings[ref.binding];
      // A def's function name and parameters are bound to no node.
      if (binding && binding.nodeId >= 0) return [binding.nodeId];
    }
  }
  let best: number | null = null;
  let bestSize = Infinity;
  for (const node of graph.nodes) {
    if (!rangeContains(node.range, position)) continue;
    const size = (node.range.end.line - node.range.start.line) * 10_000 + node.range.end.character - node.range.start.character;
    if (size < bestSize) {
      best = node.id;
      bestSize = size;
    }
  }
  if (best !== null) return [best];
  let last: number | null = null;
  for (const node of graph.nodes) if (position.line >= node.statementRange.start.line && position.line <= node.statementRange.end.line) last = node.id;
  return last === null ? [] : [last];
}
