import { Tensor } from '../tensor';
import { UnaryCode, unary } from '../tensorMath';
import type { BackwardContext, OpDef } from './opDef';
import { ok } from './opHelpers';

/*
 * Elementwise ops. Each backward is its own loop rather than one shared loop
 * calling a per-op closure, which V8 could not inline.
 */

function elementwise(
  name: string,
  aliases: readonly string[],
  symbol: string,
  code: UnaryCode,
  doc: string,
  backward: (x: Float64Array, y: Float64Array, dout: Float64Array, out: Float64Array) => void,
): OpDef {
  return {
    name,
    aliases,
    symbol,
    inputs: ['x'],
    attrs: [],
    signature: `${name}(x)`,
    doc,
    shape: ([x]) => ok(x!),
    forward: ([x]) => unary(code, x!),
    backward: (ctx: BackwardContext) => {
      const x = ctx.inputs[0]!;
      const out = new Float64Array(x.size);
      backward(x.data, ctx.output.data, ctx.gradOutput.data, out);
      return [new Tensor(x.shape, out)];
    },
  };
}

export const relu = elementwise(
  'relu',
  ['Relu', 'ReLU'],
  'ReLU',
  UnaryCode.relu,
  "max(x, 0) elementwise (the textbook's Relu layer). Backward: dout where x > 0, else 0.",
  (x, _y, g, out) => {
    // the textbook's mask is x <= 0, so a NaN input lets dout through
    for (let i = 0; i < out.length; i++) out[i] = x[i]! <= 0 ? 0 : g[i]!;
  },
);

export const sigmoid = elementwise(
  'sigmoid',
  ['Sigmoid'],
  'σ',
  UnaryCode.sigmoid,
  '1 / (1 + exp(−x)) elementwise (the Sigmoid layer). Backward: dout·(1 − y)·y, in the textbook\'s order.',
  (_x, y, g, out) => {
    for (let i = 0; i < out.length; i++) out[i] = g[i]! * (1 - y[i]!) * y[i]!;
  },
);

export const tanh = elementwise('tanh', [], 'tanh', UnaryCode.tanh, 'Hyperbolic tangent elementwise. Backward: dout·(1 − y²).', (_x, y, g, out) => {
  for (let i = 0; i < out.length; i++) out[i] = g[i]! * (1 - y[i]! * y[i]!);
});

export const exp = elementwise('exp', [], 'exp', UnaryCode.exp, 'eˣ elementwise (correctly rounded). Backward: dout·y.', (_x, y, g, out) => {
  for (let i = 0; i < out.length; i++) out[i] = g[i]! * y[i]!;
});

export const log = elementwise(
  'log',
  [],
  'log',
  UnaryCode.log,
  'Natural logarithm elementwise (correctly rounded; NaN below 0, −Infinity at 0). Backward: dout / x.',
  (x, _y, g, out) => {
    for (let i = 0; i < out.length; i++) out[i] = g[i]! / x[i]!;
  },
);

export const sqrt = elementwise('sqrt', [], '√', UnaryCode.sqrt, 'Square root elementwise. Backward: dout / (2·y).', (_x, y, g, out) => {
  for (let i = 0; i < out.length; i++) out[i] = g[i]! / (2 * y[i]!);
});

export const abs = elementwise('abs', [], '|x|', UnaryCode.abs, '|x| elementwise. Backward: dout·sign(x), 0 at x = 0.', (x, _y, g, out) => {
  for (let i = 0; i < out.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? g[i]! : v < 0 ? -g[i]! : v === 0 ? 0 : NaN;
  }
});
