import { Tensor } from '../tensor';
import { formatShape, resolveReshape, transpose as transposeOf } from '../tensorMath';
import type { OpDef } from './opDef';
import { fail, intsAttr, ok } from './opHelpers';
import { permutation, permuteAxes } from './shapeLayers';

export const transpose: OpDef = {
  name: 'transpose',
  aliases: [],
  symbol: 'ᵀ',
  inputs: ['x'],
  attrs: [{ name: 'axes', kind: 'ints', default: [] }],
  signature: 'transpose(x, axes...)',
  doc: 'Reverses the axes (also written x.T), or orders them as the axes given, as np.transpose(x, axes); a vector or scalar is unchanged. Backward: dout with the inverse order.',
  shape: ([x], attrs) => {
    const perm = permutation(x!, intsAttr(attrs, 'axes'));
    return typeof perm === 'string' ? fail(perm) : ok(perm.map((p) => x![p]!));
  },
  forward: ([x], attrs) => {
    const axes = intsAttr(attrs, 'axes');
    return axes.length === 0 ? transposeOf(x!) : permuteAxes(x!, permutation(x!.shape, axes) as number[]);
  },
  backward: (ctx) => {
    const axes = intsAttr(ctx.attrs, 'axes');
    if (axes.length === 0) return [transposeOf(ctx.gradOutput)];
    const perm = permutation(ctx.inputs[0]!.shape, axes) as number[];
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => (inverse[p] = i));
    return [permuteAxes(ctx.gradOutput, inverse)];
  },
};

export const reshape: OpDef = {
  name: 'reshape',
  aliases: [],
  symbol: 'reshape',
  inputs: ['x'],
  attrs: [{ name: 'shape', kind: 'ints', default: [] }],
  signature: 'reshape(x, d1, d2, ...)',
  doc: 'The same elements in row-major order with a new shape; one size may be -1 (inferred). Backward: dout reshaped back.',
  shape: ([x], attrs) => {
    const shape = resolveReshape(x!, intsAttr(attrs, 'shape'));
    return typeof shape === 'string' ? fail(`reshape: ${shape}`) : ok(shape);
  },
  forward: ([x], attrs) => {
    const shape = resolveReshape(x!.shape, intsAttr(attrs, 'shape'));
    if (typeof shape === 'string') throw new RangeError(`reshape: ${shape} (${formatShape(x!.shape)})`);
    return new Tensor(shape, x!.data);
  },
  backward: (ctx) => [new Tensor(ctx.inputs[0]!.shape, ctx.gradOutput.data)],
};
