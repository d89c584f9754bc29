import { Tensor, type Shape } from '../tensor';
import { formatShape, gemm, gemmTransposeA, gemmTransposeB } from '../tensorMath';
import type { OpAttrs, OpDef } from './opDef';
import { fail, intAttr, ok } from './opHelpers';
import * as l10n from '@vscode/l10n';

/*
 * The textbook's Convolution layer (chapter 7): each output position's
 * receptive field is unrolled into one row of `col` (im2col), so the
 * convolution is one matrix product `col · Wᵀ` with W reshaped to
 * [FN, C·FH·FW]; the backward is the same product transposed, and col2im
 * adds the rows of `dcol` back into dx.
 *
 * `col` has N·OH·OW rows of C·FH·FW, which can be far larger than x, W or the
 * output (every input element is copied FH·FW times). It is built a block of
 * rows at a time, each block at most max(COL_BLOCK_ELEMENTS, C·FH·FW)
 * elements, so no allocation is larger than the limits already bound (the
 * output by graphstep.maxTensorElements, a row by the size of W).
 */

/** Elements of one block of im2col rows. */
const COL_BLOCK_ELEMENTS = 1 << 16;

/** Sizes of one convolution (or pooling) over NCHW input. */
export interface WindowGeometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly fh: number;
  readonly fw: number;
  readonly stride: number;
  /** The stride along W: the same as along H, except pooling's default on a window that is not square. */
  readonly strideW: number;
  readonly pad: number;
  readonly dilation: number;
  readonly oh: number;
  readonly ow: number;
}

/**
 * The output size along one axis: ⌊(H + 2·pad − dilation·(FH − 1) − 1) / stride⌋ + 1,
 * the textbook's (H + 2P − FH) / S + 1 when dilation is 1.
 */
export function windowCount(size: number, filter: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((size + 2 * pad - dilation * (filter - 1) - 1) / stride) + 1;
}

/** The geometry of sliding an fh×fw window over x [N, C, H, W] by (stride, strideW), or a message naming what does not fit. */
export function windowGeometry(opName: string, x: Shape, fh: number, fw: number, stride: number, strideW: number, attrs: OpAttrs): WindowGeometry | string {
  if (x.length !== 4) return l10n.t('{0}: expected x of shape [N, C, H, W] (4 axes), found {1}', opName, formatShape(x));
  const pad = intAttr(attrs, 'pad', 0);
  const dilation = intAttr(attrs, 'dilation', 1);
  if (fh < 1 || fw < 1) return l10n.t('{0}: expected a window of at least 1×1, found {1}×{2}', opName, fh, fw);
  if (stride < 1 || strideW < 1) return l10n.t('{0}: expected stride ≥ 1, found {1}', opName, Math.min(stride, strideW));
  if (pad < 0) return l10n.t('{0}: expected pad ≥ 0, found {1}', opName, pad);
  if (dilation < 1) return l10n.t('{0}: expected dilation ≥ 1, found {1}', opName, dilation);
  const [n, c, h, w] = x as [number, number, number, number];
  const oh = windowCount(h, fh, stride, pad, dilation);
  const ow = windowCount(w, fw, strideW, pad, dilation);
  if (oh < 1 || ow < 1) {
    return `${opName}: expected the ${fh}×${fw} window${dilation > 1 ? ` (dilation ${dilation})` : ''} to fit the input ${h}×${w} padded by ${pad}, found an output of ${oh}×${ow}`;
  }
  return { n, c, h, w, fh, fw, stride, strideW, pad, dilation, oh, ow };
}

/** The output shape of conv2d, or the message. */
function convGeometry(x: Shape, w: Shape, b: Shape, attrs: OpAttrs): WindowGeometry | string {
  if (w.length !== 4) return l10n.t('conv2d: expected W of shape [FN, C, FH, FW] (4 axes), found {0}', formatShape(w));
  const stride = intAttr(attrs, 'stride', 1);
  const g = windowGeometry('conv2d', x, w[2]!, w[3]!, stride, stride, attrs);
  if (typeof g === 'string') return g;
  if (w[1] !== g.c) return l10n.t("conv2d: expected W's channels (axis 1) to equal x's, {0}, found W {1} for x {2}", g.c, formatShape(w), formatShape(x));
  if (b.length !== 1 || b[0] !== w[0]) return l10n.t('conv2d: expected b of shape [{0}] (one bias per filter), found {1}', String(w[0]), formatShape(b));
  return g;
}

/** Rows [first, first + rows) of im2col(x): row (n, oy, ox) holds the window at that output position, ordered (c, i, j); padding reads 0. */
export function im2colRows(x: Float64Array, g: WindowGeometry, first: number, rows: number): Float64Array {
  const k = g.c * g.fh * g.fw;
  const col = new Float64Array(rows * k);
  const plane = g.oh * g.ow;
  for (let r = 0; r < rows; r++) {
    const row = first + r;
    const n = Math.floor(row / plane);
    const oy = Math.floor((row % plane) / g.ow);
    const ox = row % g.ow;
    let q = r * k;
    for (let c = 0; c < g.c; c++) {
      const base = (n * g.c + c) * g.h;
      for (let i = 0; i < g.fh; i++) {
        const y = oy * g.stride - g.pad + i * g.dilation;
        const inside = y >= 0 && y < g.h;
        for (let j = 0; j < g.fw; j++, q++) {
          const xx = ox * g.stride - g.pad + j * g.dilation;
          col[q] = inside && xx >= 0 && xx < g.w ? x[(base + y) * g.w + xx]! : 0;
        }
      }
    }
  }
  return col;
}

/** Adds rows [first, first + rows) of dcol back into dx at the positions im2colRows read them from (col2im). */
function col2imRows(dcol: Float64Array, g: WindowGeometry, first: number, rows: number, dx: Float64Array): void {
  const k = g.c * g.fh * g.fw;
  const plane = g.oh * g.ow;
  for (let r = 0; r < rows; r++) {
    const row = first + r;
    const n = Math.floor(row / plane);
    const oy = Math.floor((row % plane) / g.ow);
    const ox = row % g.ow;
    let q = r * k;
    for (let c = 0; c < g.c; c++) {
      const base = (n * g.c + c) * g.h;
      for (let i = 0; i < g.fh; i++) {
        const y = oy * g.stride - g.pad + i * g.dilation;
        const inside = y >= 0 && y < g.h;
        for (let j = 0; j < g.fw; j++, q++) {
          const xx = ox * g.stride - g.pad + j * g.dilation;
          if (inside && xx >= 0 && xx < g.w) dx[(base + y) * g.w + xx]! += dcol[q]!;
        }
      }
    }
  }
}

/** Rows of im2col per block. */
function blockRows(k: number): number {
  return Math.max(1, Math.floor(COL_BLOCK_ELEMENTS / Math.max(k, 1)));
}

/** conv2d(x, W, b, stride=1, pad=0, dilation=1): the textbook's Convolution layer, NCHW. */
export const conv2d: OpDef = {
  name: 'conv2d',
  aliases: ['Convolution'],
  symbol: 'Conv',
  inputs: ['x', 'W', 'b'],
  attrs: [
    { name: 'stride', kind: 'int', default: 1 },
    { name: 'pad', kind: 'int', default: 0 },
    { name: 'dilation', kind: 'int', default: 1 },
  ],
  signature: 'conv2d(x, W, b, stride=1, pad=0, dilation=1)',
  doc: "2-D convolution of x [N, C, H, W] with filters W [FN, C, FH, FW] plus b [FN] (the textbook's Convolution layer): im2col(x) · Wᵀ + b, reshaped to [N, FN, OH, OW]. Backward: db = dout summed over N, OH, OW; dW = doutᵀ · col; dx = col2im(dout · W).",
  shape: ([x, w, b], attrs) => {
    const g = convGeometry(x!, w!, b!, attrs);
    return typeof g === 'string' ? fail(g) : ok([g.n, w![0]!, g.oh, g.ow]);
  },
  forward: ([x, w, b], attrs) => {
    const g = convGeometry(x!.shape, w!.shape, b!.shape, attrs) as WindowGeometry;
    const fn = w!.shape[0]!;
    const k = g.c * g.fh * g.fw;
    const plane = g.oh * g.ow;
    const total = g.n * plane;
    const out = new Float64Array(g.n * fn * plane);
    const bias = b!.data;
    const step = blockRows(k);
    for (let first = 0; first < total; first += step) {
      const rows = Math.min(step, total - first);
      const product = k === 0 ? new Float64Array(rows * fn) : gemmTransposeB(im2colRows(x!.data, g, first, rows), w!.data, rows, k, fn);
      for (let r = 0; r < rows; r++) {
        const row = first + r;
        const n = Math.floor(row / plane);
        const p = row % plane;
        for (let f = 0; f < fn; f++) out[(n * fn + f) * plane + p] = product[r * fn + f]! + bias[f]!;
      }
    }
    return new Tensor([g.n, fn, g.oh, g.ow], out);
  },
  backward: (ctx) => {
    const [x, w, b] = ctx.inputs as [Tensor, Tensor, Tensor];
    const g = convGeometry(x.shape, w.shape, b.shape, ctx.attrs) as WindowGeometry;
    const fn = w.shape[0]!;
    const k = g.c * g.fh * g.fw;
    const plane = g.oh * g.ow;
    const total = g.n * plane;
    const dout = ctx.gradOutput.data;
    const dx = ctx.needsGrad[0] ? new Float64Array(x.size) : null;
    const dw = ctx.needsGrad[1] ? new Float64Array(w.size) : null;
    const db = new Float64Array(fn);
    const step = blockRows(k);
    for (let first = 0; first < total; first += step) {
      const rows = Math.min(step, total - first);
      // dout as the rows × FN matrix the forward's product was
      const d = new Float64Array(rows * fn);
      for (let r = 0; r < rows; r++) {
        const row = first + r;
        const n = Math.floor(row / plane);
        const p = row % plane;
        for (let f = 0; f < fn; f++) d[r * fn + f] = dout[(n * fn + f) * plane + p]!;
      }
      for (let i = 0; i < d.length; i++) db[i % fn]! += d[i]!;
      if (k === 0) continue;
      if (dw) {
        const part = gemmTransposeA(d, im2colRows(x.data, g, first, rows), fn, rows, k);
        for (let i = 0; i < part.length; i++) dw[i]! += part[i]!;
      }
      if (dx) col2imRows(gemm(d, w.data, rows, fn, k), g, first, rows, dx);
    }
    return [dx && new Tensor(x.shape, dx), dw && new Tensor(w.shape, dw), ctx.needsGrad[2] ? new Tensor(b.shape, db) : null];
  },
};
