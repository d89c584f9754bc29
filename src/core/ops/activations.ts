import { Tensor } from '../tensor';
import { crExp, crLog, pairwiseSum } from '../tensorMath';
import type { OpDef } from './opDef';
import { fail, floatAttr, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/** log_softmax(x): x − max − log Σ exp(x − max) along the last axis, without forming softmax's quotient. */
export const logSoftmax: OpDef = {
  name: 'log_softmax',
  aliases: ['LogSoftmax'],
  symbol: 'LogSoftmax',
  inputs: ['x'],
  attrs: [],
  signature: 'log_softmax(x)',
  doc: 'log(softmax(x)) along the last axis, computed as x − max − log Σ exp(x − max) (as torch.log_softmax). Backward: dout − softmax(x)·Σ dout along that axis.',
  shape: ([x]) => (x!.length === 0 ? fail(l10n.t('log_softmax: expected a tensor with at least one axis, found a scalar')) : ok(x!)),
  forward: ([x]) => {
    const c = x!.shape[x!.rank - 1]!;
    const data = x!.data;
    const out = new Float64Array(data.length);
    const e = new Float64Array(c);
    for (let base = 0; base < data.length; base += c) {
      let m = data[base]!;
      for (let j = 1; j < c; j++) {
        const v = data[base + j]!;
        if (!(m >= v || m !== m)) m = v;
      }
      for (let j = 0; j < c; j++) e[j] = crExp(data[base + j]! - m);
      const logSum = crLog(pairwiseSum(e, 0, c));
      for (let j = 0; j < c; j++) out[base + j] = data[base + j]! - m - logSum;
    }
    return new Tensor(x!.shape, out);
  },
  backward: (ctx) => {
    const y = ctx.output.data;
    const g = ctx.gradOutput.data;
    const c = ctx.output.shape[ctx.output.rank - 1]!;
    const out = new Float64Array(y.length);
    for (let base = 0; base < y.length; base += c) {
      const s = pairwiseSum(g, base, c);
      for (let j = 0; j < c; j++) out[base + j] = g[base + j]! - crExp(y[base + j]!) * s;
    }
    return [new Tensor(ctx.output.shape, out)];
  },
};

/** leaky_relu(x, alpha=0.01): x where x > 0, else alpha·x. */
export const leakyRelu: OpDef = {
  name: 'leaky_relu',
  aliases: ['LeakyRelu'],
  symbol: 'LeakyReLU',
  inputs: ['x'],
  attrs: [{ name: 'alpha', kind: 'float', default: 0.01 }],
  signature: 'leaky_relu(x, alpha=0.01)',
  doc: 'x where x > 0, else alpha·x, elementwise (as torch.nn.LeakyReLU with negative_slope = alpha). Backward: dout where x > 0, else alpha·dout.',
  shape: ([x]) => ok(x!),
  forward: ([x], attrs) => {
    const alpha = floatAttr(attrs, 'alpha', 0.01);
    const data = x!.data;
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! > 0 ? data[i]! : data[i]! * alpha;
    return new Tensor(x!.shape, out);
  },
  backward: (ctx) => {
    const alpha = floatAttr(ctx.attrs, 'alpha', 0.01);
    const data = ctx.inputs[0]!.data;
    const g = ctx.gradOutput.data;
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! > 0 ? g[i]! : g[i]! * alpha;
    return [new Tensor(ctx.inputs[0]!.shape, out)];
  },
};
