import type { Shape } from '../tensor';
import type { AttrValue, OpAttrs, ShapeResult } from './opDef';

/** Shared pieces of the op definitions: results, attribute reading, message wording. */

export function ok(shape: Shape): ShapeResult {
  return { ok: true, shape };
}

export function fail(message: string): ShapeResult {
  return { ok: false, message };
}

/** An `intOrNone` attribute (`axis`), null when absent. */
export function intOrNoneAttr(attrs: OpAttrs, name: string): number | null {
  const v: AttrValue | undefined = attrs[name];
  return typeof v === 'number' ? v : null;
}

export function boolAttr(attrs: OpAttrs, name: string): boolean {
  return attrs[name] === true;
}

/** An `ints` attribute (reshape's sizes), empty when absent. */
export function intsAttr(attrs: OpAttrs, name: string): readonly number[] {
  const v = attrs[name];
  if (Array.isArray(v)) return v as readonly number[];
  return typeof v === 'number' ? [v] : [];
}

/** An `int` attribute (`stride`), `fallback` when absent. */
export function intAttr(attrs: OpAttrs, name: string, fallback: number): number {
  const v = attrs[name];
  return typeof v === 'number' ? v : fallback;
}

/** A `float` attribute (`eps`), `fallback` when absent. */
export function floatAttr(attrs: OpAttrs, name: string, fallback: number): number {
  const v = attrs[name];
  return typeof v === 'number' ? v : fallback;
}
