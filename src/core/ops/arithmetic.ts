import { Tensor } from '../tensor';
import {
  BinaryCode,
  binary,
  broadcastShapes,
  broadcastTo,
  crLog,
  crPow,
  formatShape,
  gemm,
  gemmBackward,
  matmulShape,
  neg as negate,
  sumToShape,
} from '../tensorMath';
import type { BackwardContext, OpDef, ShapeResult } from './opDef';
import { fail, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

function broadcastRule(name: string) {
  return (inputs: readonly (readonly number[])[]): ShapeResult => {
    const [a, b] = inputs as [readonly number[], readonly number[]];
    const shape = broadcastShapes(a, b);
    return shape ? ok(shape) : fail(l10n.t('{0}: cannot broadcast {1} with {2}', name, formatShape(a), formatShape(b)));
  };
}

/** Gradient for input i only when it is wanted; the product is computed lazily. */
function wanted(ctx: BackwardContext, i: number, grad: () => Tensor): Tensor | null {
  return ctx.needsGrad[i] ? sumToShape(grad(), ctx.inputs[i]!.shape) : null;
}

/** `a + b` (the textbook's AddLayer): the gradient passes unchanged to both, summed over broadcast axes. */
export const add: OpDef = {
  name: 'add',
  aliases: ['AddLayer'],
  operator: '+',
  symbol: '+',
  inputs: ['a', 'b'],
  attrs: [],
  signature: 'add(a, b)',
  doc: 'a + b with numpy broadcasting. Backward: dout to both inputs, summed over the axes each was broadcast along.',
  shape: broadcastRule('add'),
  forward: (inputs) => binary(BinaryCode.add, inputs[0]!, inputs[1]!, 'add'),
  backward: (ctx) => [
    ctx.needsGrad[0] ? sumToShape(ctx.gradOutput, ctx.inputs[0]!.shape) : null,
    ctx.needsGrad[1] ? sumToShape(ctx.gradOutput, ctx.inputs[1]!.shape) : null,
  ],
};

export const sub: OpDef = {
  name: 'sub',
  aliases: [],
  operator: '-',
  symbol: '−',
  inputs: ['a', 'b'],
  attrs: [],
  signature: 'sub(a, b)',
  doc: 'a − b with numpy broadcasting. Backward: da = dout, db = −dout, each summed to its shape.',
  shape: broadcastRule('sub'),
  forward: (inputs) => binary(BinaryCode.sub, inputs[0]!, inputs[1]!, 'sub'),
  backward: (ctx) => [
    wanted(ctx, 0, () => ctx.gradOutput),
    ctx.needsGrad[1] ? negate(sumToShape(ctx.gradOutput, ctx.inputs[1]!.shape)) : null,
  ],
};

/** `a * b` (the textbook's MulLayer): da = dout·b, db = dout·a, in that order so goldens match. */
export const mul: OpDef = {
  name: 'mul',
  aliases: ['MulLayer'],
  operator: '*',
  symbol: '×',
  inputs: ['a', 'b'],
  attrs: [],
  signature: 'mul(a, b)',
  doc: 'a × b elementwise with numpy broadcasting. Backward: da = dout·b, db = dout·a (the inputs swapped), summed to each shape.',
  shape: broadcastRule('mul'),
  forward: (inputs) => binary(BinaryCode.mul, inputs[0]!, inputs[1]!, 'mul'),
  backward: (ctx) => {
    const a = ctx.inputs[0]!;
    const b = ctx.inputs[1]!;
    const dout = ctx.gradOutput;
    return [ctx.needsGrad[0] ? sumToShape(binary(BinaryCode.mul, dout, b), a.shape) : null, ctx.needsGrad[1] ? sumToShape(binary(BinaryCode.mul, dout, a), b.shape) : null];
  },
};

export const div: OpDef = {
  name: 'div',
  aliases: [],
  operator: '/',
  symbol: '÷',
  inputs: ['a', 'b'],
  attrs: [],
  signature: 'div(a, b)',
  doc: 'a ÷ b elementwise with numpy broadcasting. Backward: da = dout / b, db = −dout·(a/b)/b (as PyTorch), summed to each shape.',
  shape: broadcastRule('div'),
  forward: (inputs) => binary(BinaryCode.div, inputs[0]!, inputs[1]!, 'div'),
  backward: (ctx) => {
    const [a, b] = ctx.inputs as [Tensor, Tensor];
    const dout = ctx.gradOutput;
    return [
      wanted(ctx, 0, () => binary(BinaryCode.div, dout, b)),
      wanted(ctx, 1, () => binary(BinaryCode.mul, negate(dout), binary(BinaryCode.div, binary(BinaryCode.div, a, b), b))),
    ];
  },
};

export const pow: OpDef = {
  name: 'pow',
  aliases: [],
  operator: '**',
  symbol: '^',
  inputs: ['a', 'b'],
  attrs: [],
  signature: 'pow(a, b)',
  doc: 'a ** b elementwise (C pow, correctly rounded). Backward: da = dout·b·a^(b−1) (0 where b = 0), db = dout·a^b·ln a where a > 0, else 0.',
  shape: broadcastRule('pow'),
  forward: (inputs) => binary(BinaryCode.pow, inputs[0]!, inputs[1]!, 'pow'),
  backward: (ctx) => {
    const dout = ctx.gradOutput;
    const shape = dout.shape;
    const a = broadcastTo(ctx.inputs[0]!, shape).data;
    const b = broadcastTo(ctx.inputs[1]!, shape).data;
    const y = broadcastTo(ctx.output, shape).data;
    const g = dout.data;
    return [
      wanted(ctx, 0, () => {
        const out = new Float64Array(g.length);
        for (let i = 0; i < out.length; i++) out[i] = b[i] === 0 ? 0 : g[i]! * (b[i]! * crPow(a[i]!, b[i]! - 1));
        return new Tensor(shape, out);
      }),
      wanted(ctx, 1, () => {
        const out = new Float64Array(g.length);
        for (let i = 0; i < out.length; i++) out[i] = a[i]! > 0 ? g[i]! * (y[i]! * crLog(a[i]!)) : 0;
        return new Tensor(shape, out);
      }),
    ];
  },
};

export const neg: OpDef = {
  name: 'neg',
  aliases: [],
  operator: '-',
  symbol: '−',
  inputs: ['x'],
  attrs: [],
  signature: 'neg(x)',
  doc: '−x. Backward: −dout.',
  shape: ([x]) => ok(x!),
  forward: ([x]) => negate(x!),
  backward: (ctx) => [negate(ctx.gradOutput)],
};

/** `a @ b`; the backward keeps each product a plain ascending dot, like the forward. */
export const matmul: OpDef = {
  name: 'matmul',
  aliases: [],
  operator: '@',
  symbol: '@',
  inputs: ['a', 'b'],
  attrs: [],
  signature: 'matmul(a, b)',
  doc: 'Matrix product a @ b for 2-D@2-D, 1-D@2-D, 2-D@1-D and 1-D@1-D. Backward: da = dout @ bᵀ, db = aᵀ @ dout (outer products for vectors).',
  shape: ([a, b]) => {
    const shape = matmulShape(a!, b!);
    return typeof shape === 'string' ? fail(shape) : ok(shape);
  },
  forward: ([a, b]) => {
    const [m, k, n] = dims(a!, b!);
    return new Tensor(matmulShape(a!.shape, b!.shape) as readonly number[], gemm(a!.data, b!.data, m, k, n));
  },
  backward: (ctx) => {
    const [a, b] = ctx.inputs as [Tensor, Tensor];
    const dout = ctx.gradOutput;
    const [m, k, n] = dims(a, b);
    // with vectors read as 1×k and k×1 matrices the 2-D formulas cover every case
    const [da, db] = gemmBackward(dout.data, a.data, b.data, m, k, n, ctx.needsGrad[0]!, ctx.needsGrad[1]!);
    return [da ? new Tensor(a.shape, da) : null, db ? new Tensor(b.shape, db) : null];
  },
};

/** m, k, n of `a @ b` with a vector read as one row (left) or one column (right). */
function dims(a: Tensor, b: Tensor): [number, number, number] {
  const m = a.rank === 2 ? a.shape[0]! : 1;
  const k = a.shape[a.rank - 1]!;
  const n = b.rank === 2 ? b.shape[1]! : 1;
  return [m, k, n];
}
