/**
 * `layoutGraph`: where every node, arrow and group frame of a graph goes, in
 * either of the two views. Layout depends only on the graph's shape, the
 * collapsed groups and the panel's shape (never on values), so it runs once
 * per graph and a step only changes labels.
 */
import type { NodeKind } from '../graph/graph';
import { dagreLayout } from './dagreLayout';
import type { DrawableGraph } from './drawableGraph';
import { labelBudget } from './labelText';
import { collapsedBoxes, collapseGroups, defaultCollapsed, groupedLayout } from './layoutGroups';
import type { LabelBox, LayoutEngineInput, Point, Size } from './layoutEngine';
import { FONT_SIZE, textWidth } from './textMetrics';

export { defaultCollapsed } from './layoutGroups';

/** Operations as nodes with values on the arrows (the textbook), or values as nodes (micrograd's drawing). */
export type GraphView = 'operations' | 'values';

export const GRAPH_VIEWS: readonly GraphView[] = ['operations', 'values'];

export type NodeShape = 'circle' | 'pill' | 'box' | 'record' | 'text' | 'group';

/** A drawn node: an operation, a leaf, a value record, the output's name at the end of its arrow, or a collapsed group. */
export interface LayoutNode {
  readonly role: 'op' | 'leaf' | 'value' | 'output' | 'group';
  /** The graph node drawn; for a collapsed group, its output (or its last node when it has several). */
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
  /** A collapsed group's index in `DrawableGraph.groups` and its key (what the panel toggles). */
  readonly group?: number;
  readonly groupKey?: string;
  /** Whether a collapsed group's box shows its output's value and gradient (it has exactly one output). */
  readonly values?: boolean;
}

/** A drawn arrow. */
export interface LayoutEdge {
  readonly from: number;
  readonly to: number;
  /** The graph node whose value flows along it. */
  readonly source: number;
  /**
   * The graph node it feeds and at which argument; null for the output's arrow, in the values view an
   * op's arrow to its result, and an arrow into a collapsed group standing for several arguments.
   */
  readonly consumer: number | null;
  readonly inputIndex: number;
  /** SVG path data. */
  readonly path: string;
  /** The arrow as a polyline from its start to its tip (what `path` curves through): for hit tests and culling. */
  readonly points: readonly Point[];
  /** Where the value (above) and gradient (below) labels are centred; null when the arrow carries none. */
  readonly label: Point | null;
}

/** The frame around an expanded group, its title at the top left. */
export interface LayoutFrame {
  readonly group: number;
  readonly key: string;
  readonly label: string;
  /** Centre and size of the frame. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Nesting depth (0: a top-level group). */
  readonly depth: number;
}

/** Left to right as in the textbook, or top to bottom. */
export type LayoutDirection = 'LR' | 'TB';

/** The setting `graphstep.panel.layoutDirection`: a direction, or `auto` (from the panel's shape). */
export type DirectionSetting = LayoutDirection | 'auto';

export interface GraphLayout {
  readonly view: GraphView;
  readonly direction: LayoutDirection;
  readonly engine: 'dagre' | 'layered';
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  /** Frames of the expanded groups, outer before inner. */
  readonly frames: readonly LayoutFrame[];
  /** Bands (rows left to right, columns top to bottom) a long drawing was folded into; 1 when not folded. */
  readonly bands: number;
}

export interface LayoutOptions {
  /** Force an engine; by default GraphStep's layered layout (dagre is kept for comparison, and ignores groups and folding). */
  readonly engine?: 'auto' | 'dagre' | 'layered';
  /** Default `auto`: left to right in a wide viewport (or none), top to bottom in a tall one. */
  readonly direction?: DirectionSetting;
  /** Keys of the groups drawn as one box; by default `defaultCollapsed(graph)`. */
  readonly collapsed?: ReadonlySet<string>;
  /** The panel's size in px: picks the `auto` direction and the shape a long drawing is folded to. */
  readonly viewport?: Size;
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

/** Left to right unless the viewport is taller than wide. */
export function resolveDirection(setting: DirectionSetting | undefined, viewport?: Size): LayoutDirection {
  if (setting === 'LR' || setting === 'TB') return setting;
  return viewport && viewport.height > viewport.width ? 'TB' : 'LR';
}

/**
 * Lays a graph out. The direction may be given on its own (`layoutGraph(g, view, 'auto', { viewport })`)
 * or inside the options.
 */
export function layoutGraph(graph: DrawableGraph, view: GraphView, direction?: DirectionSetting | LayoutOptions, more: LayoutOptions = {}): GraphLayout {
  const options: LayoutOptions = typeof direction === 'object' ? { ...direction, ...more } : { ...more, direction: direction ?? more.direction };
  const dir = resolveDirection(options.direction, options.viewport);
  const collapsed = options.collapsed ?? defaultCollapsed(graph);
  // Collapse first: the nodes and arrows inside a collapsed box are never drawn, so they are not measured.
  const boxes = collapsedBoxes(graph, collapsed);
  const viewOf = (drawnIn: Int32Array | null): ViewSpecs => (view === 'operations' ? operationsView(graph, drawnIn) : valuesView(graph, drawnIn));
  const specs = viewOf(boxes);
  const visible = collapseGroups(graph, specs.nodes, specs.edges, collapsed, groupBox, boxes ? () => viewOf(null) : undefined);
  const viewport = options.viewport && options.viewport.width > 0 && options.viewport.height > 0 ? options.viewport : undefined;
  const layout = layoutVisible(graph, view, visible, dir, viewport, options);
  // `auto` in a panel of nearly any shape: a small graph that is not whole in the panel one way but is the other way is drawn that way.
  if ((options.direction ?? 'auto') === 'auto' && viewport && visible.nodes.length <= BOTH_DIRECTIONS_UP_TO && !wholeIn(layout, viewport)) {
    const other = layoutVisible(graph, view, visible, dir === 'LR' ? 'TB' : 'LR', viewport, options);
    if (wholeIn(other, viewport)) return other;
  }
  return layout;
}

/** Graphs up to this many boxes are laid out both ways when the panel's shape alone does not give a drawing that fits. */
const BOTH_DIRECTIONS_UP_TO = 400;

function wholeIn(layout: GraphLayout, viewport: Size): boolean {
  return layout.width <= viewport.width && layout.height <= viewport.height;
}

function layoutVisible(
  graph: DrawableGraph,
  view: GraphView,
  visible: { nodes: (NodeSpec & { readonly cluster: number | null })[]; edges: EdgeSpec[] },
  dir: LayoutDirection,
  viewport: Size | undefined,
  options: LayoutOptions,
): GraphLayout {
  const tb = dir === 'TB';
  const nodes = visible.nodes;
  const edges = visible.edges;
  const engine = options.engine === 'dagre' ? 'dagre' : 'layered';
  // Top to bottom is laid out left to right with every box turned a quarter (width and
  // height swapped), then mirrored across the diagonal: the engines and the arrow
  // shapes only ever think left to right.
  const turn = (size: Size): Size => (tb ? { width: size.height, height: size.width } : size);
  // Top to bottom, the value and the gradient stand one above the other right of the arrow, which runs down the box's left side.
  const labelBox = (label: Size): LabelBox => (tb ? { width: label.height, height: label.width + 8, line: -(label.width + 8) / 2 } : label);
  const input: LayoutEngineInput = {
    nodes: nodes.map((n) => turn(engineBox(n))),
    edges: edges.map((e) => (e.label ? { from: e.from, to: e.to, label: labelBox(e.label) } : { from: e.from, to: e.to })),
  };
  const wrapTo = viewport && turn(viewport);
  const result =
    engine === 'dagre'
      ? { ...dagreLayout(input), frames: [], bands: 1 }
      : groupedLayout(
          input,
          nodes.map((n) => n.cluster),
          graph.groups ?? [],
          { wrapTo, titleSide: tb ? 'left' : 'top' },
        );
  const mirror = (p: Point): Point => (tb ? { x: p.y, y: p.x } : p);
  const placed = nodes.map((n, i): LayoutNode => {
    const { cluster: _cluster, ...spec } = n;
    return { ...spec, x: round(result.nodes[i]!.x), y: round(result.nodes[i]!.y) };
  });
  // The arrow shapes are made in the engine's left-to-right frame, where placed boxes are turned.
  const engineFrame = placed.map((n) => (tb ? { ...n, ...turn(n) } : n));
  return {
    view,
    direction: dir,
    engine,
    width: Math.ceil(tb ? result.height : result.width),
    height: Math.ceil(tb ? result.width : result.height),
    nodes: placed.map((n) => (tb ? { ...n, ...mirror(n) } : n)),
    edges: edges.map((e, i): LayoutEdge => {
      const r = result.edges[i]!;
      const label: { x: number; y: number } | null = r.label ? { x: round(r.label.x), y: round(r.label.y) } : null;
      const box = e.label && labelBox(e.label);
      const shape = edgeShape(engineFrame[e.from]!, engineFrame[e.to]!, r.points, label, box, tb);
      // Top to bottom the texts start right of the arrow: the label point is on the arrow.
      if (tb && label && box) label.y = round(label.y - box.height / 2);
      return { from: e.from, to: e.to, source: e.source, consumer: e.consumer, inputIndex: e.inputIndex, label: label && mirror(label), path: shape.path, points: shape.points };
    }),
    frames: result.frames.map((f) => {
      const c = mirror(f);
      const size = turn(f);
      return { group: f.group, key: f.key, label: f.label, depth: f.depth, x: round(c.x), y: round(c.y), width: round(size.width), height: round(size.height) };
    }),
    bands: result.bands,
  };
}

/** The box a node takes in the layout: its shape, its caption below, and the caption's width. */
function engineBox(n: NodeSpec): Size {
  if (!n.caption) return { width: n.width, height: n.height };
  return { width: Math.max(n.width, textWidth(`Σ ${'0'.repeat(9)} (99/99)`, FONT_SIZE.caption) + 4), height: n.height + 2 * CAPTION_HEIGHT };
}

/**
 * The exact inputs of the layout engine for a graph: what the benchmarks hand
 * every engine so all of them lay out the same boxes.
 */
export function layoutEngineInput(graph: DrawableGraph, view: GraphView): LayoutEngineInput {
  const specs = view === 'operations' ? operationsView(graph, null) : valuesView(graph, null);
  return {
    // without boxes every node is a spec
    nodes: specs.nodes.filter((n): n is NodeSpec => typeof n !== 'number').map(engineBox),
    edges: specs.edges.map((e) => (e.label ? { from: e.from, to: e.to, label: e.label } : { from: e.from, to: e.to })),
  };
}

/** A collapsed group's box: its label, and the value and gradient of its output when it has one. */
function groupBox(label: string, graphNode: number, kind: NodeKind, single: boolean, shape: readonly number[], group: number, key: string): NodeSpec {
  const chars = labelBudget(shape);
  const rows = single ? [label, 'data ' + '0'.repeat(chars), 'grad ' + '0'.repeat(chars)] : [label];
  const width = Math.max(...rows.map((r) => textWidth(r, FONT_SIZE.label))) + 24;
  return { role: 'group', graphNode, kind, shape: 'group', label, width, height: single ? RECORD_HEIGHT + 4 : 30, caption: false, group, groupKey: key, values: single };
}

/** The nodes and arrows of a view, before the collapsed groups become boxes; a node inside a collapsed box is only its graph node's id. */
interface ViewSpecs {
  nodes: (NodeSpec | number)[];
  edges: EdgeSpec[];
}

/** Whether the arrow from graph node `from` to `to` runs inside one collapsed box (`boxes` from collapsedBoxes). */
function insideOneBox(boxes: Int32Array | null, from: number, to: number): boolean {
  return boxes !== null && boxes[from]! >= 0 && boxes[from] === boxes[to];
}

/** The operations view; with `boxes`, the nodes inside collapsed boxes are ids (never measured) and the arrows within one box are left out. */
function operationsView(graph: DrawableGraph, boxes: Int32Array | null): ViewSpecs {
  const uses = countUses(graph);
  const all = graph.nodes;
  const nodes = new Array<NodeSpec | number>(all.length);
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    if (boxes !== null && boxes[n.id]! >= 0) {
      nodes[i] = n.id;
      continue;
    }
    const caption = uses[n.id]! > 1;
    if (n.kind !== 'op') {
      nodes[i] = { role: 'leaf', graphNode: n.id, kind: n.kind, shape: 'box', label: n.label, width: textWidth(n.label, FONT_SIZE.label) + 20, height: LEAF_HEIGHT, caption };
      continue;
    }
    const w = textWidth(n.label, FONT_SIZE.symbol);
    nodes[i] = w <= 30
      ? { role: 'op', graphNode: n.id, kind: n.kind, shape: 'circle', label: n.label, width: MIN_CIRCLE, height: MIN_CIRCLE, caption }
      : { role: 'op', graphNode: n.id, kind: n.kind, shape: 'pill', label: n.label, width: w + 28, height: 36, caption };
  }
  const edges: EdgeSpec[] = [];
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    const inputs = n.inputs;
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k]!;
      if (insideOneBox(boxes, input, n.id)) continue;
      edges.push({ from: input, to: n.id, source: input, consumer: n.id, inputIndex: k, label: labelSize(all[input]!.shape) });
    }
  }
  if (graph.output !== null) {
    const text = graph.outputName ?? 'output';
    const sink = nodes.length;
    nodes.push({ role: 'output', graphNode: graph.output, kind: graph.nodes[graph.output]!.kind, shape: 'text', label: text, width: textWidth(text, FONT_SIZE.label) + 8, height: 20, caption: false });
    edges.push({ from: graph.output, to: sink, source: graph.output, consumer: null, inputIndex: 0, label: labelSize(graph.nodes[graph.output]!.shape) });
  }
  return { nodes, edges };
}

/** The values view; with `boxes`, as the operations view. */
function valuesView(graph: DrawableGraph, boxes: Int32Array | null): ViewSpecs {
  const nodes: (NodeSpec | number)[] = [];
  const edges: EdgeSpec[] = [];
  const record: number[] = [];
  const uses = countUses(graph);
  const all = graph.nodes;
  for (let i = 0; i < all.length; i++) {
    const n = all[i]!;
    let op = -1;
    if (boxes !== null && boxes[n.id]! >= 0) {
      // the op and its value record, both in the box
      if (n.kind === 'op') {
        nodes.push(n.id);
        const inputs = n.inputs;
        for (let k = 0; k < inputs.length; k++) {
          if (!insideOneBox(boxes, inputs[k]!, n.id)) edges.push({ from: record[inputs[k]!]!, to: nodes.length - 1, source: inputs[k]!, consumer: n.id, inputIndex: k });
        }
      }
      record[n.id] = nodes.length;
      nodes.push(n.id);
      continue;
    }
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
function countUses(graph: DrawableGraph): Int32Array {
  const all = graph.nodes;
  const uses = new Int32Array(all.length);
  for (let i = 0; i < all.length; i++) {
    const inputs = all[i]!.inputs;
    for (let k = 0; k < inputs.length; k++) uses[inputs[k]!]!++;
  }
  if (graph.output !== null) uses[graph.output]!++;
  return uses;
}

/** The room an arrow's label takes, by characters allowed (a few sizes recur across a whole graph). */
const labelSizes = new Map<number, Size>();

function labelSize(shape: readonly number[]): Size {
  const chars = labelBudget(shape);
  let size = labelSizes.get(chars);
  if (!size) {
    size = { width: textWidth('0'.repeat(chars), FONT_SIZE.label) + 8, height: LABEL_HEIGHT };
    labelSizes.set(chars, size);
  }
  return size;
}

/**
 * An arrow from the right side of one shape to the left side of the next,
 * through the engine's bend points, leaving and arriving horizontally (the
 * textbook's arrows), straight under its label. Made in the left-to-right
 * frame; `mirrored` writes the path data top to bottom.
 */
const pathParts: string[] = [];

function edgeShape(from: VisibleBox, to: VisibleBox, bends: readonly Point[], label: Point | null, labelBox: Size | undefined, mirrored: boolean): { path: string; points: Point[] } {
  const points: Point[] = [];
  // Left to right the arrow runs through the middle of its label's box (value above, gradient below); mirrored, along its side.
  const lineY = (y: number): number => (mirrored && labelBox ? y - labelBox.height / 2 : y);
  for (const p of bends) {
    if (label && labelBox && Math.abs(p.x - label.x) < 0.06 && Math.abs(p.y - label.y) < 0.06) {
      points.push({ x: p.x - labelBox.width / 2, y: lineY(p.y) }, { x: p.x + labelBox.width / 2, y: lineY(p.y) });
    } else points.push(p);
  }
  if (label && labelBox && bends.length === 0) {
    points.push({ x: label.x - labelBox.width / 2, y: lineY(label.y) }, { x: label.x + labelBox.width / 2, y: lineY(label.y) });
  }
  const first = points[0] ?? to;
  const last = points[points.length - 1] ?? from;
  points.unshift(boundary(from, first.y, 1));
  points.push(boundary(to, last.y, -1));
  // The path's pieces, joined once (a long arrow has hundreds of bends: no string per piece).
  const parts = pathParts;
  parts.length = 0;
  // Mirroring across the diagonal is affine, so the curves stay the same curves.
  const xy = (x: number, y: number, before: string): void => {
    parts.push(before, fmt(mirrored ? y : x), ',', fmt(mirrored ? x : y));
  };
  xy(points[0]!.x, points[0]!.y, 'M');
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1]!;
    const q = points[i]!;
    if (Math.abs(q.y - p.y) < 0.5 || q.x <= p.x) xy(q.x, q.y, 'L');
    else {
      const mx = (p.x + q.x) / 2;
      xy(mx, p.y, 'C');
      xy(mx, q.y, ' ');
      xy(q.x, q.y, ' ');
    }
  }
  const d = parts.join('');
  // The polyline in the drawing's own frame (mirrored back when top to bottom).
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    points[i] = mirrored ? { x: round(p.y), y: round(p.x) } : { x: round(p.x), y: round(p.y) };
  }
  return { path: d, points };
}

type VisibleBox = Pick<LayoutNode, 'x' | 'y' | 'width' | 'height' | 'shape'>;

/** The point on a shape's right (side 1) or left (side -1) edge where an arrow towards height `towardY` meets it. */
function boundary(n: VisibleBox, towardY: number, side: 1 | -1): Point {
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

/** Path coordinates in whole units (a tenth of a pixel is invisible, and whole numbers print much faster). */
function fmt(x: number): string {
  const n = Math.round(x);
  if (n >= 0 && n < INT_TEXT_CACHE) return (intText[n] ??= String(n));
  return String(n);
}

/** The text of small whole numbers, made once: a large drawing prints hundreds of thousands of coordinates. */
const INT_TEXT_CACHE = 1 << 17;
const intText: string[] = [];
