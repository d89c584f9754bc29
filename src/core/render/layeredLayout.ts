/**
 * A layered (Sugiyama-style) left-to-right layout that runs in near-linear
 * time, for graphs too large for dagre (figures in docs/panel.md). It uses
 * what GraphStep's graphs give for free: nodes arrive in topological order,
 * so layers are one longest-path pass; crossings are reduced by barycenter
 * sweeps; each layer's vertical positions are the weighted least-squares fit
 * to its neighbours' under the spacing constraints (isotonic regression by
 * pooling adjacent violators), which straightens long edges.
 *
 * Every edge is split into one item per rank it crosses, so items link
 * adjacent ranks (except the few arrows longer than MAX_ROUTED_SPAN). Ranks alternate: nodes on even ranks, and the odd rank just
 * before a node holds the labels of the arrows entering it.
 */
import type { LayoutEngineInput, LayoutEngineResult, Point } from './layoutEngine';

const RANK_GAP = 14;
const ITEM_GAP = 14;
const DUMMY_HEIGHT = 6;
const MARGIN = 16;
/**
 * An arrow spanning more ranks than this is not routed around the nodes in
 * between: it gets only its label's slot. Such arrows are rare in real files
 * and would otherwise dominate the work on large graphs.
 */
const MAX_ROUTED_SPAN = 24;
/** Above this many items, crossings are not counted and a fixed number of sweeps runs. */
const COUNT_CROSSINGS_UP_TO = 40_000;

/** Items (nodes, then edge segments) as parallel arrays; links as compressed adjacency lists. */
interface Items {
  readonly count: number;
  readonly rank: Int32Array;
  readonly order: Int32Array;
  readonly y: Float64Array;
  readonly width: Float64Array;
  readonly height: Float64Array;
  readonly dummy: Uint8Array;
  readonly predStart: Int32Array;
  readonly preds: Int32Array;
  readonly succStart: Int32Array;
  readonly succs: Int32Array;
}

export function layeredLayout(input: LayoutEngineInput): LayoutEngineResult {
  const n = input.nodes.length;
  const layer = assignLayers(input);
  const routed = (span: number): boolean => span <= MAX_ROUTED_SPAN;
  let count = n;
  for (const e of input.edges) {
    const span = 2 * (layer[e.to]! - layer[e.from]!) - 1;
    count += routed(span) ? span : e.label ? 1 : 0;
  }
  const rank = new Int32Array(count);
  const width = new Float64Array(count);
  const height = new Float64Array(count);
  const dummy = new Uint8Array(count);
  const linkFrom: number[] = [];
  const linkTo: number[] = [];
  input.nodes.forEach((size, i) => {
    rank[i] = 2 * layer[i]!;
    width[i] = size.width;
    height[i] = size.height;
  });
  const chains: Int32Array[] = [];
  const labelItem = new Int32Array(input.edges.length).fill(-1);
  let next = n;
  input.edges.forEach((edge, e) => {
    const last = rank[edge.to]! - 1;
    const span = last - rank[edge.from]!;
    const first = routed(span) ? rank[edge.from]! + 1 : edge.label ? last : last + 1;
    const chain = new Int32Array(last - first + 1);
    let prev = edge.from;
    for (let r = first; r <= last; r++) {
      const id = next++;
      const isLabel = edge.label !== undefined && r === last;
      rank[id] = r;
      width[id] = isLabel ? edge.label!.width : 0;
      height[id] = isLabel ? edge.label!.height : DUMMY_HEIGHT;
      dummy[id] = 1;
      if (isLabel) labelItem[e] = id;
      linkFrom.push(prev);
      linkTo.push(id);
      chain[r - first] = id;
      prev = id;
    }
    linkFrom.push(prev);
    linkTo.push(edge.to);
    chains.push(chain);
  });
  const items: Items = { count, rank, width, height, dummy, order: new Int32Array(count), y: new Float64Array(count), ...adjacency(count, linkFrom, linkTo) };
  const ranks = buildRanks(items);
  orderRanks(ranks, items, count > COUNT_CROSSINGS_UP_TO ? 4 : 12);
  placeVertically(ranks, items);
  const rankX = placeRanks(ranks, items);

  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    minY = Math.min(minY, items.y[i]! - height[i]! / 2);
    maxY = Math.max(maxY, items.y[i]! + height[i]! / 2);
  }
  if (count === 0) minY = maxY = 0;
  const dy = MARGIN - minY;
  const at = (i: number): Point => ({ x: rankX[rank[i]!]!, y: items.y[i]! + dy });
  const lastRank = ranks.length - 1;
  return {
    width: lastRank < 0 ? 2 * MARGIN : rankX[lastRank]! + widest(ranks[lastRank]!, items) / 2 + MARGIN,
    height: maxY - minY + 2 * MARGIN,
    nodes: input.nodes.map((_, i) => at(i)),
    edges: chains.map((chain, e) => ({ points: Array.from(chain, at), label: labelItem[e]! >= 0 ? at(labelItem[e]!) : null })),
  };
}

function adjacency(count: number, from: readonly number[], to: readonly number[]): Pick<Items, 'predStart' | 'preds' | 'succStart' | 'succs'> {
  const build = (key: readonly number[], value: readonly number[]): [Int32Array, Int32Array] => {
    const start = new Int32Array(count + 1);
    for (const k of key) start[k + 1]!++;
    for (let i = 0; i < count; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, count);
    const list = new Int32Array(key.length);
    key.forEach((k, j) => (list[fill[k]!++] = value[j]!));
    return [start, list];
  };
  const [predStart, preds] = build(to, from);
  const [succStart, succs] = build(from, to);
  return { predStart, preds, succStart, succs };
}

/**
 * Longest path from the sources, then, from the last node back, each node
 * with at least as many arrows out as in moves right next to its nearest
 * consumer (leaves always do): that shortens more arrows than it stretches.
 */
function assignLayers(input: LayoutEngineInput): Int32Array {
  const n = input.nodes.length;
  const layer = new Int32Array(n);
  const indegree = new Int32Array(n);
  const outdegree = new Int32Array(n);
  const byTarget = input.edges.slice().sort((a, b) => a.to - b.to);
  for (const e of byTarget) {
    if (e.from >= e.to) throw new RangeError(`layeredLayout needs edges in topological order, got ${e.from} → ${e.to}`);
    layer[e.to] = Math.max(layer[e.to]!, layer[e.from]! + 1);
    indegree[e.to]!++;
    outdegree[e.from]!++;
  }
  const bySource = input.edges.slice().sort((a, b) => b.from - a.from);
  let k = 0;
  for (let v = n - 1; v >= 0; v--) {
    let nearest = Infinity;
    for (; k < bySource.length && bySource[k]!.from === v; k++) nearest = Math.min(nearest, layer[bySource[k]!.to]!);
    if (nearest !== Infinity && outdegree[v]! >= indegree[v]!) layer[v] = nearest - 1;
  }
  return layer;
}

function buildRanks(items: Items): Int32Array[] {
  let maxRank = -1;
  for (let i = 0; i < items.count; i++) maxRank = Math.max(maxRank, items.rank[i]!);
  const sizes = new Int32Array(maxRank + 1);
  for (let i = 0; i < items.count; i++) sizes[items.rank[i]!]!++;
  const ranks = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(maxRank + 1);
  // Items were made in topological order (segments after their edge's source): a good first order.
  for (let i = 0; i < items.count; i++) {
    const r = items.rank[i]!;
    items.order[i] = fill[r]!;
    ranks[r]![fill[r]!++] = i;
  }
  return ranks;
}

/** Barycenter sweeps, keeping the order with the fewest crossings (when counting is affordable). */
function orderRanks(ranks: Int32Array[], items: Items, sweeps: number): void {
  const counting = items.count <= COUNT_CROSSINGS_UP_TO;
  let best = ranks.map((r) => r.slice());
  let bestCrossings = counting ? countCrossings(ranks, items) : Infinity;
  const key = new Float64Array(items.count);
  for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
    if (s % 2 === 0) for (let r = 1; r < ranks.length; r++) sortByBarycenter(ranks[r]!, items, items.predStart, items.preds, key);
    else for (let r = ranks.length - 2; r >= 0; r--) sortByBarycenter(ranks[r]!, items, items.succStart, items.succs, key);
    if (!counting) continue;
    const crossings = countCrossings(ranks, items);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = ranks.map((r) => r.slice());
    }
  }
  if (!counting) return;
  best.forEach((rank, r) => {
    ranks[r] = rank;
    rank.forEach((id, k) => (items.order[id] = k));
  });
}

function sortByBarycenter(rank: Int32Array, items: Items, start: Int32Array, list: Int32Array, key: Float64Array): void {
  for (const id of rank) {
    const a = start[id]!;
    const b = start[id + 1]!;
    if (a === b) key[id] = items.order[id]!;
    else {
      let sum = 0;
      for (let j = a; j < b; j++) sum += items.order[list[j]!]!;
      key[id] = sum / (b - a);
    }
  }
  rank.sort((p, q) => key[p]! - key[q]! || items.order[p]! - items.order[q]!);
  rank.forEach((id, k) => (items.order[id] = k));
}

/** Crossings between each pair of adjacent ranks, by counting inversions with a Fenwick tree. */
function countCrossings(ranks: Int32Array[], items: Items): number {
  let total = 0;
  const ends: number[] = [];
  for (let r = 0; r + 1 < ranks.length; r++) {
    ends.length = 0;
    for (const id of ranks[r]!) {
      const from = ends.length;
      for (let j = items.succStart[id]!; j < items.succStart[id + 1]!; j++) {
        const succ = items.succs[j]!;
        if (items.rank[succ] === r + 1) ends.push(items.order[succ]!);
      }
      if (ends.length - from > 1) {
        const part = ends.slice(from).sort((a, b) => a - b);
        for (let j = 0; j < part.length; j++) ends[from + j] = part[j]!;
      }
    }
    const size = ranks[r + 1]!.length;
    const tree = new Int32Array(size + 1);
    for (let k = 0; k < ends.length; k++) {
      // Segments already seen that end below this one cross it.
      let seenUpTo = 0;
      for (let i = ends[k]! + 1; i > 0; i -= i & -i) seenUpTo += tree[i]!;
      total += k - seenUpTo;
      for (let i = ends[k]! + 1; i <= size; i += i & -i) tree[i]!++;
    }
  }
  return total;
}

/** Vertical positions: alternating sweeps pulling each rank towards its neighbours, never overlapping. */
function placeVertically(ranks: Int32Array[], items: Items): void {
  for (const rank of ranks) {
    let y = 0;
    rank.forEach((id, k) => {
      if (k > 0) y += items.height[rank[k - 1]!]! / 2 + ITEM_GAP + items.height[id]! / 2;
      items.y[id] = y;
    });
  }
  const maxSize = ranks.reduce((m, r) => Math.max(m, r.length), 0);
  const desired = new Float64Array(maxSize);
  const weights = new Float64Array(maxSize);
  const scratch = { offset: new Float64Array(maxSize), mean: new Float64Array(maxSize), weight: new Float64Array(maxSize), size: new Int32Array(maxSize) };
  for (let pass = 0; pass < 8; pass++) {
    const forward = pass % 2 === 0;
    const [start, list] = forward ? [items.predStart, items.preds] : [items.succStart, items.succs];
    for (let step = 0; step < ranks.length; step++) {
      const rank = ranks[forward ? step : ranks.length - 1 - step]!;
      rank.forEach((id, k) => {
        let sum = 0;
        let w = 0;
        for (let j = start[id]!; j < start[id + 1]!; j++) {
          const nb = list[j]!;
          // Segment-to-segment links weigh most, so long edges run straight (as in Gansner et al.).
          const weight = items.dummy[id]! && items.dummy[nb]! ? 8 : items.dummy[id]! || items.dummy[nb]! ? 2 : 1;
          sum += weight * items.y[nb]!;
          w += weight;
        }
        desired[k] = w > 0 ? sum / w : items.y[id]!;
        weights[k] = w > 0 ? w : 0.01;
      });
      fitInOrder(rank, items, desired, weights, scratch);
    }
  }
}

/**
 * Moves a rank's items as close as possible (weighted least squares) to the
 * desired positions while keeping their order and spacing: with the spacing
 * subtracted this is isotonic regression, solved exactly by pooling adjacent
 * violators.
 */
function fitInOrder(rank: Int32Array, items: Items, desired: Float64Array, weights: Float64Array, s: { offset: Float64Array; mean: Float64Array; weight: Float64Array; size: Int32Array }): void {
  const m = rank.length;
  s.offset[0] = 0;
  for (let k = 1; k < m; k++) s.offset[k] = s.offset[k - 1]! + items.height[rank[k - 1]!]! / 2 + ITEM_GAP + items.height[rank[k]!]! / 2;
  let blocks = 0;
  for (let k = 0; k < m; k++) {
    let mean = desired[k]! - s.offset[k]!;
    let w = weights[k]!;
    let size = 1;
    while (blocks > 0 && s.mean[blocks - 1]! > mean) {
      blocks--;
      mean = (s.mean[blocks]! * s.weight[blocks]! + mean * w) / (s.weight[blocks]! + w);
      w += s.weight[blocks]!;
      size += s.size[blocks]!;
    }
    s.mean[blocks] = mean;
    s.weight[blocks] = w;
    s.size[blocks] = size;
    blocks++;
  }
  let k = 0;
  for (let b = 0; b < blocks; b++) for (let j = 0; j < s.size[b]!; j++, k++) items.y[rank[k]!] = s.mean[b]! + s.offset[k]!;
}

/** The x of each rank's centre: ranks as wide as their widest item, side by side. */
function placeRanks(ranks: Int32Array[], items: Items): number[] {
  const xs: number[] = [];
  let x = MARGIN;
  ranks.forEach((rank, r) => {
    const w = widest(rank, items);
    xs[r] = x + w / 2;
    x += w + RANK_GAP;
  });
  return xs;
}

function widest(rank: Int32Array, items: Items): number {
  let w = 0;
  for (const id of rank) w = Math.max(w, items.width[id]!);
  return w;
}
