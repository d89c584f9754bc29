import { Tensor, type Shape } from '../tensor';
import { broadcastIndex, formatShape, reducedAxes, reducedShape } from '../tensorMath';
import type { OpAttrs, OpDef, ShapeResult } from './opDef';
import { boolAttr, fail, intOrNoneAttr, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/*
 * Ops that pick elements: the maximum along an axis (softmax subtracts it)
 * and the score of each row's class (cross-entropy with class indices). Both
 * are what an opened softmax or loss is made of, and are callable too.
 */

/** The reduced axes and the keepdims shape of max(x, axis), or the message. */
function maxAxes(x: Shape, attrs: OpAttrs): { reduced: boolean[]; kept: Shape } | string {
  const reduced = reducedAxes(x, intOrNoneAttr(attrs, 'axis'));
  if (typeof reduced === 'string') return `max: ${reduced}`;
  if (reduced.some((r, i) => r && x[i] === 0)) return l10n.t('max: expected a non-empty axis to take the maximum over, found shape {0}', formatShape(x));
  return { reduced, kept: reducedShape(x, reduced, true) };
}

/** np.max(x, axis, keepdims): NaN propagates, as numpy's maximum. */
export const max: OpDef = {
  name: 'max',
  aliases: [],
  symbol: 'max',
  inputs: ['x'],
  attrs: [
    { name: 'axis', kind: 'intOrNone', default: null },
    { name: 'keepdims', kind: 'bool', default: false },
  ],
  signature: 'max(x, axis=None, keepdims=false)',
  doc: 'Largest element over one axis (negative counts from the end) or all, as np.max (NaN wins). Backward: dout to the largest element, shared equally between ties (as torch.amax).',
  shape: ([x], attrs): ShapeResult => {
    const axes = maxAxes(x!, attrs);
    return typeof axes === 'string' ? fail(axes) : ok(reducedShape(x!, axes.reduced, boolAttr(attrs, 'keepdims')));
  },
  forward: ([x], attrs) => {
    const axes = maxAxes(x!.shape, attrs);
    if (typeof axes === 'string') throw new RangeError(axes);
    const into = broadcastIndex(axes.kept, x!.shape);
    const out = new Float64Array(axes.kept.reduce((a, b) => a * b, 1));
    const seen = new Uint8Array(out.length);
    const data = x!.data;
    for (let i = 0; i < data.length; i++) {
      const o = into[i]!;
      const v = data[i]!;
      const best = out[o]!;
      if (!seen[o]) {
        out[o] = v;
        seen[o] = 1;
      } else if (!(best >= v || best !== best)) out[o] = v;
    }
    return new Tensor(reducedShape(x!.shape, axes.reduced, boolAttr(attrs, 'keepdims')), out);
  },
  backward: (ctx) => {
    const x = ctx.inputs[0]!;
    const axes = maxAxes(x.shape, ctx.attrs) as { reduced: boolean[]; kept: Shape };
    const into = broadcastIndex(axes.kept, x.shape);
    const y = ctx.output.data;
    const g = ctx.gradOutput.data;
    const ties = new Float64Array(y.length);
    const isMax = (i: number): boolean => {
      const v = x.data[i]!;
      const m = y[into[i]!]!;
      return v === m || (v !== v && m !== m);
    };
    for (let i = 0; i < x.size; i++) if (isMax(i)) ties[into[i]!]!++;
    const out = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) if (isMax(i)) out[i] = g[into[i]!]! / ties[into[i]!]!;
    return [new Tensor(x.shape, out)];
  },
};

/** How t indexes x in pick(x, t), or the message. */
function pickShape(x: Shape, t: Shape): ShapeResult {
  if (x.length === 2 && t.length === 1 && t[0] === x[0]) return ok(t);
  if (x.length === 1 && (t.length === 0 || (t.length === 1 && t[0] === 1))) return ok(t);
  if (x.length !== 1 && x.length !== 2) return fail(l10n.t('pick: expected 1-D or 2-D scores, found {0}', formatShape(x)));
  return fail(l10n.t('pick: expected class indices of shape {0} for scores {1}, found {2}', x.length === 2 ? formatShape([x[0]!]) : l10n.t('[] or [1]'), formatShape(x), formatShape(t)));
}

/** The class index of row i, or -1 when t[i] is not a whole number in 0..classes-1. */
function classIndex(t: Float64Array, i: number, classes: number): number {
  const v = t[i]!;
  return Number.isInteger(v) && v >= 0 && v < classes ? v : -1;
}

/** x[arange(batch), t]: each row's score of its class (the textbook's fancy indexing in cross_entropy_error). */
export const pick: OpDef = {
  name: 'pick',
  aliases: [],
  symbol: 'pick',
  inputs: ['x', 't'],
  attrs: [],
  signature: 'pick(x, t)',
  doc: "x[arange(batch), t]: row i's element in column t[i] (t holds class indices; a 1-D x with one index gives x[t]). Backward: dout to the picked elements, 0 elsewhere; no gradient for t.",
  shape: ([x, t]) => pickShape(x!, t!),
  checkValues: ([x, t]) => {
    const classes = x!.shape[x!.rank - 1]!;
    for (let i = 0; i < t!.size; i++) {
      if (classIndex(t!.data, i, classes) < 0) return l10n.t('pick: expected class indices in 0..{0}, found t[{1}] = {2}', classes - 1, i, String(t!.data[i]));
    }
    return null;
  },
  forward: ([x, t]) => {
    const classes = x!.shape[x!.rank - 1]!;
    const out = new Float64Array(t!.size);
    for (let i = 0; i < out.length; i++) {
      const c = classIndex(t!.data, i, classes);
      out[i] = c < 0 ? NaN : x!.data[i * classes + c]!;
    }
    return new Tensor(t!.shape, out);
  },
  backward: (ctx) => {
    if (!ctx.needsGrad[0]) return [null, null];
    const [x, t] = ctx.inputs as [Tensor, Tensor];
    const classes = x.shape[x.rank - 1]!;
    const out = new Float64Array(x.size);
    for (let i = 0; i < t.size; i++) {
      const c = classIndex(t.data, i, classes);
      if (c >= 0) out[i * classes + c] = ctx.gradOutput.data[i]!;
      else for (let j = 0; j < classes; j++) out[i * classes + j] = NaN;
    }
    return [new Tensor(x.shape, out), null];
  },
};
