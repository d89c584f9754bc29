import type { Tensor } from '../tensor';

/** Smallest, largest and mean element; NaN when any element is NaN; null for an empty tensor. */
export interface TensorStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export function tensorStats(t: Tensor): TensorStats | null {
  if (t.size === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let nan = false;
  for (const x of t.data) {
    if (Number.isNaN(x)) nan = true;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  if (nan) return { min: NaN, max: NaN, mean: NaN };
  return { min, max, mean: sum / t.size };
}
