/**
 * The label-less levels of the drawing, on a <canvas>: when zoomed out so far
 * that text would be unreadable, boxes and arrows are painted here instead
 * of being made as SVG elements (tens of thousands of them would not pan at
 * display rate). Labels are never drawn here: readable levels are SVG text.
 */
import type { GraphLayout } from '../src/core/render/layout';
import { HEADING_HEIGHT } from '../src/core/render/renderSvg';
import type { Size, View } from './viewport';

/** What the overview marks besides the shapes. */
export interface OverviewMarks {
  readonly current: number | null;
  readonly pending: (graphNode: number) => boolean;
  readonly failing: ReadonlySet<number>;
  readonly found: number | null;
}

interface Palette {
  readonly fill: string;
  readonly stroke: string;
  readonly edge: string;
  readonly current: string;
  readonly param: string;
  readonly fail: string;
  readonly found: string;
}

export class OverviewLayer {
  readonly canvas: HTMLCanvasElement;
  private palette: Palette | null = null;

  constructor(parent: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'gs-overview';
    this.canvas.setAttribute('aria-hidden', 'true');
    parent.append(this.canvas);
  }

  /** Reads the theme's colours again (a theme change restyles the page). */
  refreshPalette(): void {
    this.palette = null;
  }

  hide(): void {
    if (this.canvas.hidden) return;
    this.canvas.hidden = true;
  }

  draw(layout: GraphLayout, nodes: readonly number[], edges: readonly number[], frames: readonly number[], view: View, viewport: Size, marks: OverviewMarks): void {
    const c = this.canvas;
    c.hidden = false;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(viewport.width * dpr);
    const h = Math.round(viewport.height * dpr);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
      c.style.width = `${viewport.width}px`;
      c.style.height = `${viewport.height}px`;
    }
    const ctx = c.getContext('2d');
    if (!ctx) return;
    const p = (this.palette ??= readPalette(c));
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const s = view.scale * dpr;
    ctx.setTransform(s, 0, 0, s, view.tx * dpr, (view.ty + HEADING_HEIGHT * view.scale) * dpr);
    // Frames of expanded groups as faint outlines, under everything.
    ctx.strokeStyle = p.edge;
    ctx.globalAlpha = 0.35;
    ctx.lineWidth = Math.max(1, 1.5 / s);
    for (const i of frames) {
      const f = layout.frames[i]!;
      ctx.strokeRect(f.x - f.width / 2, f.y - f.height / 2, f.width, f.height);
    }
    ctx.globalAlpha = 1;
    // Arrows as straight lines through their label point: at this size the curve is not seen.
    ctx.beginPath();
    for (const i of edges) {
      const e = layout.edges[i]!;
      const a = layout.nodes[e.from]!;
      const b = layout.nodes[e.to]!;
      ctx.moveTo(a.x, a.y);
      if (e.label) ctx.lineTo(e.label.x, e.label.y);
      ctx.lineTo(b.x, b.y);
    }
    ctx.strokeStyle = p.edge;
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = Math.max(1, 1 / s);
    ctx.stroke();
    ctx.globalAlpha = 1;
    const done: number[] = [];
    const pending: number[] = [];
    for (const i of nodes) (marks.pending(layout.nodes[i]!.graphNode) ? pending : done).push(i);
    const rects = (list: readonly number[], fill: string, alpha: number): void => {
      ctx.fillStyle = fill;
      ctx.globalAlpha = alpha;
      for (const i of list) {
        const n = layout.nodes[i]!;
        if (n.role === 'output') continue;
        ctx.fillRect(n.x - n.width / 2, n.y - n.height / 2, n.width, n.height);
      }
    };
    rects(done, p.stroke, 0.75);
    rects(pending, p.stroke, 0.3);
    ctx.globalAlpha = 1;
    const ring = (graphNode: number | null, colour: string, grow: number): void => {
      if (graphNode === null) return;
      for (const i of nodes) {
        const n = layout.nodes[i]!;
        if (n.graphNode !== graphNode || n.role === 'output') continue;
        const g = grow / view.scale;
        ctx.fillStyle = colour;
        ctx.fillRect(n.x - n.width / 2 - g, n.y - n.height / 2 - g, n.width + 2 * g, n.height + 2 * g);
      }
    };
    for (const id of marks.failing) ring(id, p.fail, 3);
    ring(marks.found, p.found, 4);
    ring(marks.current, p.current, 4);
  }
}

function readPalette(el: Element): Palette {
  const style = getComputedStyle(el);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    fill: v('--vscode-editorWidget-background', '#f8f8f8'),
    stroke: v('--vscode-editor-foreground', '#3b3b3b'),
    edge: v('--vscode-editor-foreground', '#3b3b3b'),
    current: v('--vscode-focusBorder', '#0069c2'),
    param: v('--vscode-charts-purple', '#7c3aed'),
    fail: v('--vscode-errorForeground', '#e51400'),
    found: v('--vscode-charts-orange', '#d18616'),
  };
}
