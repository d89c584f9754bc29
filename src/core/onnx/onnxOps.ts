import { Tensor, sizeOf, type Shape } from '../tensor';
import { formatShape } from '../tensorMath';
import { binary, call, numberText, operand, type Expr, type NodeScope } from './nnExpr';
import { OnnxImportError, type OnnxNode } from './onnxModel';
import * as l10n from '@vscode/l10n';

/*
 * Each supported ONNX operator as the language's ops: a function from the
 * node (its inputs as expressions, its attributes) to one expression. What
 * the language cannot express exactly (a Transpose that is not a reversal,
 * grouped convolutions, ceil_mode pooling) is an error naming the node.
 */

type Translate = (s: NodeScope) => Expr;

function problem(node: OnnxNode, message: string): OnnxImportError {
  return new OnnxImportError(l10n.t("node '{0}' ({1}): {2}", node.name, node.opType, message));
}

function intOf(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  if (a === undefined) return fallback;
  if (a.kind !== 'int') throw problem(node, l10n.t('expected the attribute {0} to be an integer, found {1}', name, a.kind));
  return a.value;
}

function floatOf(node: OnnxNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  if (a === undefined) return fallback;
  if (a.kind !== 'float') throw problem(node, l10n.t('expected the attribute {0} to be a float, found {1}', name, a.kind));
  return a.value;
}

function intsOf(node: OnnxNode, name: string): readonly number[] | null {
  const a = node.attributes.get(name);
  if (a === undefined) return null;
  if (a.kind !== 'ints') throw problem(node, l10n.t('expected the attribute {0} to be a list of integers, found {1}', name, a.kind));
  return a.value;
}

function stringOf(node: OnnxNode, name: string, fallback: string): string {
  const a = node.attributes.get(name);
  return a?.kind === 'string' ? a.value : fallback;
}

function required(s: NodeScope, k: number): Expr {
  const e = s.input(k);
  if (!e) throw problem(s.node, l10n.t('expected input {0}, found none', k + 1));
  return e;
}

/** An axis in [−rank, rank) as a non-negative one. */
function axisIn(node: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw problem(node, l10n.t('expected an axis in [{0}, {1}], found {2}', -rank, rank - 1, axis));
  return a;
}

/** Integer values of a constant input (Reshape's shape, opset-13 axes), or null when the input is omitted. */
function constantInts(s: NodeScope, k: number, what: string): readonly number[] | null {
  if (!s.node.inputs[k]) return null;
  const t = s.constant(k);
  if (!t) throw problem(s.node, l10n.t("expected {0} (input {1}) to be a constant known when the model is read, found the computed value '{2}'", what, k + 1, s.node.inputs[k]));
  return Array.from(t.data);
}

function num(x: number): Expr {
  return { text: numberText(x), shape: [], atomic: x >= 0 && !Object.is(x, -0) };
}

function reshapeTo(s: NodeScope, x: Expr, shape: Shape): Expr {
  return call(s.node, 'reshape', [x], { shape: shape.slice() });
}

function transposed(e: Expr): Expr {
  return { text: `${operand(e)}.T`, shape: e.shape.slice().reverse(), atomic: true };
}

const unaryOp =
  (name: string): Translate =>
  (s) =>
    call(s.node, name, [required(s, 0)]);

const binaryOp =
  (name: string, symbol: string): Translate =>
  (s) =>
    binary(s.node, name, symbol, required(s, 0), required(s, 1));

/** The two spatial values of a 2-D window attribute, which the language needs equal (`strides=[2, 2]`). */
function uniform(node: OnnxNode, name: string, values: readonly number[] | null, fallback: number, length: number): number {
  if (values === null || values.length === 0) return fallback;
  if (values.length !== length) throw problem(node, l10n.t('expected {0} values in {1}, found {2}', length, name, values.length));
  if (values.some((v) => v !== values[0])) throw problem(node, l10n.t('expected the same {0} along every spatial axis, found [{1}] (conv2d and pooling take one value for both)', name, values.join(', ')));
  return values[0]!;
}

/** The shared attributes of Conv, MaxPool and AveragePool: one stride, pad and dilation for both axes. */
function windowAttrs(s: NodeScope): { stride: number; pad: number; dilation: number } {
  const node = s.node;
  const rank = s.shapeOf(0).length;
  if (rank !== 4) throw problem(node, l10n.t('expected 2-D images, an input of shape [N, C, H, W], found {0} (only 2-D convolution and pooling are supported)', formatShape(s.shapeOf(0))));
  const autoPad = stringOf(node, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET' && autoPad !== 'VALID') throw problem(node, l10n.t('auto_pad {0} is not supported; expected explicit pads (NOTSET) or VALID', autoPad));
  const pads = autoPad === 'VALID' ? null : intsOf(node, 'pads');
  return {
    stride: uniform(node, 'strides', intsOf(node, 'strides'), 1, 2),
    pad: uniform(node, 'pads', pads, 0, 4),
    dilation: uniform(node, 'dilations', intsOf(node, 'dilations'), 1, 2),
  };
}

function poolWindow(s: NodeScope): { h: number; w: number; stride: number; pad: number } {
  const node = s.node;
  const kernel = intsOf(node, 'kernel_shape');
  if (!kernel || kernel.length !== 2) throw problem(node, l10n.t('expected kernel_shape with 2 values, found {0}', kernel ? `[${kernel.join(', ')}]` : l10n.t('none')));
  if (intOf(node, 'ceil_mode', 0) !== 0) throw problem(node, l10n.t('ceil_mode 1 is not supported; expected 0 (floor), as PyTorch exports by default'));
  const { stride, pad, dilation } = windowAttrs(s);
  if (dilation !== 1) throw problem(node, l10n.t('dilations {0} is not supported for pooling; expected 1', dilation));
  return { h: kernel[0]!, w: kernel[1]!, stride, pad };
}

/** Reduces over `axes` (all when null), one language reduction per axis. */
function reduce(s: NodeScope, opName: 'sum' | 'mean', axes: readonly number[] | null): Expr {
  const node = s.node;
  const x = required(s, 0);
  const keepdims = intOf(node, 'keepdims', 1) === 1;
  const rank = x.shape.length;
  if (axes === null || axes.length === 0) {
    if (intOf(node, 'noop_with_empty_axes', 0) === 1) return x;
    const all = call(node, opName, [x]);
    return keepdims ? reshapeTo(s, all, x.shape.map(() => 1)) : all;
  }
  const normalized = [...new Set(axes.map((a) => axisIn(node, a, rank)))].sort((a, b) => b - a);
  if (normalized.length === 1) return call(node, opName, [x], { axis: normalized[0]!, keepdims });
  let e = x;
  for (const a of normalized) e = call(node, opName, [e], { axis: a, keepdims: true });
  return keepdims ? e : reshapeTo(s, e, x.shape.filter((_, i) => !normalized.includes(i)));
}

/** Softmax and LogSoftmax along the last axis, the only one the language's ops take. */
function lastAxisOnly(s: NodeScope, opName: string): Expr {
  const x = required(s, 0);
  const rank = x.shape.length;
  const axis = axisIn(s.node, intOf(s.node, 'axis', s.opset >= 13 ? -1 : 1), rank);
  if (axis !== rank - 1) throw problem(s.node, l10n.t('axis {0} of a rank-{1} input is not supported; expected the last axis ({2})', axis, rank, rank - 1));
  return call(s.node, opName, [x]);
}

const TRANSLATIONS: Readonly<Record<string, Translate>> = {
  Gemm: (s) => {
    const node = s.node;
    const A = required(s, 0);
    const B = required(s, 1);
    const C = s.input(2);
    if (A.shape.length !== 2 || B.shape.length !== 2) throw problem(node, l10n.t('expected 2-D A and B, found {0} and {1}', formatShape(A.shape), formatShape(B.shape)));
    const alpha = floatOf(node, 'alpha', 1);
    const beta = floatOf(node, 'beta', 1);
    const a = intOf(node, 'transA', 0) ? transposed(A) : A;
    const b = intOf(node, 'transB', 0) ? transposed(B) : B;
    if (alpha === 1 && beta === 1 && C && C.shape.length <= 1) return call(node, 'affine', [a, b, C]);
    let y = binary(node, 'matmul', '@', a, b);
    if (alpha !== 1) y = binary(node, 'mul', '*', num(alpha), y);
    if (!C) return y;
    return binary(node, 'add', '+', y, beta === 1 ? C : binary(node, 'mul', '*', num(beta), C));
  },
  MatMul: (s) => {
    const a = required(s, 0);
    const b = required(s, 1);
    if (a.shape.length > 2 || b.shape.length > 2) throw problem(s.node, l10n.t('expected 1-D or 2-D operands, found {0} and {1} (batched MatMul is not supported)', formatShape(a.shape), formatShape(b.shape)));
    return binary(s.node, 'matmul', '@', a, b);
  },
  Add: binaryOp('add', '+'),
  Sub: binaryOp('sub', '-'),
  Mul: binaryOp('mul', '*'),
  Div: binaryOp('div', '/'),
  Pow: binaryOp('pow', '**'),
  Neg: (s) => {
    const x = required(s, 0);
    return { text: `-${operand(x)}`, shape: x.shape, atomic: false };
  },
  Relu: unaryOp('relu'),
  Sigmoid: unaryOp('sigmoid'),
  Tanh: unaryOp('tanh'),
  Exp: unaryOp('exp'),
  Log: unaryOp('log'),
  Sqrt: unaryOp('sqrt'),
  Abs: unaryOp('abs'),
  LeakyRelu: (s) => call(s.node, 'leaky_relu', [required(s, 0)], { alpha: floatOf(s.node, 'alpha', 0.01) }),
  Softmax: (s) => lastAxisOnly(s, 'softmax'),
  LogSoftmax: (s) => lastAxisOnly(s, 'log_softmax'),
  Reshape: (s) => {
    const x = required(s, 0);
    const spec = constantInts(s, 1, 'the shape');
    if (!spec) throw problem(s.node, l10n.t('expected a shape input, found none'));
    const allowZero = intOf(s.node, 'allowzero', 0) === 1;
    const dims = spec.map((d, i) => {
      if (d !== 0 || allowZero) return d;
      if (i >= x.shape.length) throw problem(s.node, l10n.t('shape [{0}] copies dimension {1} (0), but the input {2} has only {3}', spec.join(', '), i, formatShape(x.shape), x.shape.length));
      return x.shape[i]!;
    });
    return reshapeTo(s, x, dims);
  },
  Flatten: (s) => {
    const x = required(s, 0);
    const rank = x.shape.length;
    const raw = intOf(s.node, 'axis', 1);
    const axis = raw < 0 ? raw + rank : raw;
    if (axis < 0 || axis > rank) throw problem(s.node, l10n.t('expected an axis in [{0}, {1}], found {2}', -rank, rank, raw));
    if (axis === 1 && rank >= 1) return call(s.node, 'flatten', [x]);
    return reshapeTo(s, x, [sizeOf(x.shape.slice(0, axis)), sizeOf(x.shape.slice(axis))]);
  },
  Transpose: (s) => {
    const x = required(s, 0);
    const rank = x.shape.length;
    const perm = intsOf(s.node, 'perm') ?? x.shape.map((_, i) => rank - 1 - i);
    if (perm.every((p, i) => p === rank - 1 - i)) return transposed(x);
    return call(s.node, 'transpose', [x], { axes: perm.slice() });
  },
  Squeeze: (s) => {
    const x = required(s, 0);
    const axes = s.opset >= 13 ? constantInts(s, 1, 'the axes') : intsOf(s.node, 'axes');
    const drop = axes === null ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : axes.map((a) => axisIn(s.node, a, x.shape.length));
    for (const a of drop) if (x.shape[a] !== 1) throw problem(s.node, l10n.t('expected axis {0} of {1} to have size 1, found {2}', a, formatShape(x.shape), String(x.shape[a])));
    return reshapeTo(s, x, x.shape.filter((_, i) => !drop.includes(i)));
  },
  Unsqueeze: (s) => {
    const x = required(s, 0);
    const axes = s.opset >= 13 ? constantInts(s, 1, 'the axes') : intsOf(s.node, 'axes');
    if (!axes) throw problem(s.node, l10n.t('expected axes, found none'));
    const rank = x.shape.length + axes.length;
    const inserted = new Set(axes.map((a) => axisIn(s.node, a, rank)));
    const shape: number[] = [];
    let k = 0;
    for (let i = 0; i < rank; i++) shape.push(inserted.has(i) ? 1 : x.shape[k++]!);
    return reshapeTo(s, x, shape);
  },
  Concat: (s) => {
    const parts = s.node.inputs.map((_, k) => required(s, k));
    const axisAttr = s.node.attributes.get('axis');
    if (!axisAttr || axisAttr.kind !== 'int') throw problem(s.node, l10n.t('expected the attribute axis, found none'));
    const first = parts[0];
    if (!first) throw problem(s.node, l10n.t('expected at least one input, found none'));
    if (parts.length === 1) return reshapeTo(s, first, first.shape);
    let e = first;
    for (const p of parts.slice(1)) e = call(s.node, 'concat', [e, p], { axis: axisAttr.value });
    return e;
  },
  ReduceSum: (s) => reduce(s, 'sum', s.opset >= 13 ? constantInts(s, 1, 'the axes') : intsOf(s.node, 'axes')),
  ReduceMean: (s) => reduce(s, 'mean', intsOf(s.node, 'axes')),
  Conv: (s) => {
    const node = s.node;
    const x = required(s, 0);
    const W = required(s, 1);
    if (intOf(node, 'group', 1) !== 1) throw problem(node, l10n.t('group {0} is not supported; expected 1 (no grouped or depthwise convolution)', intOf(node, 'group', 1)));
    const { stride, pad, dilation } = windowAttrs(s);
    const kernel = intsOf(node, 'kernel_shape');
    if (kernel && (kernel[0] !== W.shape[2] || kernel[1] !== W.shape[3])) throw problem(node, l10n.t('kernel_shape [{0}] does not match the weights {1}', kernel.join(', '), formatShape(W.shape)));
    const b = s.input(2) ?? s.constLeaf('_bias', Tensor.filled([W.shape[0] ?? 0], 0));
    return call(node, 'conv2d', [x, W, b], { stride, pad, dilation });
  },
  MaxPool: (s) => {
    const { h, w, stride, pad } = poolWindow(s);
    return call(s.node, 'max_pool', [required(s, 0)], { h, w, stride, pad });
  },
  AveragePool: (s) => {
    const { h, w, stride, pad } = poolWindow(s);
    const includePad = intOf(s.node, 'count_include_pad', 0) === 1;
    return call(s.node, 'avg_pool', [required(s, 0)], { h, w, stride, pad, count_include_pad: includePad });
  },
  GlobalAveragePool: unaryOp('global_avg_pool'),
  BatchNormalization: (s) => {
    if (intOf(s.node, 'training_mode', 0) !== 0) throw problem(s.node, l10n.t('training_mode 1 is not supported; export the model in eval() mode (inference batch normalization)'));
    const inputs = [0, 1, 2, 3, 4].map((k) => required(s, k));
    return call(s.node, 'batchnorm', inputs, { eps: floatOf(s.node, 'epsilon', 1e-5) });
  },
  Dropout: (s) => {
    const x = required(s, 0);
    let ratio = floatOf(s.node, 'ratio', 0.5);
    if (s.opset >= 12 && s.node.inputs[1]) {
      const given = constantInts(s, 1, 'the ratio');
      ratio = given![0]!;
    }
    return call(s.node, 'dropout', [x], { ratio, seed: s.index });
  },
  Identity: (s) => required(s, 0),
};

/** The ONNX operators the import translates (Constant is read at import time). */
export const SUPPORTED_OPS: ReadonlySet<string> = new Set([...Object.keys(TRANSLATIONS), 'Constant']);

/** One node as one expression of the language. */
export function translateNode(s: NodeScope): Expr {
  const translate = TRANSLATIONS[s.node.opType];
  if (!translate) throw problem(s.node, l10n.t("operator '{0}' is not supported", s.node.opType));
  return translate(s);
}
