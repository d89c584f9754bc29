/**
 * Groups in the layout. A collapsed group becomes one box (arrows to and from
 * its nodes attach to the box); an expanded group becomes a cluster: laid out
 * on its own (arrows from outside enter through ports on its left, arrows
 * leaving it exit through ports on its right), then placed in the enclosing
 * layout as one box with a frame and a title around it.
 */
import type { NodeKind } from '../graph/graph';
import type { DrawableGraph, DrawableGroup } from './drawableGraph';
import { layeredLayout } from './layeredLayout';
import { FONT_SIZE, textWidth } from './textMetrics';
import type { LayoutEngineInput, LayoutEngineResult, Point, Size } from './layoutEngine';

/** Above this many operations a graph opens with its function and block groups collapsed. */
export const COLLAPSE_ABOVE_OPS = 300;
/** Room for a frame's title, on the side where the drawing's top is. */
const TITLE = 18;
const PORT_HEIGHT = 6;
/** Room left and right of a frame's title. */
const TITLE_INSET = 8;

interface SpecNode {
  readonly graphNode: number;
  readonly role: string;
}

interface SpecEdge {
  readonly from: number;
  readonly to: number;
  readonly source: number;
  readonly consumer: number | null;
  readonly inputIndex: number;
}

export type MakeBox<N> = (label: string, graphNode: number, kind: NodeKind, single: boolean, shape: readonly number[], group: number, key: string) => N;

/**
 * Which groups a graph opens with collapsed: none up to COLLAPSE_ABOVE_OPS
 * operations; above, function and block groups, the innermost level first,
 * then each level out, until at most that many boxes and nodes are drawn
 * (so opening a block shows its calls still closed).
 */
export function defaultCollapsed(graph: DrawableGraph): Set<string> {
  const groups = graph.groups ?? [];
  const ops = graph.nodes.reduce((c, n) => c + (n.kind === 'op' ? 1 : 0), 0);
  const collapsed = new Set<string>();
  if (ops <= COLLAPSE_ABOVE_OPS || groups.length === 0) return collapsed;
  const depth = groupDepths(groups);
  const candidates = groups.filter((g) => g.kind !== 'composite');
  const levels = [...new Set(candidates.map((g) => depth[g.id]!))].sort((a, b) => b - a);
  for (const level of levels) {
    for (const g of candidates) if (depth[g.id] === level) collapsed.add(g.key);
    if (drawnCount(graph, collapsed) <= COLLAPSE_ABOVE_OPS) break;
  }
  return collapsed;
}

function groupDepths(groups: readonly DrawableGroup[]): number[] {
  const depth: number[] = [];
  // Parents come before children.
  for (const g of groups) depth[g.id] = g.parent === null ? 0 : (depth[g.parent] ?? 0) + 1;
  return depth;
}

/** For each group, its outermost collapsed ancestor (itself included), or -1. */
function outermostCollapsed(groups: readonly DrawableGroup[], collapsed: ReadonlySet<string>): Int32Array {
  const top = new Int32Array(groups.length).fill(-1);
  for (const g of groups) {
    const up = g.parent === null ? -1 : top[g.parent]!;
    top[g.id] = up >= 0 ? up : collapsed.has(g.key) ? g.id : -1;
  }
  return top;
}

function drawnCount(graph: DrawableGraph, collapsed: ReadonlySet<string>): number {
  const groups = graph.groups ?? [];
  const top = outermostCollapsed(groups, collapsed);
  const boxes = new Uint8Array(groups.length);
  let count = 0;
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const g = nodes[i]!.group ?? null;
    const box = g === null ? -1 : top[g]!;
    if (box < 0) count++;
    else if (boxes[box] === 0) {
      boxes[box] = 1;
      count++;
    }
  }
  return count;
}

/**
 * For each graph node, the collapsed group whose box it is drawn in (its
 * outermost collapsed group), or -1 when it is drawn itself; null when no
 * group is collapsed. Lets a view skip what no drawing shows.
 */
export function collapsedBoxes(graph: DrawableGraph, collapsed: ReadonlySet<string>): Int32Array | null {
  const groups = graph.groups ?? [];
  if (groups.length === 0 || collapsed.size === 0) return null;
  const top = outermostCollapsed(groups, collapsed);
  const nodes = graph.nodes;
  const box = new Int32Array(nodes.length);
  let any = false;
  for (let i = 0; i < nodes.length; i++) {
    const g = nodes[i]!.group ?? null;
    const b = g === null ? -1 : top[g]!;
    box[i] = b;
    if (b >= 0) any = true;
  }
  return any ? box : null;
}

/**
 * The nodes and arrows drawn once the collapsed groups are boxes, in an
 * order every arrow runs forward in; each node with the expanded group
 * (cluster) it is drawn in. Arrows from one value into a box merge into one.
 *
 * A node inside a collapsed box, which is never drawn, may be given as just
 * its graph node's id, and the arrows between two nodes of the same box may
 * be left out. When the boxes would make arrows run backwards the drawing
 * falls back to every node expanded: `complete` then gives the whole view
 * (it must be given when any node is an id).
 */
export function collapseGroups<N extends SpecNode, E extends SpecEdge>(
  graph: DrawableGraph,
  nodes: readonly (N | number)[],
  edges: readonly E[],
  collapsed: ReadonlySet<string>,
  makeBox: MakeBox<N>,
  complete?: () => { nodes: readonly (N | number)[]; edges: readonly E[] },
): { nodes: (N & { readonly cluster: number | null })[]; edges: E[] } {
  const groups = graph.groups ?? [];
  const groupOf = (spec: N): number | null => (spec.role === 'output' ? null : graph.nodes[spec.graphNode]?.group ?? null);
  const specs = (list: readonly (N | number)[]): N[] => list.filter((n): n is N => typeof n !== 'number');
  if (groups.length === 0) return { nodes: specs(nodes).map((n) => ({ ...n, cluster: null })), edges: edges.slice() };
  const top = outermostCollapsed(groups, collapsed);
  // Where each spec node is drawn: itself, or the box of its outermost collapsed group.
  const boxIndex = new Map<number, number>();
  const drawnAs = new Int32Array(nodes.length);
  const boxGroup: number[] = [];
  // each box's last graph node, and whether it holds the output
  const boxLast: number[] = [];
  const boxHasOutput: boolean[] = [];
  let count = 0;
  const firstSpec: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const spec = nodes[i]!;
    const graphNode = typeof spec === 'number' ? spec : spec.graphNode;
    const g = typeof spec === 'number' ? graph.nodes[spec]!.group ?? null : groupOf(spec);
    const box = g === null ? -1 : top[g]!;
    if (box < 0) {
      firstSpec[count] = i;
      drawnAs[i] = count++;
      continue;
    }
    let b = boxIndex.get(box);
    if (b === undefined) {
      b = count++;
      boxIndex.set(box, b);
      boxGroup[b] = box;
      boxLast[b] = graphNode;
      boxHasOutput[b] = false;
      firstSpec[b] = i;
    }
    if (graphNode > boxLast[b]!) boxLast[b] = graphNode;
    if (graphNode === graph.output) boxHasOutput[b] = true;
    drawnAs[i] = b;
  }
  const merged = new Map<string, number>();
  const drawnEdges: { edge: E; from: number; to: number; merged: number }[] = [];
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k]!;
    const from = drawnAs[e.from]!;
    const to = drawnAs[e.to]!;
    if (from === to) continue;
    const key = boxGroup[to] !== undefined ? `${e.source}>${to}` : '';
    const known = key ? merged.get(key) : undefined;
    if (known !== undefined) {
      drawnEdges[known]!.merged++;
      continue;
    }
    if (key) merged.set(key, drawnEdges.length);
    drawnEdges.push({ edge: e, from, to, merged: 1 });
  }
  const order = topologicalOrder(count, drawnEdges, firstSpec);
  if (!order) {
    const whole = complete ? complete() : { nodes, edges };
    return { nodes: specs(whole.nodes).map((n) => ({ ...n, cluster: groupOf(n) })), edges: whole.edges.slice() };
  }
  const position = new Int32Array(count);
  order.forEach((d, k) => (position[d] = k));
  // Each box's outputs: values from inside it used outside it.
  const outputsOf = new Map<number, Set<number>>();
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k]!;
    const d = drawnAs[e.from]!;
    if (boxGroup[d] === undefined || drawnAs[e.to] === d) continue;
    let set = outputsOf.get(d);
    if (!set) outputsOf.set(d, (set = new Set()));
    set.add(e.source);
  }
  const out: (N & { readonly cluster: number | null })[] = order.map((d) => {
    const g = boxGroup[d];
    if (g === undefined) {
      // drawn itself: never given as an id (an id stands only for a node inside a collapsed box)
      const spec = nodes[firstSpec[d]!] as N;
      return { ...spec, cluster: groupOf(spec) };
    }
    const outputs = outputsOf.get(d) ?? new Set<number>();
    if (graph.output !== null && boxHasOutput[d]) outputs.add(graph.output);
    const single = outputs.size === 1;
    const shown = single ? [...outputs][0]! : Math.max(0, boxLast[d]!);
    const group = groups[g]!;
    const box = makeBox(group.label, shown, graph.nodes[shown]!.kind, single, graph.nodes[shown]!.shape, g, group.key);
    return { ...box, cluster: group.parent };
  });
  return {
    nodes: out,
    edges: drawnEdges.map(({ edge, from, to, merged: m }) => ({ ...edge, from: position[from]!, to: position[to]!, consumer: m > 1 ? null : edge.consumer })),
  };
}

/** Kahn's algorithm, taking the ready node that came first in the source; null on a cycle. */
function topologicalOrder(count: number, edges: readonly { from: number; to: number }[], priority: readonly number[]): number[] | null {
  const indegree = new Int32Array(count);
  const succStart = new Int32Array(count + 1);
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k]!;
    indegree[e.to]!++;
    succStart[e.from + 1]!++;
  }
  for (let i = 0; i < count; i++) succStart[i + 1]! += succStart[i]!;
  const fill = succStart.slice(0, count);
  const succs = new Int32Array(edges.length);
  for (let k = 0; k < edges.length; k++) succs[fill[edges[k]!.from]!++] = edges[k]!.to;
  const heap = new MinHeap((a, b) => priority[a]! - priority[b]!);
  for (let i = 0; i < count; i++) if (indegree[i] === 0) heap.push(i);
  const order: number[] = [];
  while (heap.size > 0) {
    const v = heap.pop();
    order.push(v);
    for (let j = succStart[v]!; j < succStart[v + 1]!; j++) if (--indegree[succs[j]!]! === 0) heap.push(succs[j]!);
  }
  return order.length === count ? order : null;
}

class MinHeap {
  private readonly items: number[] = [];
  constructor(private readonly less: (a: number, b: number) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(x: number): void {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (this.less(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export interface EngineFrame {
  readonly group: number;
  readonly key: string;
  readonly label: string;
  readonly depth: number;
  /** Centre and size, in the engine's left-to-right frame. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface GroupedResult extends LayoutEngineResult {
  readonly frames: readonly EngineFrame[];
  readonly bands: number;
}

export interface GroupedOptions {
  readonly wrapTo?: Size;
  /** Where a frame's title goes in the engine's frame: `top`, or `left` (the drawing's top once turned top to bottom). */
  readonly titleSide: 'top' | 'left';
}

/** A unit of one cluster's own layout: a node, a child cluster's box, or a port. */
type Unit = { readonly kind: 'node'; readonly node: number } | { readonly kind: 'cluster'; readonly group: number } | { readonly kind: 'entry' | 'exit'; readonly source: number };

interface Level {
  readonly group: number | null;
  readonly units: Unit[];
  readonly unitOf: Map<string, number>;
  readonly edges: { from: number; to: number; label?: Size }[];
  readonly edgeOf: Map<string, number>;
  result?: LayoutEngineResult & { readonly bands: number };
  /** Top-left of this level's drawing in the root's coordinates. */
  origin?: Point;
  /** The box's inside: the drawing, widened to the title when that is longer. */
  size?: Size;
  /** Where the drawing starts inside that box (centred when the title widened it). */
  inset?: Point;
}

/**
 * Lays out nodes, some of them in clusters (expanded groups), each cluster
 * on its own and then as one box in its parent. Without clusters this is the
 * layered layout, folded to `wrapTo`. A cluster structure that would make
 * arrows run backwards between boxes falls back to the flat layout.
 */
export function groupedLayout(input: LayoutEngineInput, clusterOf: readonly (number | null)[], groups: readonly DrawableGroup[], options: GroupedOptions): GroupedResult {
  const flat = (): GroupedResult => ({ ...layeredLayout(input, { wrapTo: options.wrapTo }), frames: [] });
  if (clusterOf.every((c) => c === null)) return flat();
  // The chain of clusters from each node's innermost one out to the top level (null).
  const chainOf = (node: number): (number | null)[] => {
    const chain: (number | null)[] = [];
    for (let c = clusterOf[node] ?? null; c !== null; c = groups[c]?.parent ?? null) chain.push(c);
    chain.push(null);
    return chain;
  };
  const chains = input.nodes.map((_, i) => chainOf(i));
  const levels = new Map<number | null, Level>();
  const level = (g: number | null): Level => {
    let l = levels.get(g);
    if (!l) {
      l = { group: g, units: [], unitOf: new Map(), edges: [], edgeOf: new Map() };
      levels.set(g, l);
    }
    return l;
  };
  const unit = (l: Level, u: Unit): number => {
    const key = u.kind === 'node' ? `n${u.node}` : u.kind === 'cluster' ? `c${u.group}` : `${u.kind}${u.source}`;
    let i = l.unitOf.get(key);
    if (i === undefined) {
      i = l.units.length;
      l.units.push(u);
      l.unitOf.set(key, i);
    }
    return i;
  };
  /** The unit standing for `node` in the cluster `g`'s own layout. */
  const lift = (node: number, g: number | null): Unit => {
    const chain = chains[node]!;
    const k = chain.indexOf(g);
    return k === 0 ? { kind: 'node', node } : { kind: 'cluster', group: chain[k - 1]! };
  };
  for (let i = 0; i < input.nodes.length; i++) {
    const chain = chains[i]!;
    unit(level(chain[0]!), { kind: 'node', node: i });
    for (let k = 1; k < chain.length; k++) unit(level(chain[k]!), { kind: 'cluster', group: chain[k - 1]! });
  }
  // Each arrow: its piece in every cluster it passes, keyed so shared pieces are laid out once.
  const pieces: { level: Level; key: string }[][] = [];
  const subEdge = (l: Level, from: Unit, to: Unit, key: string, label?: Size): { level: Level; key: string } => {
    if (!l.edgeOf.has(key)) {
      l.edgeOf.set(key, l.edges.length);
      l.edges.push(label ? { from: unit(l, from), to: unit(l, to), label } : { from: unit(l, from), to: unit(l, to) });
    }
    return { level: l, key };
  };
  input.edges.forEach((e, index) => {
    const up = chains[e.from]!;
    const down = chains[e.to]!;
    const lca = up.find((c) => down.includes(c)) ?? null;
    const route: { level: Level; key: string }[] = [];
    for (const c of up.slice(0, up.indexOf(lca))) route.push(subEdge(level(c), lift(e.from, c), { kind: 'exit', source: e.from }, `x${e.from}`));
    const target = lift(e.to, lca);
    const direct = target.kind === 'node';
    route.push(subEdge(level(lca), lift(e.from, lca), target, direct ? `e${index}` : `c${e.from}>${target.kind === 'cluster' ? target.group : ''}`, direct ? e.label : undefined));
    for (const d of down.slice(0, down.indexOf(lca)).reverse()) {
      const t = lift(e.to, d);
      const last = t.kind === 'node';
      route.push(subEdge(level(d), { kind: 'entry', source: e.from }, t, last ? `e${index}` : `n${e.from}>${t.kind === 'cluster' ? t.group : ''}`, last ? e.label : undefined));
    }
    pieces.push(route);
  });
  // Innermost clusters first, so every cluster's size is known before its parent is laid out.
  const depth = groupDepths(groups);
  const order = [...levels.values()].sort((a, b) => (b.group === null ? -1 : depth[b.group]!) - (a.group === null ? -1 : depth[a.group]!));
  const padX = options.titleSide === 'left' ? TITLE : 0;
  const padY = options.titleSide === 'top' ? TITLE : 0;
  for (const l of order) {
    const laid = layOutLevel(l, input, levels, padX, padY, l.group === null ? options.wrapTo : undefined);
    if (!laid) return flat();
    const drawn = l.size!;
    const title = l.group === null ? 0 : textWidth(groups[l.group]!.label, FONT_SIZE.title) + 2 * TITLE_INSET;
    l.size = options.titleSide === 'top' ? { width: Math.max(drawn.width, title), height: drawn.height } : { width: drawn.width, height: Math.max(drawn.height, title) };
    l.inset = { x: (l.size.width - drawn.width) / 2, y: (l.size.height - drawn.height) / 2 };
  }
  const root = levels.get(null)!;
  root.origin = { x: 0, y: 0 };
  const frames: EngineFrame[] = [];
  // Parents before children: place each cluster's drawing inside its box.
  for (const l of order.slice().reverse()) {
    const origin = l.origin!;
    l.units.forEach((u, i) => {
      if (u.kind !== 'cluster') return;
      const child = levels.get(u.group)!;
      const c = l.result!.nodes[i]!;
      const size = child.size!;
      const box = { width: size.width + padX, height: size.height + padY };
      child.origin = { x: origin.x + c.x - box.width / 2 + padX + child.inset!.x, y: origin.y + c.y - box.height / 2 + padY + child.inset!.y };
      const g = groups[u.group]!;
      frames.push({ group: g.id, key: g.key, label: g.label, depth: depth[g.id]!, x: origin.x + c.x, y: origin.y + c.y, ...box });
    });
  }
  const abs = (l: Level, p: Point): Point => ({ x: l.origin!.x + p.x, y: l.origin!.y + p.y });
  const unitPoint = (l: Level, key: string): Point => abs(l, l.result!.nodes[l.unitOf.get(key)!]!);
  const nodes = input.nodes.map((_, i) => unitPoint(level(chains[i]![0]!), `n${i}`));
  const edges = input.edges.map((_, index) => {
    const points: Point[] = [];
    let label: Point | null = null;
    for (const piece of pieces[index]!) {
      const l = piece.level;
      const k = l.edgeOf.get(piece.key)!;
      const laid = l.result!.edges[k]!;
      const sub = l.edges[k]!;
      if (l.units[sub.from]!.kind === 'entry') points.push(abs(l, l.result!.nodes[sub.from]!));
      // Next to a cluster's box the arrow heads for the port on the frame, not for the box's middle.
      const first = l.units[sub.from]!.kind === 'cluster' ? 1 : 0;
      const last = laid.points.length - (l.units[sub.to]!.kind === 'cluster' ? 1 : 0);
      for (let i = first; i < last; i++) points.push(abs(l, laid.points[i]!));
      if (l.units[sub.to]!.kind === 'exit') points.push(abs(l, l.result!.nodes[sub.to]!));
      if (laid.label && sub.label) label = abs(l, laid.label);
    }
    return { points, label };
  });
  const top = root.result!;
  return { width: top.width, height: top.height, nodes, edges, frames, bands: top.bands };
}

/** One cluster's own layout; false when its units cannot be put in an order every arrow runs forward in. */
function layOutLevel(l: Level, input: LayoutEngineInput, levels: Map<number | null, Level>, padX: number, padY: number, wrapTo: Size | undefined): boolean {
  const priority = l.units.map((u) => {
    if (u.kind === 'node') return u.node;
    // Ports in the order of their sources, so arrows entering side by side do not cross.
    if (u.kind !== 'cluster') return u.kind === 'entry' ? u.source - input.nodes.length : input.nodes.length + 1 + u.source;
    let min = Number.MAX_SAFE_INTEGER;
    const child = levels.get(u.group)!;
    for (const v of child.units) if (v.kind === 'node') min = Math.min(min, v.node);
    return min === Number.MAX_SAFE_INTEGER ? input.nodes.length : min;
  });
  // A cluster's first node decides where it sorts; clusters holding only clusters use their children's.
  const order = topologicalOrder(l.units.length, l.edges, priority);
  if (!order) return false;
  const position = new Int32Array(l.units.length);
  order.forEach((u, k) => (position[u] = k));
  const sizes: Size[] = order.map((u) => {
    const unit = l.units[u]!;
    if (unit.kind === 'node') return input.nodes[unit.node]!;
    if (unit.kind === 'cluster') {
      const s = levels.get(unit.group)!.size!;
      return { width: s.width + padX, height: s.height + padY };
    }
    return { width: 0, height: PORT_HEIGHT };
  });
  const result = layeredLayout(
    { nodes: sizes, edges: l.edges.map((e) => ({ ...e, from: position[e.from]!, to: position[e.to]! })) },
    {
      wrapTo,
      firstLayer: order.flatMap((u, k) => (l.units[u]!.kind === 'entry' ? [k] : [])),
      lastLayer: order.flatMap((u, k) => (l.units[u]!.kind === 'exit' ? [k] : [])),
    },
  );
  // Back to unit numbering.
  const nodes: Point[] = new Array(l.units.length);
  order.forEach((u, k) => (nodes[u] = result.nodes[k]!));
  l.result = { width: result.width, height: result.height, nodes, edges: result.edges, bands: result.bands };
  l.size = { width: result.width, height: result.height };
  return true;
}
