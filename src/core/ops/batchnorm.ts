import { Tensor, type Shape } from '../tensor';
import { formatShape } from '../tensorMath';
import type { OpDef } from './opDef';
import { fail, floatAttr, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/** Channels of x (axis 1) and the size of each channel's block of elements per sample, or a message. */
function channels(x: Shape, params: readonly Shape[]): { c: number; inner: number } | string {
  if (x.length < 2) return l10n.t('batchnorm: expected x with a channel axis (shape [N, C, ...]), found {0}', formatShape(x));
  const c = x[1]!;
  const names = ['gamma', 'beta', 'mean', 'var'];
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.length !== 1 || p[0] !== c) return l10n.t('batchnorm: expected {0} of shape [{1}] (one per channel of x {2}), found {3}', String(names[i]), c, formatShape(x), formatShape(p));
  }
  let inner = 1;
  for (let k = 2; k < x.length; k++) inner *= x[k]!;
  return { c, inner };
}

/**
 * batchnorm(x, gamma, beta, mean, var, eps=1e-5): batch normalization in its
 * inference form, with the running statistics given (as PyTorch's eval() and
 * ONNX BatchNormalization compute it).
 */
export const batchnorm: OpDef = {
  name: 'batchnorm',
  aliases: ['BatchNormalization'],
  symbol: 'BatchNorm',
  inputs: ['x', 'gamma', 'beta', 'mean', 'var'],
  attrs: [{ name: 'eps', kind: 'float', default: 1e-5 }],
  signature: 'batchnorm(x, gamma, beta, mean, var, eps=1e-5)',
  doc: "γ·(x − mean)/√(var + eps) + β per channel (axis 1), the textbook's Batch Normalization with fixed statistics (inference). Backward: dx = dout·γ/√(var + eps), dγ = Σ dout·x̂, dβ = Σ dout, dmean = −Σ dout·γ/√(var + eps), dvar = −½ Σ dout·γ·(x − mean)·(var + eps)^(−3/2).",
  shape: ([x, ...params]) => {
    const r = channels(x!, params);
    return typeof r === 'string' ? fail(r) : ok(x!);
  },
  forward: ([x, gamma, beta, mean, variance], attrs) => {
    const { c, inner } = channels(x!.shape, []) as { c: number; inner: number };
    const eps = floatAttr(attrs, 'eps', 1e-5);
    const out = new Float64Array(x!.size);
    const data = x!.data;
    for (let base = 0, ch = 0; base < data.length; base += inner, ch = (ch + 1) % c) {
      const std = Math.sqrt(variance!.data[ch]! + eps);
      const g = gamma!.data[ch]!;
      const m = mean!.data[ch]!;
      const b = beta!.data[ch]!;
      for (let i = base; i < base + inner; i++) out[i] = (g * (data[i]! - m)) / std + b;
    }
    return new Tensor(x!.shape, out);
  },
  backward: (ctx) => {
    const [x, gamma, , mean, variance] = ctx.inputs as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const { c, inner } = channels(x.shape, []) as { c: number; inner: number };
    const eps = floatAttr(ctx.attrs, 'eps', 1e-5);
    const dout = ctx.gradOutput.data;
    const data = x.data;
    const dx = new Float64Array(x.size);
    const dgamma = new Float64Array(c);
    const dbeta = new Float64Array(c);
    const dmean = new Float64Array(c);
    const dvar = new Float64Array(c);
    for (let base = 0, ch = 0; base < data.length; base += inner, ch = (ch + 1) % c) {
      const v = variance.data[ch]! + eps;
      const std = Math.sqrt(v);
      const g = gamma.data[ch]!;
      const m = mean.data[ch]!;
      for (let i = base; i < base + inner; i++) {
        const d = dout[i]!;
        const centered = data[i]! - m;
        dx[i] = (d * g) / std;
        dgamma[ch]! += (d * centered) / std;
        dbeta[ch]! += d;
        dmean[ch]! -= (d * g) / std;
        dvar[ch]! += (-0.5 * d * g * centered) / (v * std);
      }
    }
    const shape = gamma.shape;
    return [
      ctx.needsGrad[0] ? new Tensor(x.shape, dx) : null,
      ctx.needsGrad[1] ? new Tensor(shape, dgamma) : null,
      ctx.needsGrad[2] ? new Tensor(shape, dbeta) : null,
      ctx.needsGrad[3] ? new Tensor(shape, dmean) : null,
      ctx.needsGrad[4] ? new Tensor(shape, dvar) : null,
    ];
  },
};
