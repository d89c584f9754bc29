/**
 * Where the drawing sits in the panel: a scale (screen px per drawing unit)
 * and an offset, with the rules that keep it readable and in view. Pure
 * arithmetic (no DOM), so the unit tests pin it.
 */

/** Screen = drawing × scale + (tx, ty). */
export interface View {
  readonly scale: number;
  readonly tx: number;
  readonly ty: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A rectangle in drawing units. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The smallest text a first view may show, in screen px. */
export const MIN_TEXT_PX = 11;
/** The smallest font of the drawing (the `Σ` line and the captions), in drawing units. */
export const SMALLEST_FONT = 11;
/** The scale at which the smallest text is MIN_TEXT_PX: the view opens at no less. */
export const READABLE_SCALE = MIN_TEXT_PX / SMALLEST_FONT;
/** A graph that fits is not blown up beyond this. */
export const MAX_FIT_SCALE = 1.5;
export const MAX_SCALE = 4;
/** Room kept between the drawing and the panel's edges, in screen px. */
export const MARGIN = 16;

/** The scale that shows the whole drawing inside the panel's margins. */
export function fitScale(drawing: Size, viewport: Size): number {
  const w = Math.max(1, viewport.width - 2 * MARGIN);
  const h = Math.max(1, viewport.height - 2 * MARGIN);
  return Math.min(w / Math.max(1, drawing.width), h / Math.max(1, drawing.height));
}

/** The smallest scale zooming out may reach: Fit, or readable if the drawing is smaller than the panel. */
export function minScale(drawing: Size, viewport: Size): number {
  return Math.min(fitScale(drawing, viewport), READABLE_SCALE);
}

/** Whether the whole drawing is readable in the panel (then the first view shows it all). */
export function fitsReadable(drawing: Size, viewport: Size): boolean {
  return fitScale(drawing, viewport) >= READABLE_SCALE;
}

/** The whole drawing, centred: Fit. */
export function fitView(drawing: Size, viewport: Size): View {
  const scale = Math.min(MAX_FIT_SCALE, fitScale(drawing, viewport));
  return clampView({ scale, tx: (viewport.width - drawing.width * scale) / 2, ty: (viewport.height - drawing.height * scale) / 2 }, drawing, viewport);
}

/**
 * The first view of a drawing: the whole of it, centred, when that is
 * readable; otherwise `focus` (the first or current node) at the readable
 * scale, as near the middle as the drawing's edges allow.
 */
export function initialView(drawing: Size, viewport: Size, focus: Box | null): View {
  if (fitsReadable(drawing, viewport)) return fitView(drawing, viewport);
  return centreOn(focus ?? { x: 0, y: 0, width: 0, height: 0 }, READABLE_SCALE, drawing, viewport);
}

/** `box` in the middle of the panel at `scale` (then clamped). */
export function centreOn(box: Box, scale: number, drawing: Size, viewport: Size): View {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return clampView({ scale, tx: viewport.width / 2 - cx * scale, ty: viewport.height / 2 - cy * scale }, drawing, viewport);
}

/**
 * Keeps the drawing in the panel: zoom between minScale and MAX_SCALE; a
 * drawing smaller than the panel stays wholly inside it, a larger one covers
 * it (up to the margin), so the graph can never be panned or zoomed away.
 */
export function clampView(view: View, drawing: Size, viewport: Size): View {
  const scale = Math.max(minScale(drawing, viewport), Math.min(Math.max(MAX_SCALE, fitScale(drawing, viewport)), view.scale));
  const axis = (t: number, size: number, room: number): number => {
    const d = size * scale;
    const [lo, hi] = d + 2 * MARGIN <= room ? [MARGIN, room - d - MARGIN] : [room - d - MARGIN, MARGIN];
    return Math.max(Math.min(lo, hi), Math.min(Math.max(lo, hi), t));
  };
  // A scale change keeps the point under (cx, cy) still: done by the caller through zoomAt.
  return { scale, tx: axis(view.tx, drawing.width, viewport.width), ty: axis(view.ty, drawing.height, viewport.height) };
}

/** Zooms by `factor` keeping the screen point (cx, cy) still, then clamps. */
export function zoomAt(view: View, factor: number, cx: number, cy: number, drawing: Size, viewport: Size): View {
  const wanted = view.scale * factor;
  const bounded = clampView({ ...view, scale: wanted }, drawing, viewport).scale;
  const k = bounded / view.scale;
  return clampView({ scale: bounded, tx: cx - (cx - view.tx) * k, ty: cy - (cy - view.ty) * k }, drawing, viewport);
}

/**
 * Follow the step: `box` (the current node and its neighbours) readable and
 * inside the panel. Nothing moves while it is in view at a readable scale,
 * so a drawing that fits never shifts; once it leaves, it is centred (so the
 * next steps stay in view a while, rather than creeping along the edge).
 * When the box is larger than the panel, `core` (the node itself) is centred.
 */
export function follow(view: View, box: Box, core: Box, drawing: Size, viewport: Size): View {
  // Zoomed out below readable: Fit if that is readable, else the readable scale around the step.
  const v = view.scale >= READABLE_SCALE ? view : fitsReadable(drawing, viewport) ? fitView(drawing, viewport) : centreOn(core, READABLE_SCALE, drawing, viewport);
  const s = v.scale;
  const within = (b: Box): boolean => b.x * s + v.tx >= MARGIN && (b.x + b.width) * s + v.tx <= viewport.width - MARGIN && b.y * s + v.ty >= MARGIN && (b.y + b.height) * s + v.ty <= viewport.height - MARGIN;
  const fits = box.width * s <= viewport.width - 2 * MARGIN && box.height * s <= viewport.height - 2 * MARGIN;
  const target = fits ? box : core;
  if (within(target)) return v;
  return centreOn(target, s, drawing, viewport);
}

/** The part of the drawing the panel shows, in drawing units. */
export function visibleBox(view: View, viewport: Size): Box {
  return { x: -view.tx / view.scale, y: -view.ty / view.scale, width: viewport.width / view.scale, height: viewport.height / view.scale };
}
