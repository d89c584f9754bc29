import { leakyRelu, logSoftmax } from './activations';
import { add, div, matmul, mul, neg, pow, sub } from './arithmetic';
import { batchnorm } from './batchnorm';
import { conv2d } from './conv';
import { dropout } from './dropout';
import { abs, exp, log, relu, sigmoid, sqrt, tanh } from './elementwise';
import { affine, softmax } from './layers';
import { crossEntropy, mse, softmaxWithLoss } from './losses';
import type { OpDef } from './opDef';
import { avgPool, globalAvgPool, maxPool } from './pooling';
import { mean, sum } from './reductions';
import { max, pick } from './selection';
import { concat, flatten } from './shapeLayers';
import { reshape, transpose } from './shapeOps';

/** Every operation of the language, in the order they are documented. */
export const OPS: readonly OpDef[] = [
  add,
  sub,
  mul,
  div,
  pow,
  matmul,
  neg,
  relu,
  sigmoid,
  tanh,
  exp,
  log,
  sqrt,
  abs,
  sum,
  mean,
  max,
  transpose,
  reshape,
  affine,
  softmax,
  pick,
  crossEntropy,
  softmaxWithLoss,
  mse,
  leakyRelu,
  logSoftmax,
  conv2d,
  maxPool,
  avgPool,
  globalAvgPool,
  flatten,
  batchnorm,
  concat,
  dropout,
];

const byName = new Map<string, OpDef>();
for (const op of OPS) {
  for (const name of [op.name, ...op.aliases]) {
    if (byName.has(name)) throw new Error(`op name ${name} is defined twice`);
    byName.set(name, op);
  }
}

const binaryOperators = new Map<string, OpDef>([
  ['+', add],
  ['-', sub],
  ['*', mul],
  ['/', div],
  ['**', pow],
  ['@', matmul],
]);
const unaryOperators = new Map<string, OpDef>([['-', neg]]);

/** The op called by this name: canonical (`mul`) or alias (`MulLayer`, `ReLU`). */
export function opByName(name: string): OpDef | undefined {
  return byName.get(name);
}

/** The op an infix (`arity` 2) or prefix (`arity` 1) operator makes; unary `+` makes none. */
export function opByOperator(op: string, arity: 1 | 2): OpDef | undefined {
  return (arity === 2 ? binaryOperators : unaryOperators).get(op);
}
