import { isComposite } from '../graph/expandComposites';
import type { Graph, GraphNode } from '../graph/graph';
import { tapePlan } from './stepper';

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
  const interned = new Interner();
  const previousKeys = identities(previous, interned);
  const nextKeys = identities(next, interned);
  const match = pairDense(previousKeys, nextKeys, interned.size);
  // Only the few nodes left unmatched are looked up by name.
  const taken = new Uint8Array(next.nodes.length);
  for (const m of match) if (m !== null) taken[m] = 1;
  const byName = (g: Graph, skip: (id: number) => boolean): (string | null)[] => g.nodes.map((n) => (n.kind === 'op' && n.name !== null && !skip(n.id) ? `${n.name}|${n.op}` : null));
  const second = pairInOrder(byName(previous, (id) => match[id] !== null), byName(next, (id) => taken[id] === 1));
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
  const before = tapePlan(previous);
  const after = tapePlan(next);
  const match = matchNodes(previous, next);
  const f = before.forward.length;
  const p = Math.min(position, f + before.backward.length);
  if (p <= f) {
    const forwardIndex = indexOf(after.forward, next.nodes.length);
    for (let s = p; s >= 1; s--) {
      const m = match[before.forward[s - 1]!]!;
      if (m !== null && forwardIndex[m]! >= 0) return forwardIndex[m]! + 1;
    }
    return 0;
  }
  const backwardIndex = indexOf(after.backward, next.nodes.length);
  for (let s = p; s > f; s--) {
    const m = match[before.backward[s - f - 1]!]!;
    if (m !== null && backwardIndex[m]! >= 0) return after.forward.length + backwardIndex[m]! + 1;
  }
  return after.forward.length;
}

/** Each node's identity as a small integer, shared between graphs through `interned`. */
function identities(graph: Graph, interned: Interner): number[] {
  const ids = new Array<number>(graph.nodes.length);
  const opened = openedComposites(graph);
  for (const node of graph.nodes) {
    const external = opened.get(node.id);
    const composite = external !== undefined || (node.kind === 'op' && isComposite(node.op));
    const head = interned.head(`${composite ? 'composite' : node.kind === 'op' ? node.op : node.kind}|${node.name ?? ''}`);
    ids[node.id] = interned.id(head, external ?? node.inputs, ids);
  }
  return ids;
}

interface TrieNode {
  id: number;
  children: Map<number, TrieNode> | null;
}

/** Hash-consing of (head, input identities…) tuples into small integers: a trie on numbers, no strings per node. */
class Interner {
  private readonly heads = new Map<string, number>();
  private readonly root = new Map<number, TrieNode>();
  private next = 0;

  /** How many identities there are (each is below this). */
  get size(): number {
    return this.next;
  }

  head(text: string): number {
    let h = this.heads.get(text);
    if (h === undefined) this.heads.set(text, (h = this.heads.size));
    return h;
  }

  id(head: number, inputs: readonly number[], ids: readonly number[]): number {
    let node = this.step(this.root, head);
    for (const input of inputs) node = this.step((node.children ??= new Map()), ids[input]!);
    if (node.id < 0) node.id = this.next++;
    return node.id;
  }

  private step(level: Map<number, TrieNode>, key: number): TrieNode {
    let node = level.get(key);
    if (!node) level.set(key, (node = { id: -1, children: null }));
    return node;
  }
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

/** As pairInOrder, for keys that are small integers below `size`: linked lists in typed arrays, no maps. */
function pairDense(left: readonly number[], right: readonly number[], size: number): (number | null)[] {
  const first = new Int32Array(size).fill(-1);
  const after = new Int32Array(right.length).fill(-1);
  for (let id = right.length - 1; id >= 0; id--) {
    const key = right[id]!;
    after[id] = first[key]!;
    first[key] = id;
  }
  return left.map((key) => {
    const id = first[key]!;
    if (id < 0) return null;
    first[key] = after[id]!;
    return id;
  });
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
