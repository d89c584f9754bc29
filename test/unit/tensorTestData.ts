import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Tensor, sizeOf, type Shape } from '../../src/core/tensor';

/** Directory of the tensor fixtures (numpy references and load() files). */
export const TENSOR_FIXTURES = path.resolve(__dirname, '../fixtures/tensor');

/**
 * Deterministic test numbers, identical to `lcg_data` in
 * scripts/gen-test-references.py: an integer over 3, scaled by a power of two
 * (every step exact or correctly rounded in both languages).
 */
export function lcgData(n: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const k = state >>> 8;
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const shift = (state >>> 27) - 16;
    out[i] = ((k - 8388608) / 3) * 2 ** shift;
  }
  return out;
}

export function lcgTensor(shape: Shape, seed: number): Tensor {
  return new Tensor(shape, lcgData(sizeOf(shape), seed));
}

/** The numpy reference values written by scripts/gen-test-references.py. */
export interface NumpyReference {
  pairwise: { n: number; seed: number; sum: number }[];
  reductions: { shape: number[]; seed: number; axis: number | null; keepdims: boolean; sumShape: number[]; sum: number[]; mean: number[] }[];
  sumToShape: { grad: number[]; shape: number[]; seed: number; expected: number[] }[];
  matmul: { m: number; k: number; n: number; seedA: number; seedB: number; expected: number[] }[];
  libm: { exp: [number, number][]; log: [number, number][]; pow: [number, number, number][] };
}

export const numpyReference: NumpyReference = JSON.parse(readFileSync(path.join(TENSOR_FIXTURES, 'numpy-reference.json'), 'utf8')) as NumpyReference;

/** Bitwise equality that tells -0 from 0 and accepts NaN = NaN. */
export function sameNumbers(actual: ArrayLike<number>, expected: ArrayLike<number>): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) return false;
  return true;
}
