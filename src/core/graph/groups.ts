import type { StatementOutline } from '../language/statementOutline';
import type { Range } from '../language/range';
import { isComposite } from './expandComposites';
import type { Graph, GraphGroup, GraphNode } from './graph';
import { sourceBlocks } from './groupsByBlock';

/** One inlined call of a user function, as the builder records it; nodes made inside point at it by index. */
export interface FunctionCall {
  readonly name: string;
  /** The enclosing call (index into the same list), or null for a call written in a statement. */
  readonly parent: number | null;
  /** The call in the source (for a nested call: in the body of the enclosing function). */
  readonly range: Range;
  /** The first line of the statement the outermost call is in. */
  readonly statementLine: number;
}

/**
 * The groups of a built graph: source blocks (see groupsByBlock), the calls
 * of user functions inside them, and the key of every composite op. Builder
 * nodes point at their function call (or null); the result's nodes point at
 * their innermost group. Groups with no node are dropped. The graph's nodes
 * are the builder's own and get their groups in place.
 */
export function withGroups(graph: Graph, statements: readonly StatementOutline[], text: string, calls: readonly FunctionCall[], nodeStatements?: ArrayLike<number>): Graph {
  // the statement starting on each line (an array, not a map: a file may have 100,000 statements)
  const lastLine = statements.length > 0 ? statements[statements.length - 1]!.range.start.line : -1;
  const statementOnLine = new Int32Array(lastLine + 1).fill(-1);
  for (let i = 0; i < statements.length; i++) statementOnLine[statements[i]!.range.start.line] = i;
  const statementAt = (line: number): number | undefined => (line >= 0 && line <= lastLine && statementOnLine[line]! >= 0 ? statementOnLine[line] : undefined);
  // each node's statement: as the builder recorded it, else found from the line its statement starts on
  const statementOf = nodeStatements ?? Int32Array.from(graph.nodes, (node) => statementAt(node.statementRange.start.line) ?? -1);
  const nodesPerStatement = new Int32Array(statements.length);
  for (let i = 0; i < graph.nodes.length; i++) {
    const s = statementOf[i]!;
    if (s >= 0) nodesPerStatement[s]!++;
  }
  // keys are needed only for calls and composites: made at the first one
  let keys: string[] | null = null;
  const statementKey = (s: number): string => (keys ??= keysOfStatements(statements))[s]!;

  const blocks = sourceBlocks(text, statements, nodesPerStatement, graph.nodes.length);
  // innermost block of each statement (chunks come after their block, so they win)
  const blockOf = new Int32Array(statements.length).fill(-1);
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    for (let s = b.first; s <= b.last; s++) blockOf[s] = i;
  }
  const blockOfStatement = (s: number): number | null => (blockOf[s]! >= 0 ? blockOf[s]! : null);

  const groups: { key: string; kind: GraphGroup['kind']; label: string; parent: number | null; range: Range }[] = blocks.map((b) => ({
    key: b.key,
    kind: 'block',
    label: b.label,
    parent: b.parent,
    range: b.range,
  }));
  const callGroup: number[] = [];
  const callCounts = new Map<string, number>();
  for (const call of calls) {
    const statement = statementAt(call.statementLine);
    const parent = call.parent !== null ? callGroup[call.parent]! : statement !== undefined ? blockOfStatement(statement) : null;
    const scope = call.parent !== null ? groups[callGroup[call.parent]!]!.key : `fn:${statement !== undefined ? statementKey(statement) : `line ${call.statementLine + 1}`}`;
    callGroup.push(groups.length);
    groups.push({ key: counted(callCounts, `${scope}/${call.name}`), kind: 'function', label: call.name, parent, range: call.range });
  }

  // each node's innermost group (-1 at the top level), and the groups some node is in (empty ones are dropped)
  const nodeGroup = new Int32Array(graph.nodes.length);
  const used = new Uint8Array(groups.length);
  for (let i = 0; i < graph.nodes.length; i++) {
    const node = graph.nodes[i]!;
    let g: number;
    if (node.group !== null) g = callGroup[node.group]!;
    else {
      const s = statementOf[i]!;
      g = s < 0 || blockOf[s]! < 0 ? -1 : blockOf[s]!;
    }
    nodeGroup[i] = g;
    for (let p: number | null = g >= 0 ? g : null; p !== null && !used[p]; p = groups[p]!.parent) used[p] = 1;
  }

  // keep the used groups, parents before children
  const newId = new Array<number | null>(groups.length).fill(null);
  const kept: GraphGroup[] = [];
  groups.forEach((g, i) => {
    if (!used[i]) return;
    newId[i] = kept.length;
    kept.push({ id: kept.length, key: g.key, kind: g.kind, label: g.label, parent: g.parent === null ? null : newId[g.parent]!, range: g.range });
  });

  const compositeCounts = new Map<string, number>();
  // The builder's nodes are fresh and this call's alone: each gets its group in place (a copy of every node showed at 10,000 nodes).
  const nodes = graph.nodes as Mutable<GraphNode>[];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const group = nodeGroup[i]! < 0 ? null : newId[nodeGroup[i]!]!;
    if (node.kind === 'op' && isComposite(node.op)) {
      const call = node.group === null ? null : groups[callGroup[node.group]!]!.key;
      const s = statementOf[i]! >= 0 ? statementOf[i] : undefined;
      // inside a call: composite:NAME/FUNCTION/OP, after the call's key fn:NAME/FUNCTION
      const scope = `composite:${call !== null ? call.slice('fn:'.length) : s !== undefined ? statementKey(s) : `line ${node.range.start.line + 1}`}`;
      node.expandKey = counted(compositeCounts, `${scope}/${node.op}`);
    }
    node.group = group;
  }
  return { ...graph, groups: kept };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** `key`, then `key#2`, `key#3`… for later uses of the same key. */
function counted(counts: Map<string, number>, key: string): string {
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  return n === 1 ? key : `${key}#${n}`;
}

/** Each statement's bound name, `name@2` for the second binding of a name, and so on. */
function keysOfStatements(statements: readonly StatementOutline[]): string[] {
  const counts = new Map<string, number>();
  return statements.map((s) => {
    if (s.kind !== 'assign') return `line ${s.range.start.line + 1}`;
    const n = (counts.get(s.name) ?? 0) + 1;
    counts.set(s.name, n);
    return n === 1 ? s.name : `${s.name}@${n}`;
  });
}
