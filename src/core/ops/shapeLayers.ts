import { Tensor, type Shape } from '../tensor';
import { formatShape, normalizeAxis } from '../tensorMath';
import type { OpDef } from './opDef';
import { fail, intAttr, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/** flatten(x): [N, d1, d2, ...] → [N, d1·d2·…], the step between the convolutional and the affine layers. */
export const flatten: OpDef = {
  name: 'flatten',
  aliases: ['Flatten'],
  symbol: 'Flatten',
  inputs: ['x'],
  attrs: [],
  signature: 'flatten(x)',
  doc: 'Keeps axis 0 and joins all others into one: [N, C, H, W] → [N, C·H·W] (as torch.flatten(x, 1); a 1-D x becomes [N, 1]). Backward: dout reshaped back.',
  shape: ([x]) => (x!.length === 0 ? fail(l10n.t('flatten: expected a tensor with at least one axis, found a scalar')) : ok([x![0]!, sizeAfterFirst(x!)])),
  forward: ([x]) => new Tensor([x!.shape[0]!, sizeAfterFirst(x!.shape)], x!.data),
  backward: (ctx) => [new Tensor(ctx.inputs[0]!.shape, ctx.gradOutput.data)],
};

function sizeAfterFirst(shape: Shape): number {
  let rest = 1;
  for (let k = 1; k < shape.length; k++) rest *= shape[k]!;
  return rest;
}

/** The axis of concat, or a message. */
function concatAxis(a: Shape, b: Shape, axis: number): number | string {
  if (a.length === 0) return l10n.t('concat: expected tensors with at least one axis, found a scalar');
  if (a.length !== b.length) return l10n.t('concat: expected a and b with the same number of axes, found {0} and {1}', formatShape(a), formatShape(b));
  const k = normalizeAxis(axis, a.length);
  if (k === null) return l10n.t('concat: expected an axis in [{0}, {1}] for shape {2}, found {3}', -a.length, a.length - 1, formatShape(a), axis);
  for (let i = 0; i < a.length; i++) {
    if (i !== k && a[i] !== b[i]) return l10n.t('concat: expected a and b to match except along axis {0}, found {1} and {2}', axis, formatShape(a), formatShape(b));
  }
  return k;
}

/** Rows (the product of the axes before `k`), and the block each input gives per row. */
function blocks(a: Shape, b: Shape, k: number): { rows: number; blockA: number; blockB: number } {
  let rows = 1;
  for (let i = 0; i < k; i++) rows *= a[i]!;
  let inner = 1;
  for (let i = k + 1; i < a.length; i++) inner *= a[i]!;
  return { rows, blockA: a[k]! * inner, blockB: b[k]! * inner };
}

/** concat(a, b, axis=0): a and b joined along one axis, as np.concatenate([a, b], axis). */
export const concat: OpDef = {
  name: 'concat',
  aliases: ['Concat'],
  symbol: 'concat',
  inputs: ['a', 'b'],
  attrs: [{ name: 'axis', kind: 'int', default: 0 }],
  signature: 'concat(a, b, axis=0)',
  doc: 'a and b joined along axis (np.concatenate([a, b], axis)); the other axes must match. Backward: dout split back along that axis.',
  shape: ([a, b], attrs) => {
    const k = concatAxis(a!, b!, intAttr(attrs, 'axis', 0));
    if (typeof k === 'string') return fail(k);
    return ok(a!.map((d, i) => (i === k ? d + b![i]! : d)));
  },
  forward: ([a, b], attrs) => {
    const k = concatAxis(a!.shape, b!.shape, intAttr(attrs, 'axis', 0)) as number;
    const { rows, blockA, blockB } = blocks(a!.shape, b!.shape, k);
    const out = new Float64Array(a!.size + b!.size);
    for (let r = 0; r < rows; r++) {
      out.set(a!.data.subarray(r * blockA, (r + 1) * blockA), r * (blockA + blockB));
      out.set(b!.data.subarray(r * blockB, (r + 1) * blockB), r * (blockA + blockB) + blockA);
    }
    return new Tensor(
      a!.shape.map((d, i) => (i === k ? d + b!.shape[i]! : d)),
      out,
    );
  },
  backward: (ctx) => {
    const [a, b] = ctx.inputs as [Tensor, Tensor];
    const k = concatAxis(a.shape, b.shape, intAttr(ctx.attrs, 'axis', 0)) as number;
    const { rows, blockA, blockB } = blocks(a.shape, b.shape, k);
    const g = ctx.gradOutput.data;
    const da = new Float64Array(a.size);
    const db = new Float64Array(b.size);
    for (let r = 0; r < rows; r++) {
      da.set(g.subarray(r * (blockA + blockB), r * (blockA + blockB) + blockA), r * blockA);
      db.set(g.subarray(r * (blockA + blockB) + blockA, (r + 1) * (blockA + blockB)), r * blockB);
    }
    return [ctx.needsGrad[0] ? new Tensor(a.shape, da) : null, ctx.needsGrad[1] ? new Tensor(b.shape, db) : null];
  },
};

/** The axes of transpose(x, axes...): none means reversed; else a permutation of 0..rank-1 (negative counts from the end), or a message. */
export function permutation(shape: Shape, axes: readonly number[]): number[] | string {
  const rank = shape.length;
  if (axes.length === 0) return shape.map((_, i) => rank - 1 - i);
  if (axes.length !== rank) return l10n.t('transpose: expected {0} axes for shape {1}, found {2} ({3})', rank, formatShape(shape), axes.length, axes.join(', '));
  const out = axes.map((a) => (a < 0 ? a + rank : a));
  const seen = new Set<number>();
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if (a < 0 || a >= rank || seen.has(a)) return l10n.t('transpose: expected a permutation of the axes 0..{0}, found ({1})', rank - 1, axes.join(', '));
    seen.add(a);
  }
  return out;
}

/** x with its axes permuted: output axis i is input axis perm[i] (np.transpose(x, perm)). */
export function permuteAxes(x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.rank;
  const shape = perm.map((p) => x.shape[p]!);
  const strides = new Array<number>(rank);
  let s = 1;
  for (let ax = rank - 1; ax >= 0; ax--) {
    strides[ax] = s;
    s *= x.shape[ax]!;
  }
  const steps = perm.map((p) => strides[p]!);
  const out = new Float64Array(x.size);
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x.data[src]!;
    for (let ax = rank - 1; ax >= 0; ax--) {
      if (++counter[ax]! < shape[ax]!) {
        src += steps[ax]!;
        break;
      }
      src -= steps[ax]! * (shape[ax]! - 1);
      counter[ax] = 0;
    }
  }
  return new Tensor(shape, out);
}
