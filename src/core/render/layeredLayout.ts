/**
 * A layered (Sugiyama-style) left-to-right layout in near-linear time. It
 * uses what GraphStep's graphs give for free: nodes arrive in topological
 * (source) order, so layers are one longest-path pass and the first order of
 * every rank is the source order. Crossings are reduced by barycenter sweeps
 * down and up, keeping the best order found, then by exchanging adjacent
 * items while that removes crossings (both within a fixed work budget, so the
 * result is deterministic). Each rank's vertical positions are the weighted
 * least-squares fit to its neighbours' under the spacing constraints
 * (isotonic regression by pooling adjacent violators), which straightens long
 * edges. A drawing much longer than the viewport's shape allows is folded
 * into bands (rows), the arrows between bands running through lanes in the
 * gap.
 *
 * Every edge is split into one item per rank it crosses, so items link
 * adjacent ranks (unless the segments would pass a budget: then the longest
 * arrows get only their label's slot). Ranks alternate: nodes on even ranks, and the odd rank just
 * before a node holds the labels of the arrows entering it.
 */
import type { LayoutEngineInput, LayoutEngineResult, Point, Size } from './layoutEngine';

const RANK_GAP = 14;
const ITEM_GAP = 14;
const DUMMY_HEIGHT = 6;
const MARGIN = 16;
/** Room between two bands of a folded drawing, besides one lane per arrow crossing it. */
const BAND_GAP = 28;
const LANE = 7;
/** A drawing is folded only when it is this much wider (in the engine's frame) than the viewport's shape. */
const FOLD_FROM = 2;
/** Work (item links visited) the ordering may spend, scaled by the graph's size up to these bounds. */
const ORDER_WORK = 600_000;
/** Rounds of promotion, and how many nodes one promotion may push before it is given up. */
const SLACK_ROUNDS = 8;
const PROMOTE_ROUNDS = 8;
const PROMOTE_WORK = 100_000;
/** Edge segments the layout may make: this many, plus this many per node (beyond, the longest arrows are not routed). */
const ITEM_BUDGET = 150_000;
/** Segments of an arrow this close to the straight line past them are not drawn as bend points; at most this many in a row. */
const STRAIGHT_TOLERANCE = 4;
const MAX_DROPPED = 24;
/** Work (items visited) the placement may spend: between 2 and 8 sweeps. */
const PLACE_WORK = 300_000;
const ITEM_BUDGET_PER_NODE = 8;
const PROMOTE_REACH = 64;
const MAX_SWEEPS = 24;
const MAX_TRANSPOSE_PASSES = 12;
/** Exchange passes run after every sweep only when the work budget allows at least this many sweeps. */
const EXCHANGE_IN_SWEEPS_FROM = 6;

export interface LayeredOptions {
  /**
   * The viewport (in the engine's left-to-right frame): a drawing longer than it and far wider than its
   * shape is folded into bands so its width / height comes near the viewport's.
   */
  readonly wrapTo?: Size;
  /** Nodes held in the first layer (a cluster's entry ports). */
  readonly firstLayer?: readonly number[];
  /** Nodes held in the last layer (a cluster's exit ports). */
  readonly lastLayer?: readonly number[];
}

export interface LayeredResult extends LayoutEngineResult {
  /** How many bands the drawing was folded into (1: not folded). */
  readonly bands: number;
}

/** Items (nodes, then edge segments) as parallel arrays; links as compressed adjacency lists. */
interface Items {
  readonly count: number;
  readonly rank: Int32Array;
  readonly order: Int32Array;
  readonly y: Float64Array;
  /** Where the arrow passes an item, from its centre (a label beside its arrow rather than around it). */
  readonly line: Float64Array;
  readonly width: Float64Array;
  readonly height: Float64Array;
  readonly dummy: Uint8Array;
  /** A leaf (no inputs) or a segment of an arrow leaving one: it follows its consumer rather than pulling it. */
  readonly light: Uint8Array;
  readonly predStart: Int32Array;
  readonly preds: Int32Array;
  readonly succStart: Int32Array;
  readonly succs: Int32Array;
}

export function layeredLayout(input: LayoutEngineInput, options: LayeredOptions = {}): LayeredResult {
  const n = input.nodes.length;
  const layer = assignLayers(input, options);
  const longest = routedSpan(input, layer);
  const routed = (span: number): boolean => span <= longest;
  let count = n;
  for (const e of input.edges) {
    const span = 2 * (layer[e.to]! - layer[e.from]!) - 1;
    count += routed(span) ? span : e.label ? 1 : 0;
  }
  const rank = new Int32Array(count);
  const width = new Float64Array(count);
  const height = new Float64Array(count);
  const dummy = new Uint8Array(count);
  const light = new Uint8Array(count);
  const line = new Float64Array(count);
  const links = count - n + input.edges.length;
  const linkFrom = new Int32Array(links);
  const linkTo = new Int32Array(links);
  let link = 0;
  input.nodes.forEach((size, i) => {
    rank[i] = 2 * layer[i]!;
    width[i] = size.width;
    height[i] = size.height;
  });
  for (const e of input.edges) light[e.to] = 2;
  for (let i = 0; i < n; i++) light[i] = light[i] === 2 ? 0 : 1;
  // Each edge's segments, one after another: edge e's are chainItems[chainStart[e] .. chainStart[e + 1]).
  const chainStart = new Int32Array(input.edges.length + 1);
  const chainItems = new Int32Array(count - n);
  const labelItem = new Int32Array(input.edges.length).fill(-1);
  let next = n;
  input.edges.forEach((edge, e) => {
    const last = rank[edge.to]! - 1;
    const span = last - rank[edge.from]!;
    const first = routed(span) ? rank[edge.from]! + 1 : edge.label ? last : last + 1;
    chainStart[e + 1] = chainStart[e]! + Math.max(0, last - first + 1);
    let prev = edge.from;
    for (let r = first; r <= last; r++) {
      const id = next++;
      const isLabel = edge.label !== undefined && r === last;
      rank[id] = r;
      width[id] = isLabel ? edge.label!.width : 0;
      height[id] = isLabel ? edge.label!.height : DUMMY_HEIGHT;
      dummy[id] = 1;
      light[id] = light[edge.from]!;
      if (isLabel) {
        labelItem[e] = id;
        line[id] = edge.label!.line ?? 0;
      }
      linkFrom[link] = prev;
      linkTo[link++] = id;
      chainItems[chainStart[e]! + r - first] = id;
      prev = id;
    }
    linkFrom[link] = prev;
    linkTo[link++] = edge.to;
  });
  const items: Items = { count, rank, width, height, dummy, light, line, order: new Int32Array(count), y: new Float64Array(count), ...adjacency(count, linkFrom, linkTo) };
  const ranks = buildRanks(items);
  orderByNodeRanks(ranks, items, linkFrom.length);
  placeVertically(ranks, items);
  const placed = placeBands(ranks, items, options.wrapTo);
  // Every item's place, once, so the arrows below make a point object only for the bends they keep.
  const X = new Float64Array(count);
  const Y = new Float64Array(count);
  placed.place(X, Y);
  const at = (i: number): Point => ({ x: X[i]!, y: Y[i]! });
  // Segments dropped since the last point kept (their items): each must stay on the line that replaces them.
  const dropped = new Int32Array(MAX_DROPPED);
  return {
    width: placed.width,
    height: placed.height,
    bands: placed.bands,
    nodes: input.nodes.map((_, i) => at(i)),
    edges: input.edges.map((edge, e) => {
      const points: Point[] = [];
      let prev = edge.from;
      const end = chainStart[e + 1]!;
      let droppedCount = 0;
      // The last point kept (or the arrow's start).
      let bx = X[edge.from]!;
      let by = Y[edge.from]!;
      for (let j = chainStart[e]!; j < end; j++) {
        const id = chainItems[j]!;
        if (placed.detour(prev, id, points)) {
          droppedCount = 0;
          bx = points[points.length - 1]!.x;
          by = points[points.length - 1]!.y;
        }
        const next = j + 1 < end ? chainItems[j + 1]! : edge.to;
        const ax = X[next]!;
        const ay = Y[next]!;
        // A segment on the straight line between what comes before and after it adds nothing to the drawing (the label's always counts).
        let straight = id !== labelItem[e] && droppedCount < MAX_DROPPED && !placed.folds(id, next) && nearLine(X[id]!, Y[id]!, bx, by, ax, ay);
        for (let d = 0; straight && d < droppedCount; d++) straight = nearLine(X[dropped[d]!]!, Y[dropped[d]!]!, bx, by, ax, ay);
        if (straight) dropped[droppedCount++] = id;
        else {
          points.push(at(id));
          bx = X[id]!;
          by = Y[id]!;
          droppedCount = 0;
        }
        prev = id;
      }
      placed.detour(prev, edge.to, points);
      return { points, label: labelItem[e]! >= 0 ? at(labelItem[e]!) : null };
    }),
  };
}

/**
 * The longest arrow (in ranks) that is routed around the nodes it passes:
 * all of them unless the segments would pass ITEM_BUDGET; longer arrows get
 * only their label's slot and are drawn straight.
 */
function routedSpan(input: LayoutEngineInput, layer: Int32Array): number {
  const spans = input.edges.map((e) => 2 * (layer[e.to]! - layer[e.from]!) - 1);
  const budget = ITEM_BUDGET + ITEM_BUDGET_PER_NODE * input.nodes.length;
  let total = spans.reduce((a, b) => a + b, 0);
  if (total <= budget) return Infinity;
  spans.sort((a, b) => b - a);
  let k = 0;
  while (k < spans.length && total > budget) {
    const span = spans[k]!;
    for (; k < spans.length && spans[k] === span; k++) total -= span - 1;
  }
  return k < spans.length ? spans[k]! : 1;
}

/** Whether the point (px, py) lies within STRAIGHT_TOLERANCE of the line through (ax, ay) and (bx, by). */
function nearLine(px: number, py: number, ax: number, ay: number, bx: number, by: number): boolean {
  const dx = bx - ax;
  const dy = by - ay;
  const squared = dx * dx + dy * dy;
  if (squared === 0) return (px - ax) ** 2 + (py - ay) ** 2 <= STRAIGHT_TOLERANCE ** 2;
  const cross = dx * (py - ay) - dy * (px - ax);
  return cross * cross <= STRAIGHT_TOLERANCE ** 2 * squared;
}

function adjacency(count: number, from: ArrayLike<number>, to: ArrayLike<number>): Pick<Items, 'predStart' | 'preds' | 'succStart' | 'succs'> {
  const build = (key: ArrayLike<number>, value: ArrayLike<number>): [Int32Array, Int32Array] => {
    const start = new Int32Array(count + 1);
    for (let j = 0; j < key.length; j++) start[key[j]! + 1]!++;
    for (let i = 0; i < count; i++) start[i + 1]! += start[i]!;
    const fill = start.slice(0, count);
    const list = new Int32Array(key.length);
    for (let j = 0; j < key.length; j++) list[fill[key[j]!]!++] = value[j]!;
    return [start, list];
  };
  const [predStart, preds] = build(to, from);
  const [succStart, succs] = build(from, to);
  return { predStart, preds, succStart, succs };
}

/**
 * Layers: longest path from the sources, then fewer segments by promotion
 * (Nikolov, Tarassov and Branke's heuristic, a close and far cheaper stand-in
 * for network simplex): a node moves one layer right, pushing the consumers
 * in its way, whenever that shortens more arrows than it stretches. Leaves
 * end next to their nearest consumer, and arrows from a leaf used once do not
 * count (the leaf moves along). Pinned nodes stay in the first or the last
 * layer.
 */
function assignLayers(input: LayoutEngineInput, options: LayeredOptions): Int32Array {
  const n = input.nodes.length;
  const layer = new Int32Array(n);
  const pinned = new Uint8Array(n);
  for (const i of options.firstLayer ?? []) pinned[i] = 1;
  for (const i of options.lastLayer ?? []) pinned[i] = 2;
  const from: number[] = [];
  const to: number[] = [];
  for (const e of input.edges) {
    if (e.from >= e.to) throw new RangeError(`layeredLayout needs edges in topological order, got ${e.from} → ${e.to}`);
    from.push(e.from);
    to.push(e.to);
  }
  const adj = adjacency(n, from, to);
  const indegree = (v: number): number => adj.predStart[v + 1]! - adj.predStart[v]!;
  const outdegree = (v: number): number => adj.succStart[v + 1]! - adj.succStart[v]!;
  for (let v = 0; v < n; v++) for (let j = adj.predStart[v]!; j < adj.predStart[v + 1]!; j++) layer[v] = Math.max(layer[v]!, layer[adj.preds[j]!]! + 1);
  // What moving a node right costs: its arrows in (but those from a leaf used only here) minus its arrows out.
  const cost = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    let held = 0;
    for (let j = adj.predStart[v]!; j < adj.predStart[v + 1]!; j++) {
      const p = adj.preds[j]!;
      if (indegree(p) > 0 || pinned[p]) held++;
    }
    cost[v] = held - outdegree(v);
  }
  const holds = (p: number): boolean => indegree(p) > 0 || pinned[p] !== 0;
  // Each node into the free room between its inputs and its consumers, right when that shortens at least as much as it stretches.
  for (let round = 0; round < SLACK_ROUNDS; round++) {
    let moved = 0;
    for (let v = n - 1; v >= 0; v--) {
      if (pinned[v] || indegree(v) === 0) continue;
      let lo = 0;
      for (let j = adj.predStart[v]!; j < adj.predStart[v + 1]!; j++) if (holds(adj.preds[j]!)) lo = Math.max(lo, layer[adj.preds[j]!]! + 1);
      let hi = Infinity;
      for (let j = adj.succStart[v]!; j < adj.succStart[v + 1]!; j++) hi = Math.min(hi, layer[adj.succs[j]!]! - 1);
      const target = cost[v]! <= 0 && hi !== Infinity ? hi : lo;
      if (target !== layer[v]) {
        layer[v] = target;
        moved++;
      }
    }
    if (moved === 0) break;
  }
  // Then one layer right at a time, pushing the consumers in the way, while that saves segments.
  const changed: number[] = [];
  const promote = (v: number): number | null => {
    if (pinned[v] || changed.length > PROMOTE_REACH) return null;
    layer[v]!++;
    changed.push(v);
    let diff = cost[v]!;
    for (let j = adj.succStart[v]!; j < adj.succStart[v + 1]!; j++) {
      const s = adj.succs[j]!;
      if (layer[s]! > layer[v]!) continue;
      const d = promote(s);
      if (d === null) return null;
      diff += d;
    }
    return diff;
  };
  // Work: nodes moved by every attempt, kept or not.
  let work = 0;
  for (let round = 0; round < PROMOTE_ROUNDS && work < PROMOTE_WORK; round++) {
    let promoted = 0;
    for (let v = n - 1; v >= 0; v--) {
      if (indegree(v) === 0 || outdegree(v) === 0) continue;
      // As many layers as keep paying, one at a time.
      for (;;) {
        changed.length = 0;
        const diff = promote(v);
        work += changed.length;
        if (diff !== null && diff < 0 && work < PROMOTE_WORK) {
          promoted++;
          continue;
        }
        for (const c of changed) layer[c]!--;
        break;
      }
    }
    if (promoted === 0) break;
  }
  // Sources (leaves) next to their nearest consumer; then the first layer is 0.
  for (let v = n - 1; v >= 0; v--) {
    if (indegree(v) > 0 || outdegree(v) === 0 || pinned[v]) continue;
    let nearest = Infinity;
    for (let j = adj.succStart[v]!; j < adj.succStart[v + 1]!; j++) nearest = Math.min(nearest, layer[adj.succs[j]!]!);
    layer[v] = nearest - 1;
  }
  let min = 0;
  for (let v = 0; v < n; v++) if (pinned[v] !== 1) min = Math.min(min, layer[v]!);
  for (let v = 0; v < n; v++) layer[v] = pinned[v] === 1 ? 0 : layer[v]! - min;
  if (options.lastLayer?.length) {
    let last = 0;
    for (let v = 0; v < n; v++) if (pinned[v] !== 2) last = Math.max(last, layer[v]! + 1);
    for (const v of options.lastLayer) layer[v] = Math.max(last, layer[v]!);
  }
  return layer;
}

function buildRanks(items: Pick<Items, 'count' | 'rank' | 'order'>): Int32Array[] {
  let maxRank = -1;
  for (let i = 0; i < items.count; i++) maxRank = Math.max(maxRank, items.rank[i]!);
  const sizes = new Int32Array(maxRank + 1);
  for (let i = 0; i < items.count; i++) sizes[items.rank[i]!]!++;
  const ranks = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(maxRank + 1);
  // Items were made in topological order (segments after their edge's source): the source order is the first order.
  for (let i = 0; i < items.count; i++) {
    const r = items.rank[i]!;
    items.order[i] = fill[r]!;
    ranks[r]![fill[r]!++] = i;
  }
  return ranks;
}

/** What ordering reads of the items. */
type OrderItems = Pick<Items, 'count' | 'rank' | 'order' | 'predStart' | 'preds' | 'succStart' | 'succs'>;

/**
 * Orders the ranks by ordering the node ranks alone, then each label rank
 * between them. Every item of a label rank (an arrow's label, or a segment
 * passing) has one link in and one link out, to the node ranks on either
 * side, so it can be left out: the node ranks are ordered as a graph whose
 * links run from node rank to node rank (half the items and links, so half
 * the work), and each label rank then takes the order of the items its
 * links enter (ties by the order they leave), which adds no crossing to
 * those of that graph and keeps each arrow's label beside the node it
 * enters. Exchange passes over the whole drawing follow.
 */
function orderByNodeRanks(ranks: Int32Array[], items: Items, links: number): void {
  const { predStart, preds, succStart, succs } = items;
  // Node-rank items keep their relative (source) order in the reduced numbering.
  const reduced = new Int32Array(items.count).fill(-1);
  let m = 0;
  for (let id = 0; id < items.count; id++) {
    if (items.rank[id]! % 2 === 0) reduced[id] = m++;
    else if (predStart[id + 1]! - predStart[id]! !== 1 || succStart[id + 1]! - succStart[id]! !== 1) {
      orderRanks(ranks, items, links);
      return;
    }
  }
  const full = new Int32Array(m);
  const rank = new Int32Array(m);
  for (let id = 0; id < items.count; id++) {
    if (reduced[id]! < 0) continue;
    full[reduced[id]!] = id;
    rank[reduced[id]!] = items.rank[id]! / 2;
  }
  const from = new Int32Array(items.count - m);
  const to = new Int32Array(items.count - m);
  let link = 0;
  for (let id = 0; id < items.count; id++) {
    if (reduced[id]! >= 0) continue;
    from[link] = reduced[preds[predStart[id]!]!]!;
    to[link++] = reduced[succs[succStart[id]!]!]!;
  }
  const nodeItems: OrderItems = { count: m, rank, order: new Int32Array(m), ...adjacency(m, from, to) };
  const nodeRanks = buildRanks(nodeItems);
  orderRanks(nodeRanks, nodeItems, link);
  const order = items.order;
  for (let r = 0; r < nodeRanks.length; r++) {
    const source = nodeRanks[r]!;
    const target = ranks[2 * r]!;
    for (let k = 0; k < source.length; k++) {
      target[k] = full[source[k]!]!;
      order[target[k]!] = k;
    }
  }
  // Each label rank in the order of the items its links enter: the links into each of them, in the order they leave.
  for (let r = 1; r < ranks.length; r += 2) {
    const rankItems = ranks[r]!;
    let k = 0;
    for (const next of ranks[r + 1]!) {
      const first = k;
      for (let j = predStart[next]!; j < predStart[next + 1]!; j++) {
        const id = preds[j]!;
        // Insertion by the order of what the link leaves (a node has few inputs).
        const at = order[preds[predStart[id]!]!]!;
        let i = k++;
        while (i > first && order[preds[predStart[rankItems[i - 1]!]!]!]! > at) {
          rankItems[i] = rankItems[i - 1]!;
          i--;
        }
        rankItems[i] = id;
      }
    }
    for (let i = 0; i < rankItems.length; i++) order[rankItems[i]!] = i;
  }
  const perSweep = Math.max(1, items.count + links * 3);
  const passes = Math.max(1, Math.min(MAX_TRANSPOSE_PASSES, Math.floor(ORDER_WORK / perSweep)));
  for (let p = 0; p < passes; p++) if (!transpose(ranks, items)) break;
}

/**
 * Barycenter sweeps down and up, keeping the order with the fewest crossings,
 * then adjacent exchanges. The number of sweeps shrinks with the graph so the
 * work stays within ORDER_WORK.
 */
function orderRanks(ranks: Int32Array[], items: OrderItems, links: number): void {
  const perSweep = Math.max(1, items.count + links * 3);
  const sweeps = Math.max(2, Math.min(MAX_SWEEPS, Math.floor(ORDER_WORK / perSweep)));
  const best = items.order.slice();
  let bestCrossings = countRankCrossings(ranks, items);
  const key = new Float64Array(items.count);
  let stale = 0;
  // A graph whose budget allows only a few sweeps (a dense one: every arrow crossing many ranks) gets barycenter sweeps
  // alone, which find nearly all there is to find there, and one exchange pass at the end.
  const exchangeInSweeps = sweeps >= EXCHANGE_IN_SWEEPS_FROM;
  for (let s = 0; s < sweeps && bestCrossings > 0 && stale < (exchangeInSweeps ? 4 : 1); s++) {
    if (s % 2 === 0) for (let r = 1; r < ranks.length; r++) sortByBarycenter(ranks[r]!, items, items.predStart, items.preds, key);
    else for (let r = ranks.length - 2; r >= 0; r--) sortByBarycenter(ranks[r]!, items, items.succStart, items.succs, key);
    if (exchangeInSweeps) transpose(ranks, items);
    const crossings = countRankCrossings(ranks, items);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best.set(items.order);
      stale = 0;
    } else stale++;
  }
  items.order.set(best);
  for (const rank of ranks) for (let k = 0; k < rank.length; k++) rank[k] = -1;
  for (let id = 0; id < items.count; id++) ranks[items.rank[id]!]![best[id]!] = id;
  const passes = exchangeInSweeps ? Math.max(1, Math.min(MAX_TRANSPOSE_PASSES, Math.floor(ORDER_WORK / perSweep))) : 1;
  for (let p = 0; p < passes && bestCrossings > 0; p++) if (!transpose(ranks, items)) break;
}

/** Reused by every sort and count (layouts run one at a time): no garbage per rank and sweep. */
let movableScratch = new Int32Array(256);
let sortScratch = new Float64Array(256);
let endsScratch = new Int32Array(256);
/** Ranks below this size sort by packed keys (key · 65536 and the place below 2^16 fit a float exactly). */
const SORT_TIE = 65536;

/**
 * Sorts a rank by the mean position of each item's neighbours in the rank
 * before (or after); items with no such neighbour keep their places.
 */
function sortByBarycenter(rank: Int32Array, items: OrderItems, start: Int32Array, list: Int32Array, key: Float64Array): void {
  if (movableScratch.length < rank.length) movableScratch = new Int32Array(2 * rank.length);
  const movable = movableScratch;
  const order = items.order;
  let count = 0;
  for (let k = 0; k < rank.length; k++) {
    const id = rank[k]!;
    const a = start[id]!;
    const b = start[id + 1]!;
    if (a === b) continue;
    let sum = 0;
    for (let j = a; j < b; j++) sum += order[list[j]!]!;
    key[id] = sum / (b - a);
    movable[count++] = id;
  }
  if (count < 2) return;
  if (count < SORT_TIE && rank.length < SORT_TIE) {
    // Key (to 1/65536) and place packed in one float, sorted natively: several times faster than a comparator.
    if (sortScratch.length < count) sortScratch = new Float64Array(2 * count);
    const packed = sortScratch.subarray(0, count);
    for (let i = 0; i < count; i++) packed[i] = Math.floor(key[movable[i]!]! * 65536) * SORT_TIE + i;
    packed.sort();
    let m = 0;
    for (let k = 0; k < rank.length; k++) {
      const id = rank[k]!;
      if (start[id] !== start[id + 1]) rank[k] = movable[packed[m++]! % SORT_TIE]!;
    }
  } else {
    const sorted = Array.from(movable.subarray(0, count)).sort((p, q) => key[p]! - key[q]! || items.order[p]! - items.order[q]!);
    let m = 0;
    for (let k = 0; k < rank.length; k++) {
      const id = rank[k]!;
      if (start[id] !== start[id + 1]) rank[k] = sorted[m++]!;
    }
  }
  for (let k = 0; k < rank.length; k++) items.order[rank[k]!] = k;
}

/** One pass of exchanging adjacent items wherever that removes crossings; whether any moved. */
function transpose(ranks: Int32Array[], items: OrderItems): boolean {
  let moved = false;
  const { predStart, preds, succStart, succs, order, rank: rankOf } = items;
  for (const rank of ranks) {
    for (let k = 0; k + 1 < rank.length; k++) {
      const u = rank[k]!;
      const v = rank[k + 1]!;
      let keep: number;
      let swap: number;
      const pu = predStart[u]!;
      const pv = predStart[v]!;
      const su = succStart[u]!;
      const sv = succStart[v]!;
      if (predStart[u + 1] === pu + 1 && predStart[v + 1] === pv + 1 && succStart[u + 1] === su + 1 && succStart[v + 1] === sv + 1) {
        // Two segments (one link on each side, the common case by far): compare their ends directly.
        const r = rankOf[u]!;
        const a = preds[pu]!;
        const b = preds[pv]!;
        const c = succs[su]!;
        const d = succs[sv]!;
        const before = rankOf[a] === r - 1 && rankOf[b] === r - 1 ? Math.sign(order[a]! - order[b]!) : 0;
        const after = rankOf[c] === r + 1 && rankOf[d] === r + 1 ? Math.sign(order[c]! - order[d]!) : 0;
        keep = (before > 0 ? 1 : 0) + (after > 0 ? 1 : 0);
        swap = (before < 0 ? 1 : 0) + (after < 0 ? 1 : 0);
      } else {
        keep = pairCrossings(u, v, items, predStart, preds, -1) + pairCrossings(u, v, items, succStart, succs, 1);
        swap = pairCrossings(v, u, items, predStart, preds, -1) + pairCrossings(v, u, items, succStart, succs, 1);
      }
      if (swap < keep) {
        rank[k] = v;
        rank[k + 1] = u;
        items.order[v] = k;
        items.order[u] = k + 1;
        moved = true;
      }
    }
  }
  return moved;
}

/** Crossings among the links of `u` and `v` (u drawn above v) to one neighbouring rank. */
function pairCrossings(u: number, v: number, items: OrderItems, start: Int32Array, list: Int32Array, side: number): number {
  let c = 0;
  const r = items.rank[u]! + side;
  for (let i = start[u]!; i < start[u + 1]!; i++) {
    if (items.rank[list[i]!] !== r) continue;
    const a = items.order[list[i]!]!;
    for (let j = start[v]!; j < start[v + 1]!; j++) if (a > items.order[list[j]!]! && items.rank[list[j]!] === r) c++;
  }
  return c;
}

/** Crossings between each pair of adjacent ranks, by counting inversions with a Fenwick tree. */
export function countRankCrossings(ranks: readonly Int32Array[], items: Pick<Items, 'rank' | 'order' | 'succStart' | 'succs'>): number {
  let total = 0;
  if (endsScratch.length < items.succs.length) endsScratch = new Int32Array(items.succs.length);
  const ends = endsScratch;
  const { succStart, succs, rank: rankOf, order } = items;
  let tree = new Int32Array(64);
  for (let r = 0; r + 1 < ranks.length; r++) {
    let count = 0;
    const rank = ranks[r]!;
    for (let k = 0; k < rank.length; k++) {
      const id = rank[k]!;
      const from = count;
      for (let j = succStart[id]!; j < succStart[id + 1]!; j++) {
        const succ = succs[j]!;
        if (rankOf[succ] === r + 1) ends[count++] = order[succ]!;
      }
      if (count - from > 1) ends.subarray(from, count).sort();
    }
    const size = ranks[r + 1]!.length;
    if (tree.length < size + 1) tree = new Int32Array(2 * size + 1);
    else tree.fill(0, 0, size + 1);
    for (let k = 0; k < count; k++) {
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
    for (let k = 0; k < rank.length; k++) {
      const id = rank[k]!;
      if (k > 0) y += items.height[rank[k - 1]!]! / 2 + ITEM_GAP + items.height[id]! / 2;
      items.y[id] = y;
    }
  }
  const maxSize = ranks.reduce((m, r) => Math.max(m, r.length), 0);
  const desired = new Float64Array(maxSize);
  const weights = new Float64Array(maxSize);
  const scratch = { offset: new Float64Array(maxSize), mean: new Float64Array(maxSize), weight: new Float64Array(maxSize), size: new Int32Array(maxSize) };
  const passes = 2 * Math.max(1, Math.min(4, Math.floor(PLACE_WORK / (2 * items.count))));
  // Each link's weight, seen from either end (fixed for the whole placement).
  const { dummy, light, y, line } = items;
  const linkWeights = (start: Int32Array, list: Int32Array): [Float64Array, Float64Array] => {
    const weightOf = new Float64Array(list.length);
    const total = new Float64Array(items.count);
    for (let id = 0; id < items.count; id++) {
      let w = 0;
      for (let j = start[id]!; j < start[id + 1]!; j++) {
        const nb = list[j]!;
        // Segment-to-segment links weigh most, so long edges run straight (as in Gansner et al.).
        const base = dummy[id]! && dummy[nb]! ? 8 : dummy[id]! || dummy[nb]! ? 2 : 1;
        weightOf[j] = light[nb]! && !light[id]! ? base / 64 : base;
        w += weightOf[j]!;
      }
      total[id] = w;
    }
    return [weightOf, total];
  };
  const [predWeight, predTotal] = linkWeights(items.predStart, items.preds);
  const [succWeight, succTotal] = linkWeights(items.succStart, items.succs);
  for (let pass = 0; pass < passes; pass++) {
    const forward = pass % 2 === 0;
    const start = forward ? items.predStart : items.succStart;
    const list = forward ? items.preds : items.succs;
    const linkWeight = forward ? predWeight : succWeight;
    const totalWeight = forward ? predTotal : succTotal;
    for (let step = 0; step < ranks.length; step++) {
      const rank = ranks[forward ? step : ranks.length - 1 - step]!;
      for (let k = 0; k < rank.length; k++) {
        const id = rank[k]!;
        let sum = 0;
        for (let j = start[id]!; j < start[id + 1]!; j++) {
          const nb = list[j]!;
          sum += linkWeight[j]! * (y[nb]! + line[nb]!);
        }
        const w = totalWeight[id]!;
        desired[k] = w > 0 ? sum / w - line[id]! : y[id]!;
        // Light items give way to the rest when they compete for a place.
        weights[k] = (w > 0 ? w : 0.01) * (light[id]! ? 1e-3 : 1);
      }
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

interface Placement {
  readonly width: number;
  readonly height: number;
  readonly bands: number;
  /** Every item's centre, into `x` and `y`. */
  place(x: Float64Array, y: Float64Array): void;
  /** Whether a link runs from one band into another. */
  folds(from: number, to: number): boolean;
  /** Appends the lane points of a link that runs from one band into the next; whether it did. */
  detour(from: number, to: number, out: Point[]): boolean;
}

/**
 * The x of each rank (ranks as wide as their widest item, side by side),
 * folded into bands when a viewport shape asks for it: the cuts go where
 * few links cross, near equal lengths, and each band sits below the last.
 */
function placeBands(ranks: Int32Array[], items: Items, viewport: Size | undefined): Placement {
  const aspect = viewport && viewport.width > 0 && viewport.height > 0 ? viewport.width / viewport.height : 0;
  const R = ranks.length;
  const rankX = new Float64Array(R);
  const half = new Float64Array(R);
  let x = MARGIN;
  for (let r = 0; r < R; r++) {
    half[r] = widest(ranks[r]!, items) / 2;
    rankX[r] = x + half[r]!;
    x += 2 * half[r]! + RANK_GAP;
  }
  const length = R === 0 ? 0 : rankX[R - 1]! + half[R - 1]! - MARGIN;
  // Each rank's extent across, so a band's is a min and max over its ranks.
  const rankLo = new Float64Array(R).fill(Infinity);
  const rankHi = new Float64Array(R).fill(-Infinity);
  for (let r = 0; r < R; r++) {
    for (const id of ranks[r]!) {
      rankLo[r] = Math.min(rankLo[r]!, items.y[id]! - items.height[id]! / 2);
      rankHi[r] = Math.max(rankHi[r]!, items.y[id]! + items.height[id]! / 2);
    }
  }
  const top = (r0: number, r1: number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = r0; r <= r1; r++) {
      lo = Math.min(lo, rankLo[r]!);
      hi = Math.max(hi, rankHi[r]!);
    }
    return lo === Infinity ? [0, 0] : [lo, hi];
  };
  // Links leaving each rank towards the next: what a cut after that rank would cut.
  const load = new Int32Array(R);
  for (let r = 0; r < R; r++) for (const id of ranks[r]!) load[r]! += items.succStart[id + 1]! - items.succStart[id]!;
  /** Width over height of the drawing folded at `cuts`. */
  const shapeOf = (cuts: readonly number[]): number => {
    let height = 0;
    let width = 0;
    let start = 0;
    cuts.concat([R - 1]).forEach((c, b) => {
      const [lo, hi] = top(start, c);
      height += hi - lo + (b < cuts.length ? BAND_GAP + load[c]! * LANE : 0);
      width = Math.max(width, rankX[c]! + half[c]! - (rankX[start]! - half[start]!));
      start = c + 1;
    });
    return width / Math.max(1, height);
  };
  /** The whole width of the drawing folded at `cuts`: its longest band, the lanes on either side and the margins. */
  const widthOf = (cuts: readonly number[]): number => {
    let widest = 0;
    let lanes = 0;
    let start = 0;
    cuts.concat([R - 1]).forEach((c, b) => {
      const laneRoom = b < cuts.length ? BAND_GAP / 2 + load[c]! * LANE : 0;
      widest = Math.max(widest, rankX[c]! + half[c]! - (rankX[start]! - half[start]!) + laneRoom);
      if (b < cuts.length) lanes = Math.max(lanes, load[c]!);
      start = c + 1;
    });
    return 2 * MARGIN + widest + (cuts.length ? BAND_GAP / 2 + lanes * LANE : 0);
  };
  /** The whole height of the drawing folded at `cuts`, margins included. */
  const heightOf = (cuts: readonly number[]): number => {
    let height = 2 * MARGIN;
    let start = 0;
    cuts.concat([R - 1]).forEach((c, b) => {
      const [lo, hi] = top(start, c);
      height += hi - lo + (b < cuts.length ? BAND_GAP + load[c]! * LANE : 0);
      start = c + 1;
    });
    return height;
  };
  let cuts: number[] = [];
  if (viewport && aspect > 0 && R > 4 && length + 2 * MARGIN > viewport.width && shapeOf([]) > FOLD_FROM * aspect) {
    // The number of bands whose folded shape comes nearest the viewport's (the shape falls as bands are added).
    let lo = 2;
    let hi = Math.max(2, Math.floor(R / 4));
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (shapeOf(chooseCuts(rankX, half, load, length, mid)) > aspect) lo = mid + 1;
      else hi = mid;
    }
    const candidates = [lo - 1, lo].filter((k) => k >= 2).map((k) => chooseCuts(rankX, half, load, length, k));
    cuts = candidates.reduce((best, c) => (Math.abs(Math.log(shapeOf(c) / aspect)) < Math.abs(Math.log(shapeOf(best) / aspect)) ? c : best), candidates[0] ?? []);
    // Not whole in the viewport, but more bands would fit it whole (a small graph just too wide): as few more as do.
    if (widthOf(cuts) > viewport.width || heightOf(cuts) > viewport.height) {
      for (let k = cuts.length + 2; k <= Math.floor(R / 2) && widthOf(cuts) > viewport.width; k++) {
        const more = chooseCuts(rankX, half, load, length, k);
        if (more.length < k - 1 || heightOf(more) > viewport.height) break;
        if (widthOf(more) <= viewport.width) cuts = more;
      }
    }
  }
  const bandOf = new Int32Array(R);
  const bandStart = [0, ...cuts.map((c) => c + 1)];
  const bandEnd = [...cuts, R - 1];
  bandStart.forEach((s, b) => bandOf.fill(b, s, bandEnd[b]! + 1));
  const lanes = cuts.map((c) => load[c]!);
  const maxLanes = lanes.reduce((m, l) => Math.max(m, l), 0);
  const left = MARGIN + (cuts.length ? BAND_GAP / 2 + maxLanes * LANE : 0);
  const shiftX: number[] = [];
  const shiftY: number[] = [];
  const bottom: number[] = [];
  const right: number[] = [];
  let cursor = MARGIN;
  let width = 0;
  bandStart.forEach((s, b) => {
    const e = bandEnd[b]!;
    const [lo, hi] = top(s, e);
    shiftX[b] = left - (rankX[s]! - half[s]!);
    shiftY[b] = cursor - lo;
    bottom[b] = cursor + hi - lo;
    right[b] = rankX[e]! + half[e]! + shiftX[b]!;
    const laneRoom = b < cuts.length ? BAND_GAP / 2 + lanes[b]! * LANE : 0;
    width = Math.max(width, right[b]! + laneRoom + MARGIN);
    cursor = bottom[b]! + (b < cuts.length ? BAND_GAP + lanes[b]! * LANE : 0);
  });
  if (R === 0) width = 2 * MARGIN;
  const at = (i: number): Point => {
    const b = bandOf[items.rank[i]!]!;
    return { x: rankX[items.rank[i]!]! + shiftX[b]!, y: items.y[i]! + shiftY[b]! };
  };
  const place = (x: Float64Array, y: Float64Array): void => {
    for (let i = 0; i < items.count; i++) {
      const r = items.rank[i]!;
      const b = bandOf[r]!;
      x[i] = rankX[r]! + shiftX[b]!;
      y[i] = items.y[i]! + shiftY[b]!;
    }
  };
  // Lane of each link crossing a cut: the lowest link takes the innermost lane on the right, so they nest.
  const laneOf = new Map<number, number>();
  cuts.forEach((c) => {
    const leaving: { key: number; y: number }[] = [];
    for (const id of ranks[c]!) for (let j = items.succStart[id]!; j < items.succStart[id + 1]!; j++) leaving.push({ key: j, y: items.y[id]! });
    leaving.sort((a, b) => b.y - a.y || a.key - b.key);
    leaving.forEach((l, k) => laneOf.set(l.key, k));
  });
  return {
    width,
    height: cursor + MARGIN,
    bands: bandStart.length,
    place,
    folds: (from, to) => cuts.length > 0 && bandOf[items.rank[from]!] !== bandOf[items.rank[to]!],
    detour(from, to, out) {
      const b = bandOf[items.rank[from]!]!;
      if (cuts.length === 0 || bandOf[items.rank[to]!] === b) return false;
      let j = items.succStart[from]!;
      while (j < items.succStart[from + 1]! && items.succs[j] !== to) j++;
      const lane = laneOf.get(j) ?? 0;
      const p = at(from);
      const q = at(to);
      const rx = right[b]! + BAND_GAP / 4 + lane * LANE;
      const gy = bottom[b]! + BAND_GAP / 2 + lane * LANE;
      const lx = left - BAND_GAP / 4 - (lanes[b]! - 1 - lane) * LANE;
      out.push({ x: rx, y: p.y }, { x: rx, y: gy }, { x: lx, y: gy }, { x: lx, y: q.y });
      return true;
    },
  };
}

/**
 * Where to fold into `k` bands of about equal length: each cut, after a node
 * rank, is the one within a quarter band of its ideal place that the fewest
 * links cross.
 */
function chooseCuts(rankX: Float64Array, half: Float64Array, load: Int32Array, length: number, k: number): number[] {
  const R = rankX.length;
  const bandLength = length / k;
  const cuts: number[] = [];
  let r = 0;
  for (let j = 1; j < k; j++) {
    const ideal = MARGIN + j * bandLength;
    let best = -1;
    for (let c = r; c < R - 1; c++) {
      const end = rankX[c]! + half[c]!;
      if (end < ideal - bandLength / 4) continue;
      if (end > ideal + bandLength / 4 && best >= 0) break;
      if (c % 2 !== 0) continue;
      if (best < 0 || load[c]! < load[best]! || (load[c] === load[best] && Math.abs(end - ideal) < Math.abs(rankX[best]! + half[best]! - ideal))) best = c;
    }
    if (best < 0 || best >= R - 2) break;
    cuts.push(best);
    r = best + 2;
  }
  return cuts;
}

function widest(rank: Int32Array, items: Items): number {
  let w = 0;
  for (const id of rank) w = Math.max(w, items.width[id]!);
  return w;
}
