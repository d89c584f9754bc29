/**
 * The minimap: the whole drawing in a corner, the part the panel shows
 * outlined, the current node as a dot. Shown whenever the drawing does not
 * fit the panel; a click or a drag in it moves the view there.
 */
import type { GraphLayout } from '../src/core/render/layout';
import { HEADING_HEIGHT } from '../src/core/render/renderSvg';
import type { Size, View } from './viewport';
import * as l10n from '@vscode/l10n';

const MAX_WIDTH = 160;
const MAX_HEIGHT = 90;
const MIN_SIDE = 24;

export class Minimap {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly frame: HTMLDivElement;
  private readonly dot: HTMLDivElement;
  private layout: GraphLayout | null = null;
  private drawing: Size = { width: 1, height: 1 };
  /** Minimap px per drawing unit, on each axis (a very flat drawing is stretched to stay visible). */
  private sx = 1;
  private sy = 1;
  private dragging = false;

  constructor(
    parent: HTMLElement,
    /** Called with the drawing point the user picked: centre the view on it. */
    private readonly onPick: (x: number, y: number) => void,
  ) {
    this.element = document.createElement('div');
    this.element.id = 'minimap';
    this.element.setAttribute('role', 'img');
    this.element.setAttribute('aria-label', l10n.t('Overview of the whole graph; the outlined part is in view'));
    this.element.hidden = true;
    this.canvas = document.createElement('canvas');
    this.frame = document.createElement('div');
    this.frame.className = 'gs-minimap-frame';
    this.dot = document.createElement('div');
    this.dot.className = 'gs-minimap-current';
    this.element.append(this.canvas, this.frame, this.dot);
    parent.append(this.element);
    this.element.addEventListener('pointerdown', (e) => {
      e.stopPropagation();
      this.dragging = true;
      this.element.setPointerCapture(e.pointerId);
      this.pick(e);
    });
    this.element.addEventListener('pointermove', (e) => this.dragging && this.pick(e));
    this.element.addEventListener('pointerup', () => (this.dragging = false));
    this.element.addEventListener('wheel', (e) => e.stopPropagation());
  }

  /** Draws a new layout's overview (once per layout). */
  setLayout(layout: GraphLayout, drawing: Size): void {
    this.layout = layout;
    this.drawing = drawing;
    const k = Math.min(MAX_WIDTH / drawing.width, MAX_HEIGHT / drawing.height);
    const width = Math.max(MIN_SIDE, Math.round(drawing.width * k));
    const height = Math.max(MIN_SIDE, Math.round(drawing.height * k));
    this.sx = width / drawing.width;
    this.sy = height / drawing.height;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.element.style.width = `${width}px`;
    this.element.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const ink = getComputedStyle(this.element).getPropertyValue('--vscode-editor-foreground').trim() || '#3b3b3b';
    ctx.setTransform(this.sx * dpr, 0, 0, this.sy * dpr, 0, HEADING_HEIGHT * this.sy * dpr);
    ctx.fillStyle = ink;
    ctx.globalAlpha = 0.7;
    // At least a pixel per box, so a 30,000-node drawing still shows its shape.
    const minW = 1 / this.sx;
    const minH = 1 / this.sy;
    for (const n of layout.nodes) ctx.fillRect(n.x - n.width / 2, n.y - n.height / 2, Math.max(minW, n.width), Math.max(minH, n.height));
  }

  /** Shows the view's outline and the current node; hidden when the whole drawing is in view. */
  update(view: View, viewport: Size, current: { x: number; y: number } | null, fitsInView: boolean): void {
    this.element.hidden = fitsInView || !this.layout;
    if (this.element.hidden) return;
    const x = (-view.tx / view.scale) * this.sx;
    const y = (-view.ty / view.scale) * this.sy;
    const w = (viewport.width / view.scale) * this.sx;
    const h = (viewport.height / view.scale) * this.sy;
    const mw = this.drawing.width * this.sx;
    const mh = this.drawing.height * this.sy;
    // Never thinner than 4 px, and clipped to the map.
    const left = Math.max(0, Math.min(mw - 4, x));
    const top = Math.max(0, Math.min(mh - 4, y));
    Object.assign(this.frame.style, { left: `${left}px`, top: `${top}px`, width: `${Math.max(4, Math.min(mw, x + w) - left)}px`, height: `${Math.max(4, Math.min(mh, y + h) - top)}px` });
    this.dot.hidden = current === null;
    if (current) Object.assign(this.dot.style, { left: `${current.x * this.sx}px`, top: `${(current.y + HEADING_HEIGHT) * this.sy}px` });
  }

  private pick(e: PointerEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    this.onPick((e.clientX - rect.left) / this.sx, (e.clientY - rect.top) / this.sy);
  }
}
