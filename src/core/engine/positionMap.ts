import { isComposite } from '../graph/expandComposites';
import type { Graph, GraphNode } from '../graph/graph';
import { Stepper } from './stepper';

/**
 * Which node of `next` is the same node as each node of `previous`, or null.
 * A node is identified by what it computes, not by where it sits: its op (or
 * leaf kind), its name, and the identities of its inputs, so inserting or
 * deleting an unrelated statement, moving lines, or changing a leaf's value
 * keeps every identity. A composite op (`affine`, `softmax_with_loss`…) and,
 * once it is opened, the last of its elementary ops (which takes its name)
 * are the same node, so opening or closing one keeps everything else.
 * Equal identities are told apart by their order. A
 * named op whose inputs changed (`y = x * 2` becoming `y = z * 2`) is then
 * matched by its name and op, again in order.
 */
export function matchNodes(previous: Graph, next: Graph): (number | null)[] {
  const interned = new Map<string, number>();
  const previousKeys = identities(previous, interned);
  const nextKeys = identities(next, interned);
  const match = pairInOrder(previousKeys, nextKeys);
  const byName = (g: Graph): (string | null)[] => g.nodes.map((n) => (n.kind === 'op' && n.name !== null ? `${n.name}|${n.op}` : null));
  const previousNames = byName(previous).map((k, id) => (match[id] === null ? k : null));
  const taken = new Set(match.filter((m): m is number => m !== null));
  const nextNames = byName(next).map((k, id) => (taken.has(id) ? null : k));
  const second = pairInOrder(previousNames, nextNames);
  return match.map((m, id) => m ?? second[id]!);
}

/**
 * Where the tape of `next` should stand after an edit, given the position on
 * the tape of `previous`: the position right after the step that runs the
 * same node (see {@link matchNodes}) in the same phase as the step that
 * reached `position`. When that node is gone, or no longer runs in that
 * phase, the latest earlier step of the same phase whose node still does;
 * when none does, the start of that phase (0 in the forward pass, the end of
 * the forward pass in the backward pass).
 */
export function mapPosition(previous: Graph, position: number, next: Graph): number {
  if (position <= 0) return 0;
  const before = new Stepper(previous);
  const after = new Stepper(next);
  const match = matchNodes(previous, next);
  const p = Math.min(position, before.total);
  const forwardIndex = indexOf(after.forwardPlan, next.nodes.length);
  if (p <= before.forwardSteps) {
    for (let s = p; s >= 1; s--) {
      const m = match[before.forwardPlan[s - 1]!];
      if (m !== null && m !== undefined && forwardIndex[m]! >= 0) return forwardIndex[m]! + 1;
    }
    return 0;
  }
  const backwardIndex = indexOf(after.backwardPlan, next.nodes.length);
  for (let s = p; s > before.forwardSteps; s--) {
    const m = match[before.backwardPlan[s - before.forwardSteps - 1]!];
    if (m !== null && m !== undefined && backwardIndex[m]! >= 0) return after.forwardSteps + backwardIndex[m]! + 1;
  }
  return after.forwardSteps;
}

/** Each node's identity as a small integer, shared between graphs through `interned`. */
function identities(graph: Graph, interned: Map<string, number>): number[] {
  const ids = new Array<number>(graph.nodes.length);
  const opened = openedComposites(graph);
  for (const node of graph.nodes) {
    const external = opened.get(node.id);
    const key = external ? compositeKey(node, external.map((i) => ids[i]!)) : isComposite(node.op) && node.kind === 'op' ? compositeKey(node, node.inputs.map((i) => ids[i]!)) : identityKey(node, ids);
    let id = interned.get(key);
    if (id === undefined) interned.set(key, (id = interned.size));
    ids[node.id] = id;
  }
  return ids;
}

function identityKey(node: GraphNode, ids: readonly number[]): string {
  const head = `${node.kind === 'op' ? node.op : node.kind}|${node.name ?? ''}`;
  if (node.inputs.length === 0) return head;
  let key = `${head}|`;
  for (const input of node.inputs) key += `${ids[input]},`;
  return key;
}

function compositeKey(node: GraphNode, inputs: readonly number[]): string {
  return `composite|${node.name ?? ''}|${inputs.join(',')}`;
}

/**
 * For each opened composite: its last elementary node, and the inputs its
 * elementary ops take from outside it in order of first use (the
 * composite's own inputs, in their order).
 */
function openedComposites(graph: Graph): Map<number, number[]> {
  const out = new Map<number, number[]>();
  if (graph.groups.length === 0) return out;
  const inside = (node: GraphNode, group: number): boolean => {
    for (let g = node.group; g !== null; g = graph.groups[g]!.parent) if (g === group) return true;
    return false;
  };
  for (const group of graph.groups) {
    if (group.kind !== 'composite') continue;
    const members = graph.nodes.filter((n) => inside(n, group.id));
    const last = members.filter((n) => n.kind === 'op').at(-1);
    if (!last) continue;
    const external: number[] = [];
    for (const m of members) for (const i of m.inputs) if (!inside(graph.nodes[i]!, group.id) && !external.includes(i)) external.push(i);
    out.set(last.id, external);
  }
  return out;
}

/** Pairs the k-th occurrence of a key on one side with the k-th occurrence on the other; null keys never pair. */
function pairInOrder<K>(left: readonly (K | null)[], right: readonly (K | null)[]): (number | null)[] {
  const queues = new Map<K, number[]>();
  right.forEach((key, id) => {
    if (key === null) return;
    let q = queues.get(key);
    if (!q) queues.set(key, (q = []));
    q.push(id);
  });
  const heads = new Map<K, number>();
  return left.map((key) => {
    if (key === null) return null;
    const q = queues.get(key);
    const h = heads.get(key) ?? 0;
    if (!q || h >= q.length) return null;
    heads.set(key, h + 1);
    return q[h]!;
  });
}

function indexOf(plan: readonly number[], size: number): number[] {
  const index = new Array<number>(size).fill(-1);
  plan.forEach((id, i) => (index[id] = i));
  return index;
}
