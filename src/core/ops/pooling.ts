import { Tensor } from '../tensor';
import { formatShape, pairwiseSum } from '../tensorMath';
import { windowGeometry, type WindowGeometry } from './conv';
import type { AttrSpec, OpAttrs, OpDef, ShapeResult } from './opDef';
import { boolAttr, fail, intAttr, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/*
 * The textbook's Pooling layer and its average and global forms, NCHW. A
 * window never lies wholly in the padding (pad at most half the window, as
 * PyTorch requires), so every output has at least one real input.
 */

const poolAttrs: readonly AttrSpec[] = [
  { name: 'h', kind: 'int' },
  { name: 'w', kind: 'int' },
  { name: 'stride', kind: 'intOrNone', default: null },
];

/** The pooling geometry; stride None steps each axis by the window's size along it (PyTorch's default). */
function poolGeometry(opName: string, x: readonly number[], attrs: OpAttrs): WindowGeometry | string {
  const fh = intAttr(attrs, 'h', 1);
  const fw = intAttr(attrs, 'w', 1);
  const stride = attrs['stride'];
  const g = typeof stride === 'number' ? windowGeometry(opName, x, fh, fw, stride, stride, attrs) : windowGeometry(opName, x, fh, fw, fh, fw, attrs);
  if (typeof g === 'string') return g;
  if (2 * g.pad > fh || 2 * g.pad > fw) return l10n.t('{0}: expected pad at most half the {1}×{2} window, found pad {3}', opName, fh, fw, g.pad);
  return g;
}

function poolShape(opName: string, x: readonly number[], attrs: OpAttrs): ShapeResult {
  const g = poolGeometry(opName, x, attrs);
  return typeof g === 'string' ? fail(g) : ok([g.n, g.c, g.oh, g.ow]);
}

/** For each output of max_pool, the flat index in x of the element it took (the first largest; NaN wins, as PyTorch). */
function argmaxes(x: Tensor, attrs: OpAttrs): { g: WindowGeometry; index: Int32Array } {
  const g = poolGeometry('max_pool', x.shape, attrs) as WindowGeometry;
  const sw = g.strideW;
  const data = x.data;
  const index = new Int32Array(g.n * g.c * g.oh * g.ow);
  let o = 0;
  for (let plane = 0; plane < g.n * g.c; plane++) {
    const base = plane * g.h * g.w;
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++, o++) {
        let best = -1;
        let bestValue = -Infinity;
        for (let i = 0; i < g.fh; i++) {
          const y = oy * g.stride - g.pad + i;
          if (y < 0 || y >= g.h) continue;
          for (let j = 0; j < g.fw; j++) {
            const xx = ox * sw - g.pad + j;
            if (xx < 0 || xx >= g.w) continue;
            const at = base + y * g.w + xx;
            const v = data[at]!;
            if (best < 0 || v > bestValue || (v !== v && bestValue === bestValue)) {
              best = at;
              bestValue = v;
            }
          }
        }
        index[o] = best;
      }
    }
  }
  return { g, index };
}

const argmaxOf = new WeakMap<Float64Array, { readonly attrs: OpAttrs; readonly index: Int32Array }>();

/** max_pool(x, h, w, stride=None, pad=0): the textbook's Pooling layer (max over each window). */
export const maxPool: OpDef = {
  name: 'max_pool',
  aliases: ['Pooling', 'MaxPool'],
  symbol: 'MaxPool',
  inputs: ['x'],
  attrs: [...poolAttrs, { name: 'pad', kind: 'int', default: 0 }],
  signature: 'max_pool(x, h, w, stride=None, pad=0)',
  doc: "The largest element of each h×w window of x [N, C, H, W] (the textbook's Pooling layer); stride None steps by the window size; padding never wins. Backward: dout to the element that was the largest (the first, on ties), 0 elsewhere.",
  shape: ([x], attrs) => poolShape('max_pool', x!, attrs),
  forward: ([x], attrs) => {
    const { g, index } = argmaxes(x!, attrs);
    argmaxOf.set(x!.data, { attrs, index });
    const out = new Float64Array(index.length);
    for (let o = 0; o < index.length; o++) out[o] = x!.data[index[o]!]!;
    return new Tensor([g.n, g.c, g.oh, g.ow], out);
  },
  backward: (ctx) => {
    const x = ctx.inputs[0]!;
    const known = argmaxOf.get(x.data);
    const index = known && known.attrs === ctx.attrs ? known.index : argmaxes(x, ctx.attrs).index;
    const dx = new Float64Array(x.size);
    const dout = ctx.gradOutput.data;
    for (let o = 0; o < index.length; o++) dx[index[o]!]! += dout[o]!;
    return [new Tensor(x.shape, dx)];
  },
};

/** For each output of avg_pool, how many elements it divides by. */
function divisors(g: WindowGeometry, sw: number, includePad: boolean): Float64Array {
  const counts = new Float64Array(g.oh * g.ow);
  for (let oy = 0; oy < g.oh; oy++) {
    for (let ox = 0; ox < g.ow; ox++) {
      if (includePad) {
        counts[oy * g.ow + ox] = g.fh * g.fw;
        continue;
      }
      const rows = Math.min(oy * g.stride - g.pad + g.fh, g.h) - Math.max(oy * g.stride - g.pad, 0);
      const cols = Math.min(ox * sw - g.pad + g.fw, g.w) - Math.max(ox * sw - g.pad, 0);
      counts[oy * g.ow + ox] = rows * cols;
    }
  }
  return counts;
}

/** avg_pool(x, h, w, stride=None, pad=0, count_include_pad=true): each window's mean. */
export const avgPool: OpDef = {
  name: 'avg_pool',
  aliases: ['AvgPool'],
  symbol: 'AvgPool',
  inputs: ['x'],
  attrs: [...poolAttrs, { name: 'pad', kind: 'int', default: 0 }, { name: 'count_include_pad', kind: 'bool', default: true }],
  signature: 'avg_pool(x, h, w, stride=None, pad=0, count_include_pad=true)',
  doc: 'The mean of each h×w window of x [N, C, H, W]; padding counts as zeros in the mean unless count_include_pad=false (as PyTorch\'s AvgPool2d). Backward: dout / count spread over each window',
  shape: ([x], attrs) => poolShape('avg_pool', x!, attrs),
  forward: ([x], attrs) => {
    const g = poolGeometry('avg_pool', x!.shape, attrs) as WindowGeometry;
    const sw = g.strideW;
    const counts = divisors(g, sw, boolAttr(attrs, 'count_include_pad'));
    const data = x!.data;
    const out = new Float64Array(g.n * g.c * g.oh * g.ow);
    let o = 0;
    for (let plane = 0; plane < g.n * g.c; plane++) {
      const base = plane * g.h * g.w;
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++, o++) {
          let s = 0;
          for (let i = 0; i < g.fh; i++) {
            const y = oy * g.stride - g.pad + i;
            if (y < 0 || y >= g.h) continue;
            for (let j = 0; j < g.fw; j++) {
              const xx = ox * sw - g.pad + j;
              if (xx >= 0 && xx < g.w) s += data[base + y * g.w + xx]!;
            }
          }
          out[o] = s / counts[oy * g.ow + ox]!;
        }
      }
    }
    return new Tensor([g.n, g.c, g.oh, g.ow], out);
  },
  backward: (ctx) => {
    const x = ctx.inputs[0]!;
    const g = poolGeometry('avg_pool', x.shape, ctx.attrs) as WindowGeometry;
    const sw = g.strideW;
    const counts = divisors(g, sw, boolAttr(ctx.attrs, 'count_include_pad'));
    const dout = ctx.gradOutput.data;
    const dx = new Float64Array(x.size);
    let o = 0;
    for (let plane = 0; plane < g.n * g.c; plane++) {
      const base = plane * g.h * g.w;
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++, o++) {
          const share = dout[o]! / counts[oy * g.ow + ox]!;
          for (let i = 0; i < g.fh; i++) {
            const y = oy * g.stride - g.pad + i;
            if (y < 0 || y >= g.h) continue;
            for (let j = 0; j < g.fw; j++) {
              const xx = ox * sw - g.pad + j;
              if (xx >= 0 && xx < g.w) dx[base + y * g.w + xx]! += share;
            }
          }
        }
      }
    }
    return [new Tensor(x.shape, dx)];
  },
};

/** global_avg_pool(x): the mean of each channel's whole plane, [N, C, H, W] → [N, C, 1, 1]. */
export const globalAvgPool: OpDef = {
  name: 'global_avg_pool',
  aliases: ['GlobalAveragePool'],
  symbol: 'GAP',
  inputs: ['x'],
  attrs: [],
  signature: 'global_avg_pool(x)',
  doc: 'The mean over all spatial positions of each channel: x [N, C, H, W] → [N, C, 1, 1] (as ONNX GlobalAveragePool and AdaptiveAvgPool2d(1)). Backward: dout / (H·W) to every position.',
  shape: ([x]) => {
    if (x!.length < 3) return fail(l10n.t('global_avg_pool: expected x of shape [N, C, H, W] (at least 3 axes), found {0}', formatShape(x!)));
    if (x!.slice(2).some((d) => d === 0)) return fail(l10n.t('global_avg_pool: expected non-empty spatial axes, found {0}', formatShape(x!)));
    return ok([x![0]!, x![1]!, ...x!.slice(2).map(() => 1)]);
  },
  forward: ([x]) => {
    const planes = x!.shape[0]! * x!.shape[1]!;
    const area = x!.size / Math.max(planes, 1);
    const out = new Float64Array(planes);
    for (let p = 0; p < planes; p++) out[p] = pairwiseSum(x!.data, p * area, area) / area;
    return new Tensor([x!.shape[0]!, x!.shape[1]!, ...x!.shape.slice(2).map(() => 1)], out);
  },
  backward: (ctx) => {
    const x = ctx.inputs[0]!;
    const planes = x.shape[0]! * x.shape[1]!;
    const area = x.size / Math.max(planes, 1);
    const dx = new Float64Array(x.size);
    const dout = ctx.gradOutput.data;
    for (let p = 0; p < planes; p++) dx.fill(dout[p]! / area, p * area, (p + 1) * area);
    return [new Tensor(x.shape, dx)];
  },
};
