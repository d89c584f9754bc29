import { Tensor, sizeOf, type Shape } from '../tensor';
import { resultArray } from './allocate';
import { crExp, crLog, crPow } from './libm';
import { broadcastIndex, broadcastShapes, formatShape, shapesEqual } from './shapes';

/*
 * Elementwise maps. Each op is a small integer code so the loops stay
 * monomorphic: a switch on a loop-invariant code is cheap, a different
 * closure per op in one shared loop is not.
 */

/** Binary elementwise operations with numpy broadcasting. */
export const BinaryCode = { add: 0, sub: 1, mul: 2, div: 3, pow: 4 } as const;
export type BinaryCode = (typeof BinaryCode)[keyof typeof BinaryCode];

/** Unary elementwise operations. */
export const UnaryCode = { neg: 0, relu: 1, sigmoid: 2, tanh: 3, exp: 4, log: 5, sqrt: 6, abs: 7 } as const;
export type UnaryCode = (typeof UnaryCode)[keyof typeof UnaryCode];

function combine(code: BinaryCode, x: number, y: number): number {
  switch (code) {
    case 0:
      return x + y;
    case 1:
      return x - y;
    case 2:
      return x * y;
    case 3:
      return x / y;
    default:
      return crPow(x, y);
  }
}

function apply(code: UnaryCode, x: number): number {
  switch (code) {
    case 0:
      return -x;
    case 1:
      // as the textbook's mask (x <= 0 → 0): NaN passes through
      return x <= 0 ? 0 : x;
    case 2:
      return 1 / (1 + crExp(-x));
    case 3:
      // Math.tanh is fdlibm's, equal to glibc's but for ~6 in 100,000 arguments
      return Math.tanh(x);
    case 4:
      return crExp(x);
    case 5:
      return crLog(x);
    case 6:
      return Math.sqrt(x);
    default:
      return Math.abs(x);
  }
}

/**
 * `a op b` with numpy broadcasting. Throws a RangeError naming both shapes
 * when they do not broadcast (ops check shapes first, so users never see it).
 */
export function binary(code: BinaryCode, a: Tensor, b: Tensor, opName = 'binary'): Tensor {
  if (a.shape.length === 0 && b.shape.length === 0) {
    // scalar graphs (the textbook's apples) are all this path: keep it short
    const out = new Float64Array(1);
    out[0] = combine(code, a.data[0]!, b.data[0]!);
    return new Tensor(a.shape, out);
  }
  const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape);
  if (shape === null) throw new RangeError(`${opName}: cannot broadcast ${formatShape(a.shape)} with ${formatShape(b.shape)}`);
  const n = sizeOf(shape);
  // every branch below writes every element
  const out = resultArray(n);
  const x = a.data;
  const y = b.data;
  if (x.length === n && y.length === n) {
    if (code === BinaryCode.pow) for (let i = 0; i < n; i++) out[i] = combine(code, x[i]!, y[i]!);
    else arithmeticRows(code, x, y, out, n, n);
  } else if (x.length === n && y.length > 0 && code !== BinaryCode.pow && isTrailing(b.shape, shape)) {
    // a row (a bias) repeated down a batch: b's element i mod its size
    arithmeticRows(code, x, y, out, n, y.length);
  } else if (y.length === 1) {
    if (code === BinaryCode.pow) for (let i = 0; i < n; i++) out[i] = combine(code, x[i]!, y[0]!);
    else arithmeticRows(code, x, y, out, n, 1);
  } else if (x.length === 1) {
    if (code === BinaryCode.pow) for (let i = 0; i < n; i++) out[i] = combine(code, x[0]!, y[i]!);
    else scalarLeft(code, x[0]!, y, out, n);
  } else {
    const ia = x.length === n ? null : broadcastIndex(a.shape, shape);
    const ib = y.length === n ? null : broadcastIndex(b.shape, shape);
    for (let i = 0; i < n; i++) out[i] = combine(code, x[ia === null ? i : ia[i]!]!, y[ib === null ? i : ib[i]!]!);
  }
  return new Tensor(shape, out);
}

/** Whether `from` (leading 1s aside) equals the last axes of `to`, so broadcasting reads it row after row. */
function isTrailing(from: Shape, to: Shape): boolean {
  let lead = 0;
  while (lead < from.length && from[lead] === 1) lead++;
  const rest = from.length - lead;
  if (rest > to.length) return false;
  for (let i = 0; i < rest; i++) if (from[lead + i] !== to[to.length - rest + i]) return false;
  return true;
}

/** out[i] = x[i] op y[i mod width] for + − × ÷, one loop per operator (the per-element switch costs more than the arithmetic). */
function arithmeticRows(code: BinaryCode, x: Float64Array, y: Float64Array, out: Float64Array, n: number, width: number): void {
  if (width === 1) {
    scalarRight(code, x, y[0]!, out, n);
    return;
  }
  for (let base = 0; base < n; base += width) {
    switch (code) {
      case BinaryCode.add:
        for (let j = 0; j < width; j++) out[base + j] = x[base + j]! + y[j]!;
        break;
      case BinaryCode.sub:
        for (let j = 0; j < width; j++) out[base + j] = x[base + j]! - y[j]!;
        break;
      case BinaryCode.mul:
        for (let j = 0; j < width; j++) out[base + j] = x[base + j]! * y[j]!;
        break;
      default:
        for (let j = 0; j < width; j++) out[base + j] = x[base + j]! / y[j]!;
    }
  }
}

/** out[i] = x[i] op c for + − × ÷ (a tensor and a scalar). */
function scalarRight(code: BinaryCode, x: Float64Array, c: number, out: Float64Array, n: number): void {
  switch (code) {
    case BinaryCode.add:
      for (let i = 0; i < n; i++) out[i] = x[i]! + c;
      break;
    case BinaryCode.sub:
      for (let i = 0; i < n; i++) out[i] = x[i]! - c;
      break;
    case BinaryCode.mul:
      for (let i = 0; i < n; i++) out[i] = x[i]! * c;
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = x[i]! / c;
  }
}

/** out[i] = c op y[i] for + − × ÷ (a scalar times a tensor: a learning rate times a gradient), one loop per operator. */
function scalarLeft(code: BinaryCode, c: number, y: Float64Array, out: Float64Array, n: number): void {
  switch (code) {
    case BinaryCode.add:
      for (let i = 0; i < n; i++) out[i] = c + y[i]!;
      break;
    case BinaryCode.sub:
      for (let i = 0; i < n; i++) out[i] = c - y[i]!;
      break;
    case BinaryCode.mul:
      for (let i = 0; i < n; i++) out[i] = c * y[i]!;
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = c / y[i]!;
  }
}

export function unary(code: UnaryCode, t: Tensor): Tensor {
  const x = t.data;
  const n = x.length;
  const out = resultArray(n);
  if (code === UnaryCode.relu) for (let i = 0; i < n; i++) out[i] = x[i]! <= 0 ? 0 : x[i]!;
  else for (let i = 0; i < n; i++) out[i] = apply(code, x[i]!);
  return new Tensor(t.shape, out);
}

export const add = (a: Tensor, b: Tensor): Tensor => binary(BinaryCode.add, a, b, 'add');
export const sub = (a: Tensor, b: Tensor): Tensor => binary(BinaryCode.sub, a, b, 'sub');
export const mul = (a: Tensor, b: Tensor): Tensor => binary(BinaryCode.mul, a, b, 'mul');
export const div = (a: Tensor, b: Tensor): Tensor => binary(BinaryCode.div, a, b, 'div');
export const pow = (a: Tensor, b: Tensor): Tensor => binary(BinaryCode.pow, a, b, 'pow');

export const neg = (t: Tensor): Tensor => unary(UnaryCode.neg, t);
export const relu = (t: Tensor): Tensor => unary(UnaryCode.relu, t);
export const sigmoid = (t: Tensor): Tensor => unary(UnaryCode.sigmoid, t);
export const tanh = (t: Tensor): Tensor => unary(UnaryCode.tanh, t);
export const exp = (t: Tensor): Tensor => unary(UnaryCode.exp, t);
export const log = (t: Tensor): Tensor => unary(UnaryCode.log, t);
export const sqrt = (t: Tensor): Tensor => unary(UnaryCode.sqrt, t);
export const abs = (t: Tensor): Tensor => unary(UnaryCode.abs, t);

