/**
 * The drawing in the panel, virtualized: the layout's arrays are kept whole,
 * but SVG elements exist only for the boxes, arrows and labels in view (plus
 * a margin), made from the same markup `renderSvg` writes. Zoomed out below
 * a readable scale, the label-less shapes are painted on a canvas instead
 * (OverviewLayer). Pan and zoom are one transform, clamped so the graph
 * never leaves the panel; a minimap shows where the view is.
 */
import type { DrawableGraph, DrawableGroupKind } from '../src/core/render/drawableGraph';
import type { DrawingState } from '../src/core/render/drawingState';
import type { GraphLayout, LayoutNode } from '../src/core/render/layout';
import { edgeSvg, edgeTexts, escapeXml, frameSvg, HEADING_HEIGHT, nodeSvg, nodeTexts, type EdgeTexts, type NodeTexts } from '../src/core/render/renderSvg';
import { drawnShape } from '../src/core/render/labelText';
import { textWidth } from '../src/core/render/textMetrics';
import { Minimap } from './minimap';
import { OverviewLayer } from './overviewLayer';
import { GridIndex } from './spatialIndex';
import { centreOn, clampView, fitScale, fitView, follow, initialView, READABLE_SCALE, visibleBox, zoomAt, type Box, type Size, type View } from './viewport';
import * as l10n from '@vscode/l10n';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Below this scale (text under 6 px) shapes are painted on the canvas, without labels. */
export const LABEL_SCALE = 0.5;
/** How far beyond the view elements are made, as a share of the view on each side: a short pan makes none. */
const MARGIN_SHARE = 0.5;
const CELL = 256;
/** Above this many op nodes the minimap stays shown even when the drawing fits (its groups open into more). */
const LARGE_ABOVE_OPS = 300;

interface NodeElements {
  readonly g: SVGGElement;
  readonly title: SVGTitleElement | null;
  readonly sum: SVGTextElement | null;
  readonly update: SVGTextElement | null;
  readonly data: SVGTextElement | null;
  readonly grad: SVGTextElement | null;
  last: NodeTexts;
  aria: string;
}

interface EdgeElements {
  readonly g: SVGGElement;
  readonly title: SVGTitleElement | null;
  readonly value: SVGTextElement | null;
  readonly grad: SVGTextElement | null;
  last: EdgeTexts;
}

export class GraphCanvas {
  private readonly svg: SVGSVGElement;
  private readonly world: SVGGElement;
  private readonly heading: SVGTextElement;
  private readonly frameLayer: SVGGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly overview: OverviewLayer;
  private readonly minimap: Minimap;
  private graph: DrawableGraph | null = null;
  private layout: GraphLayout | null = null;
  private state: DrawingState | null = null;
  private nodeIndex: GridIndex | null = null;
  private edgeIndex: GridIndex | null = null;
  private frameIndex: GridIndex | null = null;
  /** Layout node indices by graph node (the output's name is not listed). */
  private byGraphNode: number[] = [];
  /** Arrows into and out of each layout node. */
  private edgesIn: number[][] = [];
  private edgesOut: number[][] = [];
  private readonly shownNodes = new Map<number, NodeElements>();
  private readonly shownEdges = new Map<number, EdgeElements>();
  private readonly shownFrames = new Map<number, SVGGElement>();
  /** The drawing region (body coordinates) elements were made for. */
  private madeFor: Box | null = null;
  private view: View = { scale: 1, tx: 0, ty: 0 };
  private viewport: Size = { width: 0, height: 0 };
  private frameRequested = false;
  private large = false;
  /** The state changed since the shown labels were made. */
  private labelsStale = false;
  private drag: { x: number; y: number; view: View; moved: boolean } | null = null;
  private highlighted = new Set<number>();
  private failing = new Set<number>();
  private found: number | null = null;
  /** The node that had keyboard focus last (layout index). */
  private focusIndex: number | null = null;
  /** Follow the step: keep the current node and its neighbours readable while stepping. */
  followSteps = true;
  /** Called after the view changed (to keep it across reloads). */
  onViewChange: (view: View) => void = () => undefined;
  /** Open (true) or close a group: a collapsed box or a composite op opens, a frame closes. */
  onGroupToggle: (key: string, kind: DrawableGroupKind, open: boolean) => void = () => undefined;
  /** Keyboard focus moved to a node (or left the nodes: null). */
  onFocusNode: (graphNode: number | null) => void = () => undefined;

  constructor(
    private readonly host: HTMLElement,
    private readonly onNodeClick: (graphNode: number) => void,
  ) {
    this.overview = new OverviewLayer(host);
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.innerHTML = '<defs><marker id="gs-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto"><path class="gs-arrowhead" d="M0,0L10,5L0,10z"/></marker></defs>';
    this.world = el('g', 'gs-world');
    this.heading = el('text', 'gs-heading');
    this.heading.setAttribute('x', '16');
    this.heading.setAttribute('y', '18');
    const body = el('g', 'gs-body');
    body.setAttribute('transform', `translate(0,${HEADING_HEIGHT})`);
    this.frameLayer = el('g', 'gs-frames');
    this.edgeLayer = el('g', 'gs-edges');
    this.nodeLayer = el('g', 'gs-nodes');
    body.append(this.frameLayer, this.edgeLayer, this.nodeLayer);
    this.world.append(this.heading, body);
    this.svg.append(this.world);
    host.append(this.svg);
    this.minimap = new Minimap(host, (x, y) => this.setView(centreOn({ x, y, width: 0, height: 0 }, this.view.scale, this.drawingSize(), this.viewport)));
    host.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    host.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    host.addEventListener('pointermove', (e) => this.onPointerMove(e));
    host.addEventListener('pointerup', (e) => this.onPointerUp(e));
    host.addEventListener('keydown', (e) => this.onKeyDown(e));
    host.addEventListener('focusout', (e) => {
      if (!(e.relatedTarget instanceof Element && e.relatedTarget.closest('.gs-node'))) this.onFocusNode(null);
    });
    new ResizeObserver(([entry]) => {
      const width = entry?.contentRect.width ?? host.clientWidth;
      const height = entry?.contentRect.height ?? host.clientHeight;
      if (width === this.viewport.width && height === this.viewport.height) return;
      const first = this.viewport.width === 0;
      this.viewport = { width, height };
      if (first && this.layout) this.setView(initialView(this.drawingSize(), this.viewport, this.focusBox()));
      else this.setView(this.view);
    }).observe(host);
  }

  get currentLayout(): GraphLayout | null {
    return this.layout;
  }

  get currentView(): View {
    return this.view;
  }

  /** Draws a new layout (a new graph shape or view); `fresh` chooses the first view again, else `keep` or the present one is kept. */
  show(graph: DrawableGraph, layout: GraphLayout, state: DrawingState, heading: string, fresh: boolean, keep?: View): void {
    this.graph = graph;
    this.layout = layout;
    this.state = state;
    this.svg.setAttribute('class', `gs-graph gs-view-${layout.view} gs-${layout.direction.toLowerCase()}`);
    this.indexLayout(layout);
    this.clearElements();
    this.focusIndex = null;
    this.overview.refreshPalette();
    this.viewport = { width: this.host.clientWidth, height: this.host.clientHeight };
    this.minimap.setLayout(layout, this.drawingSize());
    setText(this.heading, [heading, state.description].filter(Boolean).join(' — '));
    const drawing = this.drawingSize();
    const view = fresh || !keep ? (fresh ? initialView(drawing, this.viewport, this.focusBox()) : this.view) : keep;
    this.view = clampView(view, drawing, this.viewport);
    this.render();
  }

  /** No graph to show. */
  clear(): void {
    this.clearElements();
    this.layout = null;
    this.graph = null;
    this.state = null;
    setText(this.heading, '');
    this.overview.hide();
    this.minimap.update(this.view, this.viewport, null, true);
  }

  /** A new position: relabels what is shown, and follows the step if asked to. */
  update(state: DrawingState, heading: string): void {
    this.state = state;
    this.labelsStale = true;
    setText(this.heading, [heading, state.description].filter(Boolean).join(' — '));
    if (this.followSteps && state.currentNode !== null) {
      const next = this.followView(state.currentNode);
      if (next !== this.view) {
        this.view = next;
        this.onViewChange(next);
      }
    }
    this.render();
  }

  /** Marks the nodes under the editor's cursor. */
  highlight(graphNodes: readonly number[]): void {
    this.highlighted = new Set(graphNodes);
    for (const [i, e] of this.shownNodes) e.g.classList.toggle('gs-highlight', this.highlighted.has(this.layout!.nodes[i]!.graphNode));
    this.schedule();
  }

  /** Marks the leaves that failed a Gradient Check, and the arrows leaving them. */
  markFailing(graphNodes: readonly number[]): void {
    this.failing = new Set(graphNodes);
    for (const [i, e] of this.shownNodes) e.g.classList.toggle('gs-gradcheck-fail', this.failing.has(this.layout!.nodes[i]!.graphNode));
    for (const [i, e] of this.shownEdges) e.g.classList.toggle('gs-gradcheck-fail', this.failing.has(this.layout!.edges[i]!.source));
    this.schedule();
  }

  /** Scales the whole drawing into the panel. */
  fit(): void {
    this.setView(fitView(this.drawingSize(), this.viewport));
  }

  zoomBy(factor: number, cx = this.viewport.width / 2, cy = this.viewport.height / 2): void {
    this.setView(zoomAt(this.view, factor, cx, cy, this.drawingSize(), this.viewport));
  }

  /** Shows a node readable in the middle of the panel, marked as found, and gives it keyboard focus if asked. */
  revealNode(graphNode: number, focus: boolean): void {
    const i = this.byGraphNode[graphNode];
    if (i === undefined) return;
    this.found = graphNode;
    for (const [j, e] of this.shownNodes) e.g.classList.toggle('gs-found', j === i);
    const box = this.nodeBox(i);
    this.setView(centreOn(box, Math.max(this.view.scale, READABLE_SCALE), this.drawingSize(), this.viewport), true);
    if (focus) this.focusNodeAt(i);
  }

  /** Clears the find mark. */
  clearFound(): void {
    this.found = null;
    for (const e of this.shownNodes.values()) e.g.classList.remove('gs-found');
    this.schedule();
  }

  /** The layout index of a graph node's box, for tests and find. */
  layoutIndexOf(graphNode: number): number | undefined {
    return this.byGraphNode[graphNode];
  }

  private setView(view: View, now = false): void {
    this.view = clampView(view, this.drawingSize(), this.viewport);
    this.onViewChange(this.view);
    if (now) this.render();
    else this.schedule();
  }

  private schedule(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.render();
    });
  }

  /** Puts on screen what the view shows: SVG elements at readable scales, the canvas below. */
  private render(): void {
    const { layout, graph, state } = this;
    if (!layout || !graph || !state) return;
    const v = this.view;
    this.world.setAttribute('transform', `translate(${round(v.tx)},${round(v.ty)}) scale(${v.scale})`);
    const body = visibleBox({ ...v, ty: v.ty + HEADING_HEIGHT * v.scale }, this.viewport);
    const labels = v.scale >= LABEL_SCALE;
    this.host.classList.toggle('gs-far', !labels);
    if (labels) {
      this.overview.hide();
      const m = this.madeFor;
      if (!m || body.x < m.x || body.y < m.y || body.x + body.width > m.x + m.width || body.y + body.height > m.y + m.height) {
        const mx = body.width * MARGIN_SHARE;
        const my = body.height * MARGIN_SHARE;
        this.madeFor = { x: body.x - mx, y: body.y - my, width: body.width + 2 * mx, height: body.height + 2 * my };
        this.sync(this.nodeIndex!.query(this.madeFor), this.edgeIndex!.query(this.madeFor));
        this.syncFrames(this.frameIndex!.query(this.madeFor));
      }
      if (this.labelsStale) this.relabel();
      this.labelsStale = false;
    } else {
      this.clearElements(true);
      this.overview.draw(layout, this.nodeIndex!.query(body), this.edgeIndex!.query(body), this.frameIndex!.query(body), v, this.viewport, {
        current: state.currentNode,
        pending: (id) => !state.nodes[id]?.value,
        failing: this.failing,
        found: this.found,
      });
    }
    const current = state.currentNode === null ? undefined : this.byGraphNode[state.currentNode];
    const drawing = this.drawingSize();
    const fits = !this.large && drawing.width * v.scale <= this.viewport.width + 1 && drawing.height * v.scale <= this.viewport.height + 1;
    this.minimap.update(v, this.viewport, current === undefined ? null : layout.nodes[current]!, fits);
  }

  /** Makes the elements of `nodes` and `edges` that are missing and removes the others (never the focused one). */
  private sync(nodes: readonly number[], edges: readonly number[]): void {
    const { layout, graph, state } = this;
    if (!layout || !graph || !state) return;
    const wantNodes = new Set(nodes);
    if (this.focusIndex !== null) wantNodes.add(this.focusIndex);
    for (const [i, e] of this.shownNodes) {
      if (wantNodes.has(i)) continue;
      e.g.remove();
      this.shownNodes.delete(i);
    }
    const wantEdges = new Set(edges);
    for (const [i, e] of this.shownEdges) {
      if (wantEdges.has(i)) continue;
      e.g.remove();
      this.shownEdges.delete(i);
    }
    const newEdges = edges.filter((i) => !this.shownEdges.has(i));
    if (newEdges.length > 0) {
      const texts = newEdges.map((i) => edgeTexts(layout.edges[i]!, graph, state));
      const made = parseChildren(this.edgeLayer, newEdges.map((i, k) => edgeSvg(layout.edges[i]!, i, texts[k]!, true, layout.direction)).join(''));
      made.forEach((g, k) => {
        const i = newEdges[k]!;
        if (this.failing.has(layout.edges[i]!.source)) g.classList.add('gs-gradcheck-fail');
        this.shownEdges.set(i, { g, title: g.querySelector<SVGTitleElement>('title'), value: g.querySelector('.gs-value'), grad: g.querySelector('.gs-grad'), last: texts[k]! });
      });
    }
    const newNodes = [...wantNodes].filter((i) => !this.shownNodes.has(i));
    if (newNodes.length > 0) {
      const texts = newNodes.map((i) => this.textsOf(i));
      const made = parseChildren(this.nodeLayer, newNodes.map((i, k) => nodeSvg(layout.nodes[i]!, i, texts[k]!, true)).join(''));
      made.forEach((g, k) => {
        const i = newNodes[k]!;
        const node = layout.nodes[i]!;
        const aria = this.ariaLabel(node);
        g.setAttribute('tabindex', '-1');
        g.setAttribute('role', 'button');
        g.setAttribute('aria-label', aria);
        g.classList.toggle('gs-highlight', this.highlighted.has(node.graphNode));
        g.classList.toggle('gs-gradcheck-fail', this.failing.has(node.graphNode));
        g.classList.toggle('gs-found', this.found === node.graphNode);
        const expandKey = node.role === 'op' ? graph.nodes[node.graphNode]?.expandKey : undefined;
        if (expandKey !== undefined) g.append(...parseFragment(expandBadge(node, expandKey)));
        this.shownNodes.set(i, { g, title: g.querySelector<SVGTitleElement>('title'), sum: g.querySelector('.gs-sum'), update: g.querySelector('.gs-update'), data: g.querySelector('.gs-cell-data'), grad: g.querySelector('.gs-cell-grad'), last: texts[k]!, aria });
      });
    }
  }

  /** Brings the labels and classes of the shown elements to the present state; touches only what changed. */
  private relabel(): void {
    const { layout, graph, state } = this;
    if (!layout || !graph || !state) return;
    for (const [i, el] of this.shownEdges) {
      const t = edgeTexts(layout.edges[i]!, graph, state);
      const last = el.last;
      if (t.value !== last.value && el.value) setText(el.value, t.value);
      if (t.grad !== last.grad && el.grad) setText(el.grad, t.grad);
      if (t.title !== last.title && el.title) setText(el.title, t.title);
      if (t.active !== last.active) el.g.classList.toggle('gs-active', t.active);
      el.last = t;
    }
    for (const [i, el] of this.shownNodes) {
      const node = layout.nodes[i]!;
      const t = this.textsOf(i);
      const last = el.last;
      if (t.sum !== last.sum && el.sum) setText(el.sum, t.sum);
      if (t.update !== last.update && el.update) setText(el.update, t.update ?? '');
      if (t.data !== last.data && el.data) setText(el.data, t.data);
      if (t.grad !== last.grad && el.grad) setText(el.grad, t.grad);
      if (t.title !== last.title && el.title) setText(el.title, t.title);
      if (t.current !== last.current) el.g.classList.toggle('gs-current', t.current);
      if (t.pending !== last.pending && node.role !== 'output') el.g.classList.toggle('gs-pending', t.pending);
      if (t.title !== last.title) {
        const aria = this.ariaLabel(node);
        if (aria !== el.aria) el.g.setAttribute('aria-label', (el.aria = aria));
      }
      el.last = t;
    }
  }

  /** Makes the frames of expanded groups in view (under the arrows), each with a button that closes it. */
  private syncFrames(frames: readonly number[]): void {
    const { layout, graph } = this;
    if (!layout || !graph) return;
    const want = new Set(frames);
    for (const [i, g] of this.shownFrames) {
      if (want.has(i)) continue;
      g.remove();
      this.shownFrames.delete(i);
    }
    const fresh = frames.filter((i) => !this.shownFrames.has(i)).sort((a, b) => layout.frames[a]!.depth - layout.frames[b]!.depth);
    if (fresh.length === 0) return;
    const made = parseChildren(this.frameLayer, fresh.map((i) => frameSvg(layout.frames[i]!, graph)).join(''));
    made.forEach((g, k) => {
      const f = layout.frames[fresh[k]!]!;
      const kind = graph.groups?.[f.group]?.kind ?? 'block';
      g.append(...parseFragment(closeButton(f, kind)));
      this.shownFrames.set(fresh[k]!, g);
    });
    // Outer frames first, so an inner frame is drawn (and clicked) above its parent.
    for (const i of [...this.shownFrames.keys()].sort((a, b) => layout.frames[a]!.depth - layout.frames[b]!.depth)) this.frameLayer.append(this.shownFrames.get(i)!);
  }

  /** Shows a group whole (its frame, or its box when collapsed), readable when it can be; null: the whole graph. */
  revealGroup(group: number | null): void {
    const layout = this.layout;
    if (!layout) return;
    if (group === null) return this.fit();
    const frame = layout.frames.find((f) => f.group === group);
    const boxIndex = layout.nodes.findIndex((n) => n.role === 'group' && n.group === group);
    const box = frame ? { x: frame.x - frame.width / 2, y: frame.y - frame.height / 2 + HEADING_HEIGHT, width: frame.width, height: frame.height } : boxIndex >= 0 ? this.nodeBox(boxIndex) : null;
    if (!box) return;
    const scale = Math.max(READABLE_SCALE, Math.min(1.5, fitScale(box, this.viewport)));
    this.setView(centreOn(box, scale, this.drawingSize(), this.viewport));
  }

  /** A node's texts; a collapsed group's box counts as current while the step is inside it. */
  private textsOf(i: number): NodeTexts {
    const node = this.layout!.nodes[i]!;
    const t = nodeTexts(node, this.graph!, this.state!);
    if (node.role !== 'group') return t;
    const current = this.state!.currentNode;
    return { ...t, current: current !== null && this.byGraphNode[current] === i };
  }

  /** What a screen reader reads for a node: its name, op and shape, value and gradient. */
  private ariaLabel(node: LayoutNode): string {
    const g = this.graph!.nodes[node.graphNode]!;
    const s = this.state?.nodes[node.graphNode];
    const value = s?.value?.short ?? l10n.t('not computed yet');
    const gradient = s?.grad?.short ?? l10n.t('none yet');
    if (node.role === 'group') return l10n.t('{0}: collapsed group, output {1}, value {2}, gradient {3}; E opens it', node.label, g.name ?? l10n.t('node {0}', g.id), value, gradient);
    const name = node.role === 'output' ? l10n.t('output {0}', node.label) : g.name ?? (g.kind === 'op' ? l10n.t('node {0}', g.id) : node.label);
    const what = g.kind === 'op' ? `${g.op} (${g.label})` : g.kind;
    const counts = s && s.expected > 1 ? l10n.t(', {0} of {1} contributions', s.arrived, s.expected) : '';
    const open = node.role === 'op' && g.expandKey !== undefined ? l10n.t('; E opens it into its elementary ops') : '';
    return `${l10n.t('{0}: {1}, {2}, value {3}, gradient {4}', name, what, drawnShape(g.shape), value, gradient)}${counts}${open}`;
  }

  private clearElements(keepFocused = false): void {
    for (const [i, e] of this.shownNodes) {
      if (keepFocused && i === this.focusIndex) continue;
      e.g.remove();
      this.shownNodes.delete(i);
    }
    for (const e of this.shownEdges.values()) e.g.remove();
    this.shownEdges.clear();
    for (const f of this.shownFrames.values()) f.remove();
    this.shownFrames.clear();
    this.madeFor = null;
  }

  private indexLayout(layout: GraphLayout): void {
    const nodes = new GridIndex(layout.nodes.length, CELL);
    this.byGraphNode = [];
    this.edgesIn = layout.nodes.map(() => []);
    this.edgesOut = layout.nodes.map(() => []);
    const boxOfGroup = new Map<number, number>();
    layout.nodes.forEach((n, i) => {
      nodes.add(i, n.x - n.width / 2, n.y - n.height / 2, n.x + n.width / 2, n.y + n.height / 2 + (n.caption ? 30 : 0));
      if (n.role !== 'output' && n.role !== 'group' && this.byGraphNode[n.graphNode] === undefined) this.byGraphNode[n.graphNode] = i;
      if (n.role === 'group' && n.group !== undefined) boxOfGroup.set(n.group, i);
    });
    // A node inside a collapsed group is drawn as that group's box: the step, find and focus go there.
    const graph = this.graph;
    if (boxOfGroup.size > 0 && graph?.groups) {
      for (const gn of graph.nodes) {
        if (this.byGraphNode[gn.id] !== undefined) continue;
        for (let g = gn.group ?? null; g !== null; g = graph.groups[g]?.parent ?? null) {
          const box = boxOfGroup.get(g);
          if (box !== undefined) {
            this.byGraphNode[gn.id] = box;
            break;
          }
        }
      }
    }
    this.large = (graph?.nodes.filter((n) => n.kind === 'op').length ?? 0) > LARGE_ABOVE_OPS;
    const edges = new GridIndex(layout.edges.length, CELL);
    layout.edges.forEach((e, i) => {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      const numbers = e.path.match(/-?\d+(?:\.\d+)?/g) ?? [];
      for (let k = 0; k + 1 < numbers.length; k += 2) {
        const x = Number(numbers[k]);
        const y = Number(numbers[k + 1]);
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      if (e.label) {
        x0 = Math.min(x0, e.label.x - 60);
        x1 = Math.max(x1, e.label.x + 60);
        y0 = Math.min(y0, e.label.y - 20);
        y1 = Math.max(y1, e.label.y + 22);
      }
      edges.add(i, x0, y0, x1, y1);
      this.edgesIn[e.to]!.push(i);
      this.edgesOut[e.from]!.push(i);
    });
    this.nodeIndex = nodes;
    this.edgeIndex = edges;
    const frames = new GridIndex(layout.frames.length, CELL);
    layout.frames.forEach((f, i) => frames.add(i, f.x - f.width / 2, f.y - f.height / 2, f.x + f.width / 2, f.y + f.height / 2));
    this.frameIndex = frames;
  }

  private drawingSize(): Size {
    const layout = this.layout;
    return layout ? { width: Math.max(layout.width, 200), height: layout.height + HEADING_HEIGHT } : { width: 200, height: HEADING_HEIGHT };
  }

  /** A layout node's box in drawing coordinates (the heading included). */
  private nodeBox(i: number): Box {
    const n = this.layout!.nodes[i]!;
    return { x: n.x - n.width / 2, y: n.y - n.height / 2 + HEADING_HEIGHT, width: n.width, height: n.height + (n.caption ? 30 : 0) };
  }

  /** Where the first view looks: the current node, else the first box. */
  private focusBox(): Box | null {
    const layout = this.layout;
    if (!layout || layout.nodes.length === 0) return null;
    const current = this.state?.currentNode;
    const i = current === null || current === undefined ? 0 : this.byGraphNode[current] ?? 0;
    return this.nodeBox(i);
  }

  /** The view that keeps `graphNode` and its neighbours readable, moving as little as possible. */
  private followView(graphNode: number): View {
    const i = this.byGraphNode[graphNode];
    const layout = this.layout;
    if (i === undefined || !layout || this.viewport.width === 0) return this.view;
    const core = this.nodeBox(i);
    let box = core;
    for (const e of [...this.edgesIn[i]!, ...this.edgesOut[i]!]) {
      const other = layout.edges[e]!.from === i ? layout.edges[e]!.to : layout.edges[e]!.from;
      box = union(box, this.nodeBox(other));
    }
    return follow(this.view, box, core, this.drawingSize(), this.viewport);
  }

  // ---- keyboard ---------------------------------------------------------

  /** Gives keyboard focus to a layout node, scrolling it into view (readable) first. */
  private focusNodeAt(i: number): void {
    const box = this.nodeBox(i);
    this.focusIndex = i;
    this.setView(follow(this.view, box, box, this.drawingSize(), this.viewport), true);
    if (!this.shownNodes.has(i)) this.sync([...this.shownNodes.keys(), i], [...this.shownEdges.keys()]);
    this.shownNodes.get(i)?.g.focus({ preventScroll: true });
    this.onFocusNode(this.layout!.nodes[i]!.graphNode);
  }

  private onKeyDown(e: KeyboardEvent): void {
    const layout = this.layout;
    if (!layout || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target instanceof Element ? e.target.closest<SVGGElement>('.gs-node') : null;
    const at = target ? Number(target.dataset.index) : null;
    const go = (i: number | undefined): void => {
      e.preventDefault();
      e.stopPropagation();
      if (i !== undefined) this.focusNodeAt(i);
    };
    if (e.key === 'Tab') {
      const order = (i: number, step: number): number | undefined => {
        for (let j = i + step; j >= 0 && j < layout.nodes.length; j += step) if (layout.nodes[j]!.role !== 'output') return j;
        return undefined;
      };
      if (at === null) {
        if (e.target !== this.host || e.shiftKey) return;
        const current = this.state?.currentNode;
        return go(this.focusIndex ?? (current !== null && current !== undefined ? this.byGraphNode[current] : undefined) ?? order(-1, 1));
      }
      const next = order(at, e.shiftKey ? -1 : 1);
      if (next !== undefined) return go(next);
      if (e.shiftKey) {
        e.preventDefault();
        this.host.focus({ preventScroll: true });
      }
      return;
    }
    if (at === null) return;
    const node = layout.nodes[at]!;
    switch (e.key) {
      case 'ArrowLeft':
        return go(this.edgesIn[at]!.map((k) => layout.edges[k]!.from)[0]);
      case 'ArrowRight':
        return go(this.edgesOut[at]!.map((k) => layout.edges[k]!.to).find((j) => layout.nodes[j]!.role !== 'output'));
      case 'ArrowUp':
      case 'ArrowDown': {
        const down = e.key === 'ArrowDown';
        const near = this.nodeIndex!.query({ x: node.x - 60, y: down ? node.y : node.y - 2000, width: 120, height: 2000 });
        let best: number | undefined;
        for (const j of near) {
          const n = layout.nodes[j]!;
          if (j === at || n.role === 'output' || (down ? n.y <= node.y : n.y >= node.y)) continue;
          if (best === undefined || Math.abs(n.y - node.y) < Math.abs(layout.nodes[best]!.y - node.y)) best = j;
        }
        return go(best);
      }
      case 'Enter':
      case ' ':
        e.preventDefault();
        e.stopPropagation();
        this.onNodeClick(node.graphNode);
        return;
      case 'e':
      case 'E': {
        e.preventDefault();
        e.stopPropagation();
        this.toggleAround(node);
        return;
      }
      default:
    }
  }

  /** E on a node: opens a collapsed group or a composite op, else closes the node's innermost group. */
  private toggleAround(node: LayoutNode): void {
    const graph = this.graph;
    if (!graph) return;
    if (node.role === 'group' && node.groupKey !== undefined) return this.onGroupToggle(node.groupKey, graph.groups?.[node.group!]?.kind ?? 'block', true);
    const g = graph.nodes[node.graphNode];
    if (node.role === 'op' && g?.expandKey !== undefined) return this.onGroupToggle(g.expandKey, 'composite', true);
    const group = g?.group;
    const info = group === null || group === undefined ? undefined : graph.groups?.[group];
    if (info) this.onGroupToggle(info.key, info.kind, false);
  }

  // ---- pointer ----------------------------------------------------------

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.host.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey || !e.shiftKey) this.zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
    else this.setView({ ...this.view, tx: this.view.tx - (e.deltaX || e.deltaY) });
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, view: this.view, moved: false };
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) this.host.setPointerCapture(e.pointerId);
    d.moved = true;
    this.host.classList.add('gs-panning');
    this.setView({ ...d.view, tx: d.view.tx + dx, ty: d.view.ty + dy });
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    this.host.classList.remove('gs-panning');
    if (!d || d.moved || !this.layout) return;
    // The keys stay with the panel after a click: → steps, Escape closes the drawer.
    this.host.focus({ preventScroll: true });
    const toggle = e.target instanceof Element ? e.target.closest<SVGGElement>('.gs-expand, .gs-frame-close') : null;
    if (toggle) {
      const open = toggle.classList.contains('gs-expand');
      return this.onGroupToggle(toggle.dataset.key ?? '', (toggle.dataset.kind ?? 'composite') as DrawableGroupKind, open);
    }
    const target = e.target instanceof Element ? e.target.closest<SVGGElement>('.gs-node, .gs-edge') : null;
    if (target?.classList.contains('gs-role-group')) {
      const node = this.layout.nodes[Number(target.dataset.index)];
      if (node?.groupKey !== undefined) return this.onGroupToggle(node.groupKey, this.graph?.groups?.[node.group!]?.kind ?? 'block', true);
    }
    if (target?.classList.contains('gs-node')) return this.onNodeClick(Number(target.dataset.node));
    if (target) {
      const edge = this.layout.edges[Number(target.dataset.edge)];
      if (edge) this.onNodeClick(edge.source);
      return;
    }
    if (this.view.scale >= LABEL_SCALE) return;
    // On the overview, a click zooms in on that place (and opens the node there, if any).
    const rect = this.host.getBoundingClientRect();
    const x = (e.clientX - rect.left - this.view.tx) / this.view.scale;
    const y = (e.clientY - rect.top - this.view.ty) / this.view.scale;
    const hit = this.nodeIndex!.query({ x: x - 4 / this.view.scale, y: y - HEADING_HEIGHT - 4 / this.view.scale, width: 8 / this.view.scale, height: 8 / this.view.scale })[0];
    this.setView(centreOn({ x, y, width: 0, height: 0 }, Math.max(READABLE_SCALE, fitScale(this.drawingSize(), this.viewport)), this.drawingSize(), this.viewport));
    if (hit !== undefined && this.layout.nodes[hit]!.role !== 'output') this.onNodeClick(this.layout.nodes[hit]!.graphNode);
  }
}

function el<K extends 'g' | 'text'>(tag: K, cls: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  e.setAttribute('class', cls);
  return e;
}

/** Parses SVG markup made by renderSvg into `parent`; the new top-level <g> elements. */
function parseChildren(parent: SVGGElement, markup: string): SVGGElement[] {
  const holder = document.createElementNS(SVG_NS, 'g');
  holder.innerHTML = markup;
  const made = [...holder.children] as SVGGElement[];
  parent.append(...made);
  return made;
}

/** Parses SVG markup into loose elements (for adding to an element already in place). */
function parseFragment(markup: string): Element[] {
  const holder = document.createElementNS(SVG_NS, 'g');
  holder.innerHTML = markup;
  return [...holder.children];
}

/** The ⊕ at a composite op's top right: opens it into its elementary ops. */
function expandBadge(node: LayoutNode, key: string): string {
  const cx = node.x + node.width / 2 - 3;
  const cy = node.y - node.height / 2 + 3;
  return `<g class="gs-expand" data-key="${escapeXml(key)}" data-kind="composite"><title>${escapeXml(l10n.t('Open {0} into its elementary ops (E)', node.label))}</title><circle cx="${cx}" cy="${cy}" r="7.5"/><path d="M${cx - 4},${cy}H${cx + 4}M${cx},${cy - 4}V${cy + 4}"/></g>`;
}

/** The − at an expanded group's top right: closes it (a composite op closes on the host, a group collapses in the view). */
function closeButton(f: { readonly key: string; readonly label: string; readonly x: number; readonly y: number; readonly width: number; readonly height: number }, kind: DrawableGroupKind): string {
  // Just after the title (bold 12 px), where the eye already is and never beyond a wide frame's visible part.
  const left = f.x - f.width / 2;
  const cx = Math.min(left + 7 + textWidth(f.label, 12) * 1.08 + 12, f.x + f.width / 2 - 10);
  const cy = f.y - f.height / 2 + 9;
  const what = kind === 'composite' ? l10n.t('Close {0} into one op', f.label) : l10n.t('Collapse {0} into one box', f.label);
  return `<g class="gs-frame-close" data-key="${escapeXml(f.key)}" data-kind="${kind}"><title>${escapeXml(what)} (E)</title><circle cx="${cx}" cy="${cy}" r="7.5"/><path d="M${cx - 4},${cy}H${cx + 4}"/></g>`;
}

function setText(e: Element, text: string): void {
  e.textContent = text;
}

function union(a: Box, b: Box): Box {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
