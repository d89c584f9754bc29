import { LegacyRandom } from '../random';
import { Tensor } from '../tensor';

/**
 * The rows of each training step's minibatch, drawn as numpy draws them:
 * `np.random.seed(seed)` once, then `np.random.choice(rows, size)` at every
 * step (with replacement, as the textbook's train_neuralnet.py). `choice`
 * with replacement is `randint(0, rows, size)`, which the legacy RandomState
 * computes by masked rejection: each index is the next 32-bit MT19937 output
 * masked to the smallest all-ones number ≥ rows − 1, drawn again while it is
 * above rows − 1.
 */
export class BatchSampler {
  private random: LegacyRandom;
  private readonly mask: number;
  private drawn = 0;

  constructor(
    readonly seed: number,
    readonly rows: number,
    readonly size: number,
  ) {
    this.random = new LegacyRandom(seed);
    let mask = rows - 1;
    for (let shift = 1; shift < 32; shift <<= 1) mask |= mask >>> shift;
    this.mask = mask >>> 0;
  }

  /** How many batches have been drawn so far: the next one is step `drawn`'s. */
  get step(): number {
    return this.drawn;
  }

  /** An independent sampler in the same state: it draws the batches this one would draw next. */
  copy(): BatchSampler {
    const copy = new BatchSampler(this.seed, 1, this.size);
    Object.assign(copy, { rows: this.rows, mask: this.mask, drawn: this.drawn, random: this.random.copy() });
    return copy;
  }

  /** Bytes its generator's state holds (624 32-bit words). */
  static readonly STATE_BYTES = 624 * 4;

  /** The next step's row indices. */
  next(): Int32Array {
    const out = new Int32Array(this.size);
    const max = this.rows - 1;
    // randint over a single value draws nothing, as numpy's `rng == 0` branch
    if (max > 0) {
      for (let i = 0; i < out.length; i++) {
        let v: number;
        do v = (this.random.nextUint32() & this.mask) >>> 0;
        while (v > max);
        out[i] = v;
      }
    }
    this.drawn++;
    return out;
  }
}

/** The rows `indices` of `source` along axis 0 (numpy's `source[indices]`). */
export function takeRows(source: Tensor, indices: Int32Array): Tensor {
  const rowSize = source.rank === 0 ? 1 : source.size / source.shape[0]!;
  const out = new Float64Array(indices.length * rowSize);
  for (let i = 0; i < indices.length; i++) out.set(source.data.subarray(indices[i]! * rowSize, (indices[i]! + 1) * rowSize), i * rowSize);
  return new Tensor([indices.length, ...source.shape.slice(1)], out);
}
