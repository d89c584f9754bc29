import { Tensor, sizeOf, type Shape } from './tensor';
import { crLog } from './tensorMath/libm';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * numpy's legacy `RandomState` generator: MT19937 seeded by `init_genrand`
 * (what `np.random.seed(int)` does), `random_sample` from two draws, and the
 * polar Box–Muller `legacy_gauss` that keeps its second value for the next
 * call. So `new LegacyRandom(1)` then `gauss()` eight times gives
 * `np.random.seed(1); np.random.randn(8)` (the log is correctly rounded, as
 * glibc's nearly always is).
 */
export class LegacyRandom {
  private readonly mt = new Uint32Array(N);
  private index = N;
  private hasGauss = false;
  private nextGauss = 0;

  /** @param seed an integer in [0, 2^32) */
  constructor(seed: number) {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
  }

  /** An independent generator in the same state: it draws what this one would draw next. */
  copy(): LegacyRandom {
    const copy = new LegacyRandom(0);
    copy.mt.set(this.mt);
    copy.index = this.index;
    copy.hasGauss = this.hasGauss;
    copy.nextGauss = this.nextGauss;
    return copy;
  }

  /** The next 32-bit output of MT19937. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits (numpy's `random_sample`). */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal (numpy's `legacy_gauss`). */
  gauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.nextGauss;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * crLog(r2)) / r2);
    this.nextGauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  private twist(): void {
    const mt = this.mt;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < N - 1; i++) {
      const y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M - N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }
}

/** Whether `seed` is one numpy's legacy `np.random.seed` accepts as an integer. */
export function isValidSeed(seed: number): boolean {
  return Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff;
}

/** `np.random.seed(seed); np.random.randn(*shape)`. */
export function randn(shape: Shape, seed: number): Tensor {
  const rng = new LegacyRandom(seed);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.gauss();
  return new Tensor(shape, out);
}

/** `np.random.seed(seed); np.random.rand(*shape)`. */
export function rand(shape: Shape, seed: number): Tensor {
  const rng = new LegacyRandom(seed);
  const out = new Float64Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = rng.randomSample();
  return new Tensor(shape, out);
}
