import type { Graph } from '../graph/graph';
import { opByName } from '../ops/registry';
import * as l10n from '@vscode/l10n';

/** How a node is named to a user: its variable, or its operator and line when it has none (`+ on line 3`). */
export function nodeLabel(graph: Graph, id: number): string {
  const node = graph.nodes[id]!;
  if (node.name !== null) return node.name;
  const line = node.range.start.line + 1;
  if (node.kind !== 'op') return l10n.t('{0} on line {1}', node.kind, line);
  return l10n.t('{0} on line {1}', opByName(node.op)?.symbol ?? node.op, line);
}

/** What made a node: `input`, `param`, `const`, or the op and its symbol (`mul (×)`). */
export function nodeKindText(graph: Graph, id: number): string {
  const node = graph.nodes[id]!;
  if (node.kind !== 'op') return node.kind;
  const symbol = opByName(node.op)?.symbol;
  return symbol && symbol !== node.op ? `${node.op} (${symbol})` : node.op;
}

/** `[]` for a scalar, else `[2,3]` (a very long shape shortened): the one notation of messages and hovers. */
export { shapeText } from '../ops/limits';
