import type { Shape } from '../tensor';
import * as l10n from '@vscode/l10n';

/** `[2,3]`, `[]` for a scalar: how shapes appear in messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The numpy broadcast of two shapes (axes aligned at the right; 1 stretches), or null when they do not fit. */
export function broadcastShapes(a: Shape, b: Shape): Shape | null {
  // shapes are immutable: when one side already is the result, it is the result (no new array per node)
  if (a.length >= b.length && broadcastsTo(b, a)) return a;
  if (b.length >= a.length && broadcastsTo(a, b)) return b;
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = i <= a.length ? a[a.length - i]! : 1;
    const db = i <= b.length ? b[b.length - i]! : 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[rank - i] = da === 1 ? db : da;
  }
  return out;
}

/** Whether `from` broadcasts to exactly `to` (as numpy's broadcast_to). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  for (let i = 1; i <= from.length; i++) {
    const d = from[from.length - i]!;
    if (d !== 1 && d !== to[to.length - i]) return false;
  }
  return true;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * For each element of a tensor of shape `to`, the index of the element of a
 * tensor of shape `from` that broadcasting reads (`from` must broadcast to `to`).
 */
export function broadcastIndex(from: Shape, to: Shape): Int32Array {
  const rank = to.length;
  const offset = rank - from.length;
  const srcStrides = new Array<number>(rank).fill(0);
  const fromStrides = stridesOf(from);
  for (let i = 0; i < from.length; i++) if (from[i] !== 1) srcStrides[i + offset] = fromStrides[i]!;
  let n = 1;
  for (const d of to) n *= d;
  const index = new Int32Array(n);
  if (n === 0) return index;
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    index[k] = src;
    // odometer: advance the last axis, carrying into earlier ones
    for (let ax = rank - 1; ax >= 0; ax--) {
      if (++counter[ax]! < to[ax]!) {
        src += srcStrides[ax]!;
        break;
      }
      src -= srcStrides[ax]! * (to[ax]! - 1);
      counter[ax] = 0;
    }
  }
  return index;
}

/** Resolves a reshape target with at most one -1, or returns a message. */
export function resolveReshape(from: Shape, spec: readonly number[]): Shape | string {
  let size = 1;
  for (const d of from) size *= d;
  let known = 1;
  let free = -1;
  for (let i = 0; i < spec.length; i++) {
    const d = spec[i]!;
    if (d === -1) {
      if (free >= 0) return l10n.t('can only specify one unknown dimension (-1), found two in {0}', formatShape(spec));
      free = i;
    } else if (!Number.isInteger(d) || d < 0) {
      return l10n.t('dimension {0} must be a non-negative integer or -1, found {1}', i + 1, d);
    } else {
      known *= d;
    }
  }
  if (free >= 0) {
    if (known === 0 || size % known !== 0) {
      return l10n.t('cannot reshape {0} ({1} elements) into {2}', formatShape(from), size, formatShape(spec));
    }
    const out = spec.slice();
    out[free] = size / known;
    return out;
  }
  if (known !== size) return l10n.t('cannot reshape {0} ({1} elements) into {2} ({3} elements)', formatShape(from), size, formatShape(spec), known);
  return spec.slice();
}

/** Normalizes a possibly negative axis, or returns null when it is out of range. */
export function normalizeAxis(axis: number, rank: number): number | null {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return null;
  return axis < 0 ? axis + rank : axis;
}
