/**
 * `layoutGraph`: where every node and arrow of a graph goes, in either of the
 * two views. Layout depends only on the graph's shape (never on values), so
 * it runs once per graph and a step only changes labels.
 */
import type { NodeKind } from '../graph/graph';
import { dagreLayout } from './dagreLayout';
import type { DrawableGraph } from './drawableGraph';
import { labelBudget } from './labelText';
import { layeredLayout } from './layeredLayout';
import type { LayoutEngineInput, LayoutEngineResult, Point, Size } from './layoutEngine';
import { FONT_SIZE, textWidth } from './textMetrics';

/** Operations as nodes with values on the arrows (the textbook), or values as nodes (micrograd's drawing). */
export type GraphView = 'operations' | 'values';

export const GRAPH_VIEWS: readonly GraphView[] = ['operations', 'values'];

/**
 * Up to this many boxes dagre lays the graph out; above, the layered layout
 * does (dagre takes 0.05–0.15 s at this size and grows quadratically; the
 * figures are in docs/panel.md).
 */
export const DAGRE_MAX_NODES = 40;

export type NodeShape = 'circle' | 'pill' | 'box' | 'record' | 'text';

/** A drawn node: an operation, a leaf, a value record, or the output's name at the end of its arrow. */
export interface LayoutNode {
  readonly role: 'op' | 'leaf' | 'value' | 'output';
  readonly graphNode: number;
  readonly kind: NodeKind;
  readonly shape: NodeShape;
  readonly label: string;
  /** Centre of the shape. */
  readonly x: number;
  readonly y: number;
  /** Size of the shape (without the caption). */
  readonly width: number;
  readonly height: number;
  /** Whether a line below the shape shows the accumulated gradient (a value used more than once). */
  readonly caption: boolean;
}

/** A drawn arrow. */
export interface LayoutEdge {
  readonly from: number;
  readonly to: number;
  /** The graph node whose value flows along it. */
  readonly source: number;
  /** The graph node it feeds and at which argument; null for the output's arrow and, in the values view, an op's arrow to its result. */
  readonly consumer: number | null;
  readonly inputIndex: number;
  /** SVG path data. */
  readonly path: string;
  /** Where the value (above) and gradient (below) labels are centred; null when the arrow carries none. */
  readonly label: Point | null;
}

/** Left to right as in the textbook, or top to bottom (setting `graphstep.panel.layoutDirection`). */
export type LayoutDirection = 'LR' | 'TB';

export interface GraphLayout {
  readonly view: GraphView;
  readonly direction: LayoutDirection;
  readonly engine: 'dagre' | 'layered';
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
}

export interface LayoutOptions {
  /** Force an engine; by default dagre for small graphs and the layered layout above DAGRE_MAX_NODES. */
  readonly engine?: 'auto' | 'dagre' | 'layered';
  /** Default `LR`. */
  readonly direction?: LayoutDirection;
}

const LABEL_HEIGHT = 34;
const CAPTION_HEIGHT = 16;
const LEAF_HEIGHT = 26;
/** A record is three rows (name, data, grad), or two for an unnamed value. */
const RECORD_ROW = 16;
const RECORD_HEIGHT = 3 * RECORD_ROW + 6;
const MIN_CIRCLE = 40;

type NodeSpec = Omit<LayoutNode, 'x' | 'y'>;
interface EdgeSpec {
  readonly from: number;
  readonly to: number;
  readonly source: number;
  readonly consumer: number | null;
  readonly inputIndex: number;
  readonly label?: Size;
}

export function layoutGraph(graph: DrawableGraph, view: GraphView, options: LayoutOptions = {}): GraphLayout {
  const { nodes, edges } = view === 'operations' ? operationsView(graph) : valuesView(graph);
  const engine = options.engine === 'dagre' || options.engine === 'layered' ? options.engine : nodes.length <= DAGRE_MAX_NODES ? 'dagre' : 'layered';
  // Top to bottom is laid out left to right with every box turned a quarter (width and
  // height swapped), then mirrored across the diagonal: the engines and the arrow
  // shapes only ever think left to right.
  const tb = options.direction === 'TB';
  const turn = (size: Size): Size => (tb ? { width: size.height, height: size.width } : size);
  const input: LayoutEngineInput = {
    nodes: nodes.map((n) => turn({ width: n.width, height: n.height + (n.caption ? 2 * CAPTION_HEIGHT : 0) })),
    // Top to bottom, the value and the gradient sit left and right of the arrow: twice the room across.
    edges: edges.map((e) => (e.label ? { from: e.from, to: e.to, label: tb ? { width: e.label.height, height: 2 * e.label.width } : e.label } : { from: e.from, to: e.to })),
  };
  const result: LayoutEngineResult = engine === 'dagre' ? dagreLayout(input) : layeredLayout(input);
  const placed = nodes.map((n, i): LayoutNode => ({ ...n, ...turn({ width: n.width, height: n.height }), x: round(result.nodes[i]!.x), y: round(result.nodes[i]!.y) }));
  const mirror = (p: Point): Point => (tb ? { x: p.y, y: p.x } : p);
  return {
    view,
    direction: tb ? 'TB' : 'LR',
    engine,
    width: Math.ceil(tb ? result.height : result.width),
    height: Math.ceil(tb ? result.width : result.height),
    nodes: placed.map((n, i) => (tb ? { ...n, ...mirror(n), width: nodes[i]!.width, height: nodes[i]!.height } : n)),
    edges: edges.map((e, i): LayoutEdge => {
      const r = result.edges[i]!;
      const label = r.label ? { x: round(r.label.x), y: round(r.label.y) } : null;
      return {
        from: e.from,
        to: e.to,
        source: e.source,
        consumer: e.consumer,
        inputIndex: e.inputIndex,
        label: label && mirror(label),
        path: edgePath(placed[e.from]!, placed[e.to]!, r.points, label, e.label && (tb ? { width: e.label.height, height: 2 * e.label.width } : e.label), tb),
      };
    }),
  };
}

function operationsView(graph: DrawableGraph): { nodes: NodeSpec[]; edges: EdgeSpec[] } {
  const uses = countUses(graph);
  const nodes: NodeSpec[] = graph.nodes.map((n) => {
    const caption = uses[n.id]! > 1;
    if (n.kind !== 'op') return { role: 'leaf', graphNode: n.id, kind: n.kind, shape: 'box', label: n.label, width: textWidth(n.label, FONT_SIZE.label) + 20, height: LEAF_HEIGHT, caption };
    const w = textWidth(n.label, FONT_SIZE.symbol);
    if (w <= 30) return { role: 'op', graphNode: n.id, kind: n.kind, shape: 'circle', label: n.label, width: MIN_CIRCLE, height: MIN_CIRCLE, caption };
    return { role: 'op', graphNode: n.id, kind: n.kind, shape: 'pill', label: n.label, width: w + 28, height: 36, caption };
  });
  const edges: EdgeSpec[] = [];
  for (const n of graph.nodes) {
    n.inputs.forEach((input, k) => edges.push({ from: input, to: n.id, source: input, consumer: n.id, inputIndex: k, label: labelSize(graph.nodes[input]!.shape) }));
  }
  if (graph.output !== null) {
    const text = graph.outputName ?? 'output';
    const sink = nodes.length;
    nodes.push({ role: 'output', graphNode: graph.output, kind: graph.nodes[graph.output]!.kind, shape: 'text', label: text, width: textWidth(text, FONT_SIZE.label) + 8, height: 20, caption: false });
    edges.push({ from: graph.output, to: sink, source: graph.output, consumer: null, inputIndex: 0, label: labelSize(graph.nodes[graph.output]!.shape) });
  }
  return { nodes, edges };
}

function valuesView(graph: DrawableGraph): { nodes: NodeSpec[]; edges: EdgeSpec[] } {
  const nodes: NodeSpec[] = [];
  const edges: EdgeSpec[] = [];
  const record: number[] = [];
  const uses = countUses(graph);
  for (const n of graph.nodes) {
    let op = -1;
    if (n.kind === 'op') {
      op = nodes.length;
      const w = textWidth(n.label, FONT_SIZE.symbol);
      nodes.push({ role: 'op', graphNode: n.id, kind: n.kind, shape: w <= 30 ? 'circle' : 'pill', label: n.label, width: w <= 30 ? MIN_CIRCLE : w + 28, height: w <= 30 ? MIN_CIRCLE : 36, caption: false });
      n.inputs.forEach((input, k) => edges.push({ from: record[input]!, to: op, source: input, consumer: n.id, inputIndex: k }));
    }
    const name = n.name ?? (n.kind === 'op' ? '' : n.label);
    const chars = labelBudget(n.shape);
    const width = Math.max(textWidth(name, FONT_SIZE.label), textWidth('data ' + '0'.repeat(chars), FONT_SIZE.label), textWidth('grad ' + '0'.repeat(chars) + (uses[n.id]! > 1 ? ' (9/9)' : ''), FONT_SIZE.label)) + 14;
    record[n.id] = nodes.length;
    nodes.push({ role: 'value', graphNode: n.id, kind: n.kind, shape: 'record', label: name, width, height: name ? RECORD_HEIGHT : RECORD_HEIGHT - RECORD_ROW, caption: false });
    if (op >= 0) edges.push({ from: op, to: record[n.id]!, source: n.id, consumer: null, inputIndex: 0 });
  }
  return { nodes, edges };
}

/** How many arrows leave each node (the output's own arrow counts). */
function countUses(graph: DrawableGraph): number[] {
  const uses = graph.nodes.map(() => 0);
  for (const n of graph.nodes) for (const i of n.inputs) uses[i]!++;
  if (graph.output !== null) uses[graph.output]!++;
  return uses;
}

function labelSize(shape: readonly number[]): Size {
  return { width: textWidth('0'.repeat(labelBudget(shape)), FONT_SIZE.label) + 8, height: LABEL_HEIGHT };
}

/**
 * An arrow from the right side of one shape to the left side of the next,
 * through the engine's bend points, leaving and arriving horizontally (the
 * textbook's arrows), straight under its label.
 */
function edgePath(from: LayoutNode, to: LayoutNode, bends: readonly Point[], label: Point | null, labelBox: Size | undefined, mirrored: boolean): string {
  // Mirroring across the diagonal is affine, so the curves stay the same curves.
  const xy = (x: number, y: number): string => (mirrored ? `${fmt(y)},${fmt(x)}` : `${fmt(x)},${fmt(y)}`);
  const points: Point[] = [];
  for (const p of bends) {
    if (label && labelBox && p.x === label.x && p.y === label.y) {
      points.push({ x: p.x - labelBox.width / 2, y: p.y }, { x: p.x + labelBox.width / 2, y: p.y });
    } else points.push(p);
  }
  if (label && labelBox && bends.length === 0) {
    points.push({ x: label.x - labelBox.width / 2, y: label.y }, { x: label.x + labelBox.width / 2, y: label.y });
  }
  const first = points[0] ?? to;
  const last = points[points.length - 1] ?? from;
  const all = [boundary(from, first.y, 1), ...points, boundary(to, last.y, -1)];
  let d = `M${xy(all[0]!.x, all[0]!.y)}`;
  for (let i = 1; i < all.length; i++) {
    const p = all[i - 1]!;
    const q = all[i]!;
    if (Math.abs(q.y - p.y) < 0.5 || q.x <= p.x) d += `L${xy(q.x, q.y)}`;
    else {
      const mx = (p.x + q.x) / 2;
      d += `C${xy(mx, p.y)} ${xy(mx, q.y)} ${xy(q.x, q.y)}`;
    }
  }
  return d;
}

/** The point on a shape's right (side 1) or left (side -1) edge where an arrow towards height `towardY` meets it. */
function boundary(n: LayoutNode, towardY: number, side: 1 | -1): Point {
  const half = n.height / 2;
  const dy = Math.max(-half * 0.5, Math.min(half * 0.5, (towardY - n.y) * 0.5));
  if (n.shape === 'circle') {
    const r = n.width / 2;
    return { x: n.x + side * Math.sqrt(r * r - dy * dy), y: n.y + dy };
  }
  if (n.shape === 'pill') {
    const r = n.height / 2;
    return { x: n.x + side * (n.width / 2 - r + Math.sqrt(r * r - dy * dy)), y: n.y + dy };
  }
  if (n.shape === 'text') return { x: n.x + side * (n.width / 2 + 2), y: n.y };
  return { x: n.x + side * (n.width / 2), y: n.y + dy };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function fmt(x: number): string {
  return String(Math.round(x * 10) / 10);
}
