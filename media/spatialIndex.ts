/**
 * Which boxes and arrows lie in a rectangle, without looking at all of them:
 * a uniform grid of buckets over the drawing. Made once per layout; a query
 * costs the cells it covers and what they hold, so drawing only what is in
 * view stays cheap at 30,000 nodes.
 */
import type { Box } from './viewport';

export class GridIndex {
  private readonly cells = new Map<number, number[]>();
  /** Items covering very many cells (a long arrow): checked on every query instead. */
  private readonly wide: number[] = [];
  private readonly boxes: Float64Array;
  private readonly seen: Uint32Array;
  private stamp = 0;
  /** The bounds of everything added, in cells. */
  private minCx = Infinity;
  private minCy = Infinity;
  private maxCx = -Infinity;
  private maxCy = -Infinity;
  private count = 0;

  constructor(
    count: number,
    private readonly cell: number,
  ) {
    this.boxes = new Float64Array(count * 4);
    this.seen = new Uint32Array(count);
  }

  /** Item `id` covers [x0, x1] × [y0, y1]. */
  add(id: number, x0: number, y0: number, x1: number, y1: number): void {
    const b = this.boxes;
    b[id * 4] = x0;
    b[id * 4 + 1] = y0;
    b[id * 4 + 2] = x1;
    b[id * 4 + 3] = y1;
    const c = this.cell;
    const cx0 = Math.floor(x0 / c);
    const cx1 = Math.floor(x1 / c);
    const cy0 = Math.floor(y0 / c);
    const cy1 = Math.floor(y1 / c);
    this.count = Math.max(this.count, id + 1);
    this.minCx = Math.min(this.minCx, cx0);
    this.minCy = Math.min(this.minCy, cy0);
    this.maxCx = Math.max(this.maxCx, cx1);
    this.maxCy = Math.max(this.maxCy, cy1);
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > 64) {
      this.wide.push(id);
      return;
    }
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const key = cellKey(cx, cy);
        const list = this.cells.get(key);
        if (list) list.push(id);
        else this.cells.set(key, [id]);
      }
    }
  }

  /** The items meeting `box`, each once, in no particular order. */
  query(box: Box): number[] {
    const out: number[] = [];
    const stamp = ++this.stamp;
    const { x, y } = box;
    const x1 = x + box.width;
    const y1 = y + box.height;
    const b = this.boxes;
    const hit = (id: number): void => {
      if (this.seen[id] === stamp) return;
      this.seen[id] = stamp;
      if (b[id * 4]! <= x1 && b[id * 4 + 2]! >= x && b[id * 4 + 1]! <= y1 && b[id * 4 + 3]! >= y) out.push(id);
    };
    const c = this.cell;
    // Only the cells that hold anything; a box covering more cells than there are items checks the items instead.
    const cx0 = Math.max(this.minCx, Math.floor(x / c));
    const cx1 = Math.min(this.maxCx, Math.floor(x1 / c));
    const cy0 = Math.max(this.minCy, Math.floor(y / c));
    const cy1 = Math.min(this.maxCy, Math.floor(y1 / c));
    if ((cx1 - cx0 + 1) * (cy1 - cy0 + 1) > this.count) {
      for (let id = 0; id < this.count; id++) hit(id);
      return out;
    }
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = this.cells.get(cellKey(cx, cy));
        if (list) for (const id of list) hit(id);
      }
    }
    for (const id of this.wide) hit(id);
    return out;
  }

  /** The box item `id` was added with. */
  box(id: number): Box {
    const b = this.boxes;
    return { x: b[id * 4]!, y: b[id * 4 + 1]!, width: b[id * 4 + 2]! - b[id * 4]!, height: b[id * 4 + 3]! - b[id * 4 + 1]! };
  }
}

function cellKey(cx: number, cy: number): number {
  return (cx + 32768) * 65536 + (cy + 32768);
}
