import { twoProdErr } from './libm';

/*
 * A fused multiply-add, a·b + c rounded once, as hardware FMA and the BLAS
 * kernels numpy calls compute it. JS has no Math.fma, so it is emulated
 * exactly (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums:
 * proved algorithms using rounding to odd", 2008): the exact product as a
 * double-double, then the low parts added with rounding to odd, which makes
 * the final round-to-nearest correct.
 */

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const LO_WORD = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 0 : 1;
const HI_WORD = 1 - LO_WORD;

/** fl(a·b + c) with one rounding. Falls back to two roundings near overflow and underflow. */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const ap = Math.abs(p);
  if (!(ap < 1e300) || !(Math.abs(c) < 1e300) || Math.abs(a) > 1e290 || Math.abs(b) > 1e290 || (ap < 1e-290 && p !== 0)) return p + c;
  // a·b = p + e exactly (Dekker)
  const e = twoProdErr(a, b, p);
  // c + p = s + r exactly (Knuth)
  const s = c + p;
  const cc = s - p;
  const r = c - cc + (p - (s - cc));
  // v = r + e rounded to odd: when inexact and even, step one ulp towards the exact sum
  let v = r + e;
  const vv = v - r;
  const err = r - (v - vv) + (e - vv);
  if (err !== 0) {
    bits[0] = v;
    if ((words[LO_WORD]! & 1) === 0) {
      if (err > 0 === v > 0) {
        if (++words[LO_WORD]! === 0) words[HI_WORD]!++;
      } else if (words[LO_WORD]!-- === 0) {
        words[HI_WORD]!--;
      }
      v = bits[0]!;
    }
  }
  return s + v;
}
