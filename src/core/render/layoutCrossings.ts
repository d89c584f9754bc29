/**
 * `countCrossings`: how many times the drawn edges cross, counted on the
 * drawing itself (each edge a polyline through its points), so every layout
 * engine is measured the same way whatever its internal model.
 */
import type { Point } from './layoutEngine';

interface Segment {
  readonly edge: number;
  readonly ax: number;
  readonly ay: number;
  readonly bx: number;
  readonly by: number;
}

/**
 * Proper crossings between segments of different polylines. Segments that
 * touch at an end point (edges leaving one node, or meeting at one) and
 * collinear overlaps (edges sharing a route) do not count.
 */
export function countCrossings(polylines: readonly (readonly Point[])[]): number {
  const segments: Segment[] = [];
  let minX = Infinity;
  let maxX = -Infinity;
  polylines.forEach((line, edge) => {
    for (let i = 1; i < line.length; i++) {
      const p = line[i - 1]!;
      const q = line[i]!;
      if (p.x === q.x && p.y === q.y) continue;
      const [a, b] = p.x <= q.x ? [p, q] : [q, p];
      segments.push({ edge, ax: a.x, ay: a.y, bx: b.x, by: b.y });
      minX = Math.min(minX, a.x);
      maxX = Math.max(maxX, b.x);
    }
  });
  if (segments.length < 2) return 0;
  // Vertical strips; a pair is counted only in the strip holding its crossing point.
  const strips = Math.max(1, Math.min(4096, Math.round(Math.sqrt(segments.length))));
  const span = maxX - minX || 1;
  const stripOf = (x: number): number => Math.min(strips - 1, Math.floor(((x - minX) / span) * strips));
  const buckets: Segment[][] = Array.from({ length: strips }, () => []);
  for (const s of segments) for (let k = stripOf(s.ax); k <= stripOf(s.bx); k++) buckets[k]!.push(s);
  let total = 0;
  buckets.forEach((bucket, k) => {
    for (let i = 0; i < bucket.length; i++) {
      const s = bucket[i]!;
      for (let j = i + 1; j < bucket.length; j++) {
        const t = bucket[j]!;
        if (s.edge === t.edge || t.ax > s.bx || s.ax > t.bx) continue;
        const x = crossingX(s, t);
        if (x !== null && stripOf(x) === k) total++;
      }
    }
  });
  return total;
}

/** The x where two segments properly cross, or null. */
function crossingX(s: Segment, t: Segment): number | null {
  const d1 = orient(s.ax, s.ay, s.bx, s.by, t.ax, t.ay);
  const d2 = orient(s.ax, s.ay, s.bx, s.by, t.bx, t.by);
  if (d1 === 0 || d2 === 0 || d1 > 0 === d2 > 0) return null;
  const d3 = orient(t.ax, t.ay, t.bx, t.by, s.ax, s.ay);
  const d4 = orient(t.ax, t.ay, t.bx, t.by, s.bx, s.by);
  if (d3 === 0 || d4 === 0 || d3 > 0 === d4 > 0) return null;
  const f = d3 / (d3 - d4);
  return s.ax + f * (s.bx - s.ax);
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return Math.abs(v) < 1e-9 ? 0 : v;
}
