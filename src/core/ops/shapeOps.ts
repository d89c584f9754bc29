import { Tensor } from '../tensor';
import { formatShape, resolveReshape, transpose as transposeOf } from '../tensorMath';
import type { OpDef } from './opDef';
import { fail, intsAttr, ok } from './opHelpers';

export const transpose: OpDef = {
  name: 'transpose',
  aliases: [],
  symbol: 'ᵀ',
  inputs: ['x'],
  attrs: [],
  signature: 'transpose(x)',
  doc: 'Reverses the axes (also written x.T); a vector or scalar is unchanged. Backward: dout transposed.',
  shape: ([x]) => ok(x!.slice().reverse()),
  forward: ([x]) => transposeOf(x!),
  backward: (ctx) => [transposeOf(ctx.gradOutput)],
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
