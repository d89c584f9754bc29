/**
 * The drawing in the panel: the SVG from `renderSvg`, inserted once per
 * layout, then patched in place at every step (only the labels and classes
 * that changed), with pan, zoom and fit done on its viewBox.
 */
import type { DrawableGraph } from '../src/core/render/drawableGraph';
import type { DrawingState } from '../src/core/render/drawingState';
import type { GraphLayout } from '../src/core/render/layout';
import { edgeTexts, HEADING_HEIGHT, nodeTexts, renderSvg, type EdgeTexts, type NodeTexts } from '../src/core/render/renderSvg';

interface EdgeElements {
  readonly g: SVGGElement;
  /** Null until first hovered, in a large graph. */
  title: SVGTitleElement | null;
  readonly value: SVGTextElement | null;
  readonly grad: SVGTextElement | null;
  last: EdgeTexts;
}

interface NodeElements {
  readonly g: SVGGElement;
  title: SVGTitleElement | null;
  readonly sum: SVGTextElement | null;
  readonly data: SVGTextElement | null;
  readonly grad: SVGTextElement | null;
  last: NodeTexts;
}

const MAX_FIT_SCALE = 1.6;
/**
 * Above this many nodes the drawing is split into stacked <svg> layers of
 * CHUNK_SIZE nodes each (arrows below, nodes above, as in the single SVG):
 * Chromium re-records the paint of a whole <svg> when anything in it changes,
 * so a step at 1,000 nodes would repaint everything; with layers it repaints
 * the few that changed.
 */
const CHUNK_ABOVE = 300;
/** Graphs up to this many drawn nodes open at no less than MIN_READABLE_SCALE. */
const READABLE_UP_TO = 80;
const MIN_READABLE_SCALE = 0.75;
const CHUNK_SIZE = 120;
/**
 * Above this many nodes tooltips (one <title> per node and arrow) are made
 * when first hovered rather than up front: tens of thousands of elements
 * fewer to parse and style.
 */
const LAZY_TITLES_ABOVE = 300;
const FAR_SCALE = 0.25;

export class GraphCanvas {
  /** The <svg> layers (one unless the graph is large), stacked in `canvas`. */
  private svgs: SVGSVGElement[] = [];
  /**
   * Pan and zoom are a CSS transform of this wrapper, which the compositor
   * applies without repainting; after a zoom settles, the SVGs are redrawn
   * at the new scale (`committedScale`) so text stays sharp.
   */
  private canvas: HTMLDivElement | null = null;
  private committedScale = 1;
  private commitTimer: ReturnType<typeof setTimeout> | undefined;
  private heading: SVGTextElement | null = null;
  private edges: EdgeElements[] = [];
  private nodes: NodeElements[] = [];
  private graph: DrawableGraph | null = null;
  private layout: GraphLayout | null = null;
  private highlighted: readonly number[] = [];
  /** Screen px per drawing unit, and the drawing's offset on screen. */
  private scale = 1;
  private tx = 0;
  private ty = 0;
  /** The host's size, kept by a ResizeObserver: reading clientWidth after a step would force a layout. */
  private width = 0;
  private height = 0;
  private drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | null = null;

  constructor(
    private readonly host: HTMLElement,
    private readonly onNodeClick: (graphNode: number) => void,
  ) {
    host.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    host.addEventListener('pointerover', (e) => this.addTitle(e));
    host.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    host.addEventListener('pointermove', (e) => this.onPointerMove(e));
    host.addEventListener('pointerup', (e) => this.onPointerUp(e));
    new ResizeObserver(([entry]) => {
      this.width = entry?.contentRect.width ?? host.clientWidth;
      this.height = entry?.contentRect.height ?? host.clientHeight;
      this.applyView();
    }).observe(host);
  }

  get currentLayout(): GraphLayout | null {
    return this.layout;
  }

  /** Draws a new layout from scratch (a new graph shape or view). */
  show(graph: DrawableGraph, layout: GraphLayout, state: DrawingState, heading: string, fit: boolean): void {
    this.graph = graph;
    this.layout = layout;
    this.width = this.host.clientWidth;
    this.height = this.host.clientHeight;
    // Decide the level of detail before the drawing is in the page, so a huge graph is never laid out with its labels.
    const { width: drawingWidth, height: drawingHeight } = this.drawingSize(layout);
    if (fit) this.host.classList.toggle('gs-far', Math.min(this.width / drawingWidth, this.height / drawingHeight) < FAR_SCALE && layout.nodes.length > READABLE_UP_TO);
    const canvas = document.createElement('div');
    canvas.className = 'gs-canvas';
    canvas.innerHTML = renderSvg(graph, layout, state, { standalone: false, heading, titles: layout.nodes.length <= LAZY_TITLES_ABOVE });
    this.host.replaceChildren(canvas);
    this.canvas = canvas;
    const svg = canvas.querySelector('svg');
    this.heading = this.host.querySelector('.gs-heading');
    this.edges = [...this.host.querySelectorAll<SVGGElement>('.gs-edge')].map((g, i) => ({
      g,
      title: g.querySelector<SVGTitleElement>('title'),
      value: g.querySelector<SVGTextElement>('.gs-value'),
      grad: g.querySelector<SVGTextElement>('.gs-grad'),
      last: edgeTexts(layout.edges[i]!, graph, state),
    }));
    this.nodes = [...this.host.querySelectorAll<SVGGElement>('.gs-node')].map((g, i) => ({
      g,
      title: g.querySelector<SVGTitleElement>('title'),
      sum: g.querySelector<SVGTextElement>('.gs-sum'),
      data: g.querySelector<SVGTextElement>('.gs-cell-data'),
      grad: g.querySelector<SVGTextElement>('.gs-cell-grad'),
      last: nodeTexts(layout.nodes[i]!, graph, state),
    }));
    this.svgs = svg ? [svg, ...(layout.nodes.length > CHUNK_ABOVE ? this.splitIntoLayers(svg, layout) : [])] : [];
    this.highlight(this.highlighted);
    if (fit) this.initialView();
    else this.applyView();
  }

  /** Updates labels and highlights for a new position; touches only what changed. */
  update(state: DrawingState, heading: string): void {
    const { graph, layout } = this;
    if (!graph || !layout) return;
    if (this.heading) setText(this.heading, [heading, state.description].filter(Boolean).join(' — '));
    layout.edges.forEach((edge, i) => {
      const el = this.edges[i]!;
      const t = edgeTexts(edge, graph, state);
      if (t.value !== el.last.value && el.value) setText(el.value, t.value);
      if (t.grad !== el.last.grad && el.grad) setText(el.grad, t.grad);
      if (t.title !== el.last.title && el.title) setText(el.title, t.title);
      if (t.active !== el.last.active) el.g.classList.toggle('gs-active', t.active);
      el.last = t;
    });
    layout.nodes.forEach((node, i) => {
      const el = this.nodes[i]!;
      const t = nodeTexts(node, graph, state);
      if (t.sum !== el.last.sum && el.sum) setText(el.sum, t.sum);
      if (t.data !== el.last.data && el.data) setText(el.data, t.data);
      if (t.grad !== el.last.grad && el.grad) setText(el.grad, t.grad);
      if (t.title !== el.last.title && el.title) setText(el.title, t.title);
      if (t.current !== el.last.current) el.g.classList.toggle('gs-current', t.current);
      if (t.pending !== el.last.pending && node.role !== 'output') el.g.classList.toggle('gs-pending', t.pending);
      el.last = t;
    });
  }

  /** Marks the nodes under the editor's cursor. */
  highlight(graphNodes: readonly number[]): void {
    this.highlighted = graphNodes;
    const set = new Set(graphNodes);
    for (const el of this.nodes) el.g.classList.toggle('gs-highlight', set.has(Number(el.g.dataset.node)));
  }

  /** Scrolls the current node into view if it is outside. */
  reveal(graphNode: number | null): void {
    const layout = this.layout;
    if (graphNode === null || !layout) return;
    const node = layout.nodes.find((n) => n.graphNode === graphNode && n.role !== 'output');
    if (!node) return;
    const sx = node.x * this.scale + this.tx;
    const sy = (node.y + HEADING_HEIGHT) * this.scale + this.ty;
    const { width: w, height: h } = this;
    if (sx < 0 || sy < 0 || sx > w || sy > h) {
      this.tx = w / 2 - node.x * this.scale;
      this.ty = h / 2 - (node.y + HEADING_HEIGHT) * this.scale;
      this.applyView();
    }
  }

  /** Scales the whole drawing into the panel. */
  fit(): void {
    const layout = this.layout;
    if (!layout) return;
    const { width, height } = this.drawingSize(layout);
    this.scale = Math.min(MAX_FIT_SCALE, Math.max(0.02, Math.min(this.width / width, this.height / height)));
    this.tx = (this.width - width * this.scale) / 2;
    this.ty = 0;
    this.applyView();
  }

  /**
   * The first view of a graph: fitted, except that a textbook-sized graph
   * is never shrunk below a readable scale; then it starts at the top left
   * and the rest is a drag away (Fit shows it all).
   */
  private initialView(): void {
    const layout = this.layout;
    if (!layout) return;
    this.fit();
    if (layout.nodes.length > READABLE_UP_TO || this.scale >= MIN_READABLE_SCALE) return;
    this.scale = MIN_READABLE_SCALE;
    this.tx = 0;
    this.ty = 0;
    this.applyView();
  }

  private drawingSize(layout: GraphLayout): { width: number; height: number } {
    return { width: Math.max(layout.width, 200), height: layout.height + HEADING_HEIGHT };
  }

  zoomBy(factor: number, cx = this.width / 2, cy = this.height / 2): void {
    const next = Math.min(8, Math.max(0.02, this.scale * factor));
    this.tx = cx - ((cx - this.tx) * next) / this.scale;
    this.ty = cy - ((cy - this.ty) * next) / this.scale;
    this.scale = next;
    this.applyView();
  }

  /** Zoom and pan, kept across reloads. */
  get viewState(): { scale: number; tx: number; ty: number } {
    return { scale: this.scale, tx: this.tx, ty: this.ty };
  }

  private applyView(): void {
    if (!this.canvas || !this.layout) return;
    // Below this scale text is under 3 px: not drawing it at all saves laying out tens of thousands of labels.
    this.host.classList.toggle('gs-far', this.scale < FAR_SCALE);
    const relative = this.scale / this.committedScale;
    this.canvas.style.transform = `translate(${this.tx}px, ${this.ty}px) scale(${relative})`;
    if (relative === 1 && this.svgs[0]?.getAttribute('width')) return;
    clearTimeout(this.commitTimer);
    if (!this.svgs[0]?.getAttribute('width')) this.commitScale();
    else this.commitTimer = setTimeout(() => this.commitScale(), 150);
  }

  /** Redraws the SVGs at the current scale, so zoomed text is sharp again. */
  private commitScale(): void {
    if (!this.canvas || !this.layout) return;
    const { width, height } = this.drawingSize(this.layout);
    this.committedScale = this.scale;
    for (const layer of this.svgs) {
      layer.setAttribute('viewBox', `0 0 ${width} ${height}`);
      layer.setAttribute('width', String(width * this.scale));
      layer.setAttribute('height', String(height * this.scale));
    }
    this.canvas.style.transform = `translate(${this.tx}px, ${this.ty}px)`;
  }

  /**
   * Moves the arrows and nodes of the rendered SVG into stacked layers by
   * node order (nodes come in topological order, so each layer is a band of
   * the drawing); arrows go with the node they enter.
   */
  private splitIntoLayers(svg: SVGSVGElement, layout: GraphLayout): SVGSVGElement[] {
    const chunks = Math.ceil(layout.nodes.length / CHUNK_SIZE);
    const make = (): { svg: SVGSVGElement; body: SVGGElement } => {
      const layer = svg.cloneNode(false) as SVGSVGElement;
      layer.classList.add('gs-layer');
      const body = document.createElementNS('http://www.w3.org/2000/svg', 'g');
      body.setAttribute('transform', `translate(0,${HEADING_HEIGHT})`);
      layer.append(body);
      return { svg: layer, body };
    };
    const edgeLayers = Array.from({ length: chunks }, make);
    const nodeLayers = Array.from({ length: chunks }, make);
    for (const el of this.edges) edgeLayers[Math.floor(layout.edges[Number(el.g.dataset.edge)]!.to / CHUNK_SIZE)]!.body.append(el.g);
    for (const el of this.nodes) nodeLayers[Math.floor(Number(el.g.dataset.index) / CHUNK_SIZE)]!.body.append(el.g);
    const layers = [...edgeLayers, ...nodeLayers].map((l) => l.svg);
    this.canvas!.append(...layers);
    return layers;
  }

  /** Gives a hovered node or arrow its tooltip, if the graph was drawn without them. */
  private addTitle(e: PointerEvent): void {
    const target = e.target instanceof Element ? e.target.closest<SVGGElement>('.gs-node, .gs-edge') : null;
    if (!target) return;
    const el = target.classList.contains('gs-node') ? this.nodes[Number(target.dataset.index)] : this.edges[Number(target.dataset.edge)];
    if (!el || el.title) return;
    el.title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    el.title.textContent = el.last.title;
    target.prepend(el.title);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.host.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey || !e.shiftKey) this.zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
    else {
      this.tx -= e.deltaX || e.deltaY;
      this.applyView();
    }
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, tx: this.tx, ty: this.ty, moved: false };
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
    this.tx = d.tx + dx;
    this.ty = d.ty + dy;
    this.applyView();
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    this.host.classList.remove('gs-panning');
    if (!d || d.moved) return;
    const target = e.target instanceof Element ? e.target.closest<SVGGElement>('.gs-node, .gs-edge') : null;
    if (!target || !this.layout) return;
    if (target.classList.contains('gs-node')) this.onNodeClick(Number(target.dataset.node));
    else {
      const edge = this.layout.edges[Number(target.dataset.edge)];
      if (edge) this.onNodeClick(edge.source);
    }
  }
}

function setText(el: Element, text: string): void {
  el.textContent = text;
}
