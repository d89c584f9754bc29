import { Tensor } from '../tensor';
import { broadcastTo, mean as meanOf, reducedAxes, reducedShape, sum as sumOf } from '../tensorMath';
import type { BackwardContext, OpAttrs, OpDef, ShapeResult } from './opDef';
import { boolAttr, fail, intOrNoneAttr, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

const reductionAttrs = [
  { name: 'axis', kind: 'intOrNone', default: null },
  { name: 'keepdims', kind: 'bool', default: false },
] as const;

function reductionShape(name: string) {
  return ([x]: readonly (readonly number[])[], attrs: OpAttrs): ShapeResult => {
    const reduced = reducedAxes(x!, intOrNoneAttr(attrs, 'axis'));
    return typeof reduced === 'string' ? fail(`${name}: ${reduced}`) : ok(reducedShape(x!, reduced, boolAttr(attrs, 'keepdims')));
  };
}

/** The upstream gradient spread back over the reduced axes (as keepdims, then broadcast). */
function spread(ctx: BackwardContext, scale: number | null): Tensor {
  const x = ctx.inputs[0]!;
  const reduced = reducedAxes(x.shape, intOrNoneAttr(ctx.attrs, 'axis')) as boolean[];
  let g = new Tensor(reducedShape(x.shape, reduced, true), ctx.gradOutput.data);
  if (scale !== null) {
    const d = new Float64Array(g.size);
    for (let i = 0; i < d.length; i++) d[i] = g.data[i]! / scale;
    g = new Tensor(g.shape, d);
  }
  return broadcastTo(g, x.shape);
}

export const sum: OpDef = {
  name: 'sum',
  aliases: [],
  symbol: 'Σ',
  inputs: ['x'],
  attrs: reductionAttrs,
  signature: 'sum(x, axis=None, keepdims=false)',
  doc: 'Sum over one axis (negative counts from the end) or all, in numpy\'s order (pairwise along the contiguous axis). Backward: dout copied to every summed element.',
  shape: reductionShape('sum'),
  forward: ([x], attrs) => sumOf(x!, intOrNoneAttr(attrs, 'axis'), boolAttr(attrs, 'keepdims')),
  backward: (ctx) => [spread(ctx, null)],
};

export const mean: OpDef = {
  name: 'mean',
  aliases: [],
  symbol: 'mean',
  inputs: ['x'],
  attrs: reductionAttrs,
  signature: 'mean(x, axis=None, keepdims=false)',
  doc: 'Mean over one axis or all: the numpy sum divided by the count. Backward: dout / count to every averaged element.',
  shape: reductionShape('mean'),
  shapeWarning: ([x], attrs) => {
    const reduced = reducedAxes(x!, intOrNoneAttr(attrs, 'axis'));
    if (typeof reduced === 'string') return null;
    let count = 1;
    for (let i = 0; i < x!.length; i++) if (reduced[i]) count *= x![i]!;
    return count === 0 ? l10n.t('mean: expected a non-empty slice to average, found shape [{0}]: the mean of an empty slice is NaN (numpy warns "Mean of empty slice")', x!.join(',')) : null;
  },
  forward: ([x], attrs) => meanOf(x!, intOrNoneAttr(attrs, 'axis'), boolAttr(attrs, 'keepdims')),
  backward: (ctx) => {
    const x = ctx.inputs[0]!;
    const reduced = reducedAxes(x.shape, intOrNoneAttr(ctx.attrs, 'axis')) as boolean[];
    let count = 1;
    for (let i = 0; i < x.rank; i++) if (reduced[i]) count *= x.shape[i]!;
    return [spread(ctx, count)];
  },
};
