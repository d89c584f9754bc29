import { rand } from '../random';
import { Tensor } from '../tensor';
import type { EvaluationContext, OpAttrs, OpDef } from './opDef';
import { fail, floatAttr, intAttr, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/**
 * The mask of one training step, already scaled: 1/(1 − ratio) where
 * `np.random.seed(seed + step); np.random.rand(*shape) >= ratio`, else 0.
 * Drawn again for the backward, so nothing is stored between the passes.
 */
function scaledMask(size: number, attrs: OpAttrs, step: number): Float64Array {
  const ratio = floatAttr(attrs, 'ratio', 0.5);
  const seed = (intAttr(attrs, 'seed', 0) + step) % 2 ** 32;
  const u = rand([size], seed).data;
  const keep = 1 / (1 - ratio);
  const mask = new Float64Array(size);
  for (let i = 0; i < size; i++) mask[i] = u[i]! >= ratio ? keep : 0;
  return mask;
}

function trainingStep(context: EvaluationContext | undefined): number | null {
  return context?.trainingStep ?? null;
}

/**
 * dropout(x, ratio, seed=0): during a training step, each element is kept with
 * probability 1 − ratio and scaled by 1/(1 − ratio) (inverted dropout, as
 * PyTorch and ONNX); outside training it is the identity.
 */
export const dropout: OpDef = {
  name: 'dropout',
  aliases: ['Dropout'],
  symbol: 'Dropout',
  inputs: ['x'],
  attrs: [
    { name: 'ratio', kind: 'float' },
    { name: 'seed', kind: 'int', default: 0 },
  ],
  signature: 'dropout(x, ratio, seed=0)',
  doc: "In training step k: x · mask / (1 − ratio), mask = rand(x.shape) ≥ ratio drawn with seed + k (the textbook's Dropout, scaled so that the expected value is x); outside training the identity. Backward: dout · mask / (1 − ratio), or dout outside training.",
  shape: ([x], attrs) => {
    const ratio = floatAttr(attrs, 'ratio', 0.5);
    if (!(ratio >= 0 && ratio < 1)) return fail(l10n.t('dropout: expected a ratio in [0, 1), found {0}', ratio));
    const seed = intAttr(attrs, 'seed', 0);
    if (!(seed >= 0 && seed <= 0xffffffff)) return fail(l10n.t('dropout: expected a seed in [0, 4294967295], found {0}', seed));
    return ok(x!);
  },
  forward: ([x], attrs, context) => {
    const step = trainingStep(context);
    if (step === null) return x!;
    const mask = scaledMask(x!.size, attrs, step);
    const out = new Float64Array(x!.size);
    for (let i = 0; i < out.length; i++) out[i] = x!.data[i]! * mask[i]!;
    return new Tensor(x!.shape, out);
  },
  backward: (ctx) => {
    const step = trainingStep(ctx.context);
    const g = ctx.gradOutput;
    if (step === null) return [g];
    const mask = scaledMask(g.size, ctx.attrs, step);
    const out = new Float64Array(g.size);
    for (let i = 0; i < out.length; i++) out[i] = g.data[i]! * mask[i]!;
    return [new Tensor(g.shape, out)];
  },
};
