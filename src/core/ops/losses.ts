import { Tensor, type Shape } from '../tensor';
import { BinaryCode, binary, broadcastShapes, crLog, formatShape, pairwiseSum, shapesEqual, sumToShape } from '../tensorMath';
import { softmaxData } from './layers';
import type { OpDef, ShapeResult } from './opDef';
import { fail, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/*
 * The textbook's losses, in its numpy arithmetic order:
 *   cross_entropy_error(y, t) = -np.sum(t * np.log(y + 1e-7)) / batch_size
 * with the class-index form picking y[arange(batch), t]. "batch" is the size
 * of axis 0 of a 2-D y and 1 for a 1-D y.
 */

const DELTA = 1e-7;

type TargetKind = 'onehot' | 'indices';

/** How t is read against y, or the message. Equal shapes mean one-hot (or soft) targets. */
function targetKind(name: string, y: Shape, t: Shape): TargetKind | string {
  if (y.length !== 1 && y.length !== 2) return l10n.t('{0}: expected 1-D or 2-D scores, found {1}', name, formatShape(y));
  if (shapesEqual(y, t)) return 'onehot';
  if (y.length === 2 && t.length === 1 && t[0] === y[0]) return 'indices';
  if (y.length === 1 && (t.length === 0 || (t.length === 1 && t[0] === 1))) return 'indices';
  const indexShape = y.length === 2 ? formatShape([y[0]!]) : '[] or [1]';
  return l10n.t('{0}: t must be one-hot with the shape of y {1}, or class indices of shape {2}, found {3}', name, formatShape(y), indexShape, formatShape(t));
}

function lossShape(name: string) {
  return ([y, t]: readonly Shape[]): ShapeResult => {
    const kind = targetKind(name, y!, t!);
    return kind === 'onehot' || kind === 'indices' ? ok([]) : fail(kind);
  };
}

function batchOf(y: Tensor): number {
  return y.rank === 2 ? y.shape[0]! : 1;
}

/** The class index of row i, or -1 when t[i] is not a whole number in 0..classes-1. */
function classIndex(t: Float64Array, i: number, classes: number): number {
  const v = t[i]!;
  return Number.isInteger(v) && v >= 0 && v < classes ? v : -1;
}

function checkIndices(name: string) {
  return ([y, t]: readonly Tensor[]): string | null => {
    if (targetKind(name, y!.shape, t!.shape) !== 'indices') return null;
    const classes = y!.shape[y!.rank - 1]!;
    for (let i = 0; i < t!.size; i++) {
      if (classIndex(t!.data, i, classes) < 0) {
        return l10n.t('{0}: expected class indices in 0..{1}, found t[{2}] = {3}', name, classes - 1, i, String(t!.data[i]));
      }
    }
    return null;
  };
}

/** -sum(t·log(y + 1e-7)) / batch, or the picked-class form; NaN for an invalid class index. */
function crossEntropyValue(y: Float64Array, shape: Shape, t: Tensor, kind: TargetKind): number {
  const batch = shape.length === 2 ? shape[0]! : 1;
  if (kind === 'onehot') {
    const terms = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) {
      const ti = t.data[i]!;
      const v = y[i]! + DELTA;
      // 0·log(v) is a signed zero whose sign is log(v)'s: no need to compute the log
      terms[i] = ti === 0 && v > 0 && v < Infinity ? ti * (v < 1 ? -1 : v > 1 ? 1 : 0) : ti * crLog(v);
    }
    return -(0 + pairwiseSum(terms, 0, terms.length)) / batch;
  }
  const classes = shape[shape.length - 1]!;
  const terms = new Float64Array(batch);
  for (let i = 0; i < batch; i++) {
    const c = classIndex(t.data, i, classes);
    terms[i] = c < 0 ? NaN : crLog(y[i * classes + c]! + DELTA);
  }
  return -(0 + pairwiseSum(terms, 0, batch)) / batch;
}

export const crossEntropy: OpDef = {
  name: 'cross_entropy',
  aliases: [],
  symbol: 'CrossEntropy',
  inputs: ['y', 't'],
  attrs: [],
  signature: 'cross_entropy(y, t)',
  doc: '−sum(t·log(y + 1e-7)) / batch, t one-hot (shape of y) or class indices (one per row). Backward: dy = −t / (y + 1e-7) / batch; dt = −log(y + 1e-7) / batch for one-hot t.',
  shape: lossShape('cross_entropy'),
  checkValues: checkIndices('cross_entropy'),
  forward: ([y, t]) => Tensor.scalar(crossEntropyValue(y!.data, y!.shape, t!, targetKind('', y!.shape, t!.shape) as TargetKind)),
  backward: (ctx) => {
    const [y, t] = ctx.inputs as [Tensor, Tensor];
    const kind = targetKind('', y.shape, t.shape) as TargetKind;
    const scale = ctx.gradOutput.data[0]! / batchOf(y);
    let dy: Tensor | null = null;
    if (ctx.needsGrad[0]) {
      const out = new Float64Array(y.size);
      if (kind === 'onehot') {
        for (let i = 0; i < out.length; i++) out[i] = (-t.data[i]! / (y.data[i]! + DELTA)) * scale;
      } else {
        const classes = y.shape[y.rank - 1]!;
        for (let i = 0; i < batchOf(y); i++) {
          const c = classIndex(t.data, i, classes);
          if (c >= 0) out[i * classes + c] = (-1 / (y.data[i * classes + c]! + DELTA)) * scale;
        }
      }
      dy = new Tensor(y.shape, out);
    }
    let dt: Tensor | null = null;
    if (ctx.needsGrad[1] && kind === 'onehot') {
      const out = new Float64Array(t.size);
      for (let i = 0; i < out.length; i++) out[i] = -crLog(y.data[i]! + DELTA) * scale;
      dt = new Tensor(t.shape, out);
    }
    return [dy, dt];
  },
};

export const softmaxWithLoss: OpDef = {
  name: 'softmax_with_loss',
  aliases: ['SoftmaxWithLoss'],
  symbol: 'SoftmaxWithLoss',
  inputs: ['x', 't'],
  attrs: [],
  signature: 'softmax_with_loss(x, t)',
  doc: 'cross_entropy(softmax(x), t) as one node (the SoftmaxWithLoss layer). Backward: dx = (softmax(x) − onehot(t)) / batch; no gradient for t.',
  shape: lossShape('softmax_with_loss'),
  checkValues: checkIndices('softmax_with_loss'),
  forward: ([x, t]) => {
    const kind = targetKind('', x!.shape, t!.shape) as TargetKind;
    return Tensor.scalar(crossEntropyValue(softmaxData(x!), x!.shape, t!, kind));
  },
  backward: (ctx) => {
    if (!ctx.needsGrad[0]) return [null, null];
    const [x, t] = ctx.inputs as [Tensor, Tensor];
    const y = softmaxData(x);
    const batch = batchOf(x);
    const dout = ctx.gradOutput.data[0]!;
    const out = new Float64Array(y.length);
    if (targetKind('', x.shape, t.shape) === 'onehot') {
      for (let i = 0; i < out.length; i++) out[i] = ((y[i]! - t.data[i]!) / batch) * dout;
    } else {
      // the textbook: dx = y.copy(); dx[arange(batch), t] -= 1; dx / batch
      const classes = x.shape[x.rank - 1]!;
      for (let i = 0; i < batch; i++) {
        const c = classIndex(t.data, i, classes);
        if (c >= 0) y[i * classes + c] = y[i * classes + c]! - 1;
        else for (let j = 0; j < classes; j++) y[i * classes + j] = NaN;
      }
      for (let i = 0; i < out.length; i++) out[i] = (y[i]! / batch) * dout;
    }
    return [new Tensor(x.shape, out), null];
  },
};

function mseShape([y, t]: readonly Shape[]): ShapeResult {
  return broadcastShapes(y!, t!) ? ok([]) : fail(l10n.t('mse: cannot broadcast {0} with {1}', formatShape(y!), formatShape(t!)));
}

export const mse: OpDef = {
  name: 'mse',
  aliases: [],
  symbol: 'MSE',
  inputs: ['y', 't'],
  attrs: [],
  signature: 'mse(y, t)',
  doc: 'mean((y − t)²) over all elements (broadcasting). Backward: dy = (y − t)·(2/n)·dout, dt = (t − y)·(2/n)·dout, as PyTorch.',
  shape: mseShape,
  shapeWarning: ([y, t]) => {
    const shape = broadcastShapes(y!, t!);
    return shape && shape.includes(0) ? l10n.t('mse: expected non-empty tensors, found shape {0}: the mean of no squared errors is NaN (numpy warns "Mean of empty slice")', formatShape(shape)) : null;
  },
  forward: ([y, t]) => {
    const diff = binary(BinaryCode.sub, y!, t!, 'mse').data;
    const squares = new Float64Array(diff.length);
    for (let i = 0; i < diff.length; i++) squares[i] = diff[i]! * diff[i]!;
    return Tensor.scalar((0 + pairwiseSum(squares, 0, squares.length)) / squares.length);
  },
  backward: (ctx) => {
    const [y, t] = ctx.inputs as [Tensor, Tensor];
    const dout = ctx.gradOutput.data[0]!;
    const grad = (a: Tensor, b: Tensor): Tensor => {
      const diff = binary(BinaryCode.sub, a, b, 'mse');
      const norm = 2 / diff.size;
      const out = new Float64Array(diff.size);
      for (let i = 0; i < out.length; i++) out[i] = diff.data[i]! * norm * dout;
      return sumToShape(new Tensor(diff.shape, out), a.shape);
    };
    return [ctx.needsGrad[0] ? grad(y, t) : null, ctx.needsGrad[1] ? grad(t, y) : null];
  },
};
