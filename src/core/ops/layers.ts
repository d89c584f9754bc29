import { Tensor, type Shape } from '../tensor';
import {
  BinaryCode,
  binary,
  broadcastShapes,
  crExp,
  formatShape,
  gemm,
  gemmBackward,
  matmulShape,
  pairwiseSum,
  shapesEqual,
  sumToShape,
} from '../tensorMath';
import type { OpDef } from './opDef';
import { fail, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/** Output shape of affine(x, W, b), or the message. */
function affineShape(x: Shape, w: Shape, b: Shape): Shape | string {
  if (x.length !== 1 && x.length !== 2) return l10n.t('affine: x must be 1-D or 2-D, found {0}', formatShape(x));
  if (w.length !== 2) return l10n.t('affine: W must be 2-D, found {0}', formatShape(w));
  const out = matmulShape(x, w, 'affine');
  if (typeof out === 'string') return out;
  const withBias = broadcastShapes(out, b);
  if (withBias === null || !shapesEqual(withBias, out)) return l10n.t('affine: cannot add b {0} to x@W of shape {1}', formatShape(b), formatShape(out));
  return out;
}

/** affine(x, W, b) = x @ W + b as one node, the textbook's Affine layer. */
export const affine: OpDef = {
  name: 'affine',
  aliases: ['Affine'],
  symbol: 'Affine',
  inputs: ['x', 'W', 'b'],
  attrs: [],
  signature: 'affine(x, W, b)',
  doc: 'x @ W + b as one node (the Affine layer; x is one row or a batch of rows). Backward: dx = dout·Wᵀ, dW = xᵀ·dout, db = dout summed over the batch axis.',
  shape: ([x, w, b]) => {
    const shape = affineShape(x!, w!, b!);
    return typeof shape === 'string' ? fail(shape) : ok(shape);
  },
  forward: ([x, w, b]) => {
    const m = x!.rank === 2 ? x!.shape[0]! : 1;
    const k = w!.shape[0]!;
    const n = w!.shape[1]!;
    const xw = new Tensor(x!.rank === 2 ? [m, n] : [n], gemm(x!.data, w!.data, m, k, n));
    return binary(BinaryCode.add, xw, b!, 'affine');
  },
  backward: (ctx) => {
    const [x, w, b] = ctx.inputs as [Tensor, Tensor, Tensor];
    const dout = ctx.gradOutput;
    const m = x.rank === 2 ? x.shape[0]! : 1;
    const k = w.shape[0]!;
    const n = w.shape[1]!;
    const [dx, dw] = gemmBackward(dout.data, x.data, w.data, m, k, n, ctx.needsGrad[0]!, ctx.needsGrad[1]!);
    return [
      dx ? new Tensor(x.shape, dx) : null,
      dw ? new Tensor(w.shape, dw) : null,
      ctx.needsGrad[2] ? sumToShape(dout, b.shape) : null,
    ];
  },
};

/**
 * The last softmax computed for each input's data (tensors are immutable), so
 * a backward pass that needs softmax(x) again (softmax_with_loss) reuses the
 * forward's instead of recomputing every exp.
 */
const softmaxOf = new WeakMap<Float64Array, { readonly c: number; readonly y: Float64Array }>();

/**
 * Softmax along the last axis as the textbook's numpy code computes it:
 * `e = exp(x - max(x)); e / sum(e)` per row, the row sum pairwise as np.sum.
 * Returns a fresh array the caller may change.
 */
export function softmaxData(x: Tensor): Float64Array {
  const c = x.shape[x.rank - 1] ?? 1;
  const data = x.data;
  const known = softmaxOf.get(data);
  if (known && known.c === c) return known.y.slice();
  const out = softmaxRows(data, c);
  softmaxOf.set(data, { c, y: out.slice() });
  return out;
}

function softmaxRows(data: Float64Array, c: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let base = 0; base < data.length; base += c) {
    let m = data[base]!;
    for (let j = 1; j < c; j++) {
      const v = data[base + j]!;
      if (!(m >= v || m !== m)) m = v;
    }
    for (let j = 0; j < c; j++) out[base + j] = crExp(data[base + j]! - m);
    const s = 0 + pairwiseSum(out, base, c);
    for (let j = 0; j < c; j++) out[base + j] = out[base + j]! / s;
  }
  return out;
}

export const softmax: OpDef = {
  name: 'softmax',
  aliases: [],
  symbol: 'Softmax',
  inputs: ['x'],
  attrs: [],
  signature: 'softmax(x)',
  doc: 'exp(x − max) / sum(exp(x − max)) along the last axis. Backward: y·(dout − sum(dout·y)) along that axis.',
  shape: ([x]) => (x!.length === 0 ? fail(l10n.t('softmax: expected a tensor with at least one axis, found a scalar')) : ok(x!)),
  forward: ([x]) => new Tensor(x!.shape, softmaxData(x!)),
  backward: (ctx) => {
    const y = ctx.output.data;
    const g = ctx.gradOutput.data;
    const c = ctx.output.shape[ctx.output.rank - 1]!;
    const out = new Float64Array(y.length);
    for (let base = 0; base < y.length; base += c) {
      for (let j = 0; j < c; j++) out[base + j] = g[base + j]! * y[base + j]!;
      const s = 0 + pairwiseSum(out, base, c);
      for (let j = 0; j < c; j++) out[base + j] = y[base + j]! * (g[base + j]! - s);
    }
    return [new Tensor(ctx.output.shape, out)];
  },
};
