import * as tables from './libmTables';

/*
 * Correctly rounded exp, log and pow (round to nearest, ties to even).
 *
 * Why not Math.exp/log/pow: V8's fdlibm ports differ from glibc (what numpy
 * calls on most machines) in the last bit for ~10% of exp, ~5% of log and
 * ~11% of pow arguments. glibc 2.36 is correctly rounded in all but about
 * 1 in 1,000 to 10,000 cases (measured), so a correctly rounded result is the
 * portable way to print numpy's digits. (numpy's own AVX-512 exp and its SIMD tanh are not correctly
 * rounded; on such machines numpy itself differs from glibc.)
 *
 * Method (Ziv): a fast double-double evaluation with a proven error bound;
 * when the bound straddles a rounding boundary, a slower one accurate to
 * ~2^-100; exact halfway cases of pow with integer exponents are settled with
 * BigInt. Results in the subnormal range fall back to Math (not guaranteed).
 */

// Copied into module constants: under a CommonJS transform (tsx, mocha) every
// read of an imported binding is a getter call, too slow for these loops.
const EXP2 = Float64Array.from(tables.EXP2_TABLE);
const LOGT = Float64Array.from(tables.LOG_TABLE);
const LOG_TABLE_FIRST = tables.LOG_TABLE_FIRST;
const INV_LN2_64 = tables.INV_LN2_64;
const LN2_64_C1 = tables.LN2_64_C1;
const LN2_64_C2 = tables.LN2_64_C2;
const LN2_64_C3 = tables.LN2_64_C3;
const LN2_HI = tables.LN2_HI;
const LN2_LO = tables.LN2_LO;
/** 2^27 + 1: Veltkamp splitting, since JS has no fused multiply-add. */
const SPLITTER = 134217729;
const SQRT2 = Math.SQRT2;
const EPS_EXP_FAST = 2 ** -70;
const EPS_LOG_FAST = 2 ** -64;
const EPS_SLOW = 2 ** -98;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HI_WORD = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;
const LO_WORD = 1 - HI_WORD;

/**
 * Result registers: internal routines return a double-double (reg[0] + reg[1])
 * times 2^reg[2] here. A typed array, because a number kept in a closure
 * variable is boxed and every write would allocate.
 */
const reg = new Float64Array(3);

/** The exact error of fl(a*b) = p (Dekker). */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** The exact error of fl(a+b) = s (Knuth). */
function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** 2^e for -1022 <= e <= 1023. */
function pow2(e: number): number {
  words[LO_WORD] = 0;
  words[HI_WORD] = (e + 1023) << 20;
  return bits[0]!;
}

/** v·2^e, in steps so that no factor leaves the normal range. */
function scaled(v: number, e: number): number {
  while (e > 1023) {
    v *= pow2(1023);
    e -= 1023;
  }
  while (e < -1022) {
    v *= pow2(-1022);
    e += 1022;
  }
  return v * pow2(e);
}

/** reg[0] + reg[1] rounded when every value within relative eps of it rounds the same way, else NaN. */
function roundIfSure(eps: number): number {
  const d = Math.abs(reg[0]!) * eps;
  const a = reg[0]! + (reg[1]! - d);
  return a === reg[0]! + (reg[1]! + d) ? a : NaN;
}

// ---- double-double helpers for the slow paths (results in reg[0], reg[1]) ----

function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  const se = twoSumErr(ah, bh, s);
  const t = al + bl;
  const te = twoSumErr(al, bl, t);
  const s1 = s + (se + t);
  const e1 = se + t - (s1 - s);
  reg[0] = s1 + (e1 + te);
  reg[1] = e1 + te - (reg[0] - s1);
}

function ddMul(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh;
  const e = twoProdErr(ah, bh, p) + (ah * bl + al * bh);
  reg[0] = p + e;
  reg[1] = e - (reg[0] - p);
}

function ddDivInt(ah: number, al: number, n: number): void {
  const q1 = ah / n;
  const p = q1 * n;
  const rem = ah - p - twoProdErr(q1, n, p) + al;
  const q2 = rem / n;
  reg[0] = q1 + q2;
  reg[1] = q2 - (reg[0] - q1);
}

/** Splits xh + xl = k·ln2/64 + r; returns k, leaves r in reg[0] + reg[1] (|r| <= ln2/128 + tiny). */
function reduceExp(xh: number, xl: number): number {
  const kf = Math.round(xh * INV_LN2_64);
  const t = xh - kf * LN2_64_C1;
  const u = kf * LN2_64_C2;
  const r0 = t - u;
  ddAdd(r0, twoSumErr(t, -u, r0), xl, -kf * LN2_64_C3);
  return kf;
}

/** exp(xh + xl) ≈ (reg[0] + reg[1])·2^reg[2] with relative error < 2^-74, for |xh| < 745. */
function expFast(xh: number, xl: number): void {
  const k = reduceExp(xh, xl);
  const r0 = reg[0]!;
  const r1 = reg[1]!;
  const j = k & 63;
  reg[2] = (k - j) / 64;
  const s = r0 * r0;
  const se = twoProdErr(r0, r0, s);
  const half = 0.5 * s;
  const ah = r0 + half;
  const tail = r0 * s * (1 / 6 + r0 * (1 / 24 + r0 * (1 / 120 + r0 * (1 / 720 + r0 * (1 / 5040 + r0 / 40320)))));
  // e^r - 1 = ah + al; the r1 terms are r1·e^r0 ≈ r1·(1 + ah)
  const al = twoSumErr(r0, half, ah) + 0.5 * se + tail + (r1 + r1 * ah);
  const th = EXP2[2 * j]!;
  const tl = EXP2[2 * j + 1]!;
  const ph = th * ah;
  const pl = twoProdErr(th, ah, ph);
  const h0 = th + ph;
  const l0 = twoSumErr(th, ph, h0) + (pl + (th * al + tl * (1 + ah)));
  reg[0] = h0 + l0;
  reg[1] = l0 - (reg[0] - h0);
}

/** exp(xh + xl) ≈ (reg[0] + reg[1])·2^reg[2] with relative error ~2^-104. */
function expSlow(xh: number, xl: number): void {
  const k = reduceExp(xh, xl);
  const rh = reg[0]!;
  const rl = reg[1]!;
  const j = k & 63;
  // e^r = 1 + r(1 + r/2(1 + r/3(... (1 + r/12))))
  let ph = 1;
  let pl = 0;
  for (let n = 12; n >= 1; n--) {
    ddMul(ph, pl, rh, rl);
    ddDivInt(reg[0]!, reg[1]!, n);
    ddAdd(1, 0, reg[0]!, reg[1]!);
    ph = reg[0]!;
    pl = reg[1]!;
  }
  ddMul(ph, pl, EXP2[2 * j]!, EXP2[2 * j + 1]!);
  reg[2] = (k - j) / 64;
}

/** Splits x = 2^e·m with m in [sqrt(1/2), sqrt(2)); returns e, m in `reg[0]`. */
function splitLog(x: number): number {
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: subnormal to normal
    e = -54;
  }
  bits[0] = x;
  const w = words[HI_WORD]!;
  e += (w >>> 20) - 1023;
  words[HI_WORD] = (w & 0x000fffff) | 0x3ff00000;
  let m = bits[0]!;
  if (m > SQRT2) {
    m *= 0.5;
    e += 1;
  }
  reg[0] = m;
  return e;
}

/** log(x) ≈ reg[0] + reg[1] for positive finite x, relative error < 2^-67. */
function logFast(x: number): void {
  const e = splitLog(x);
  const m = reg[0]!;
  const idx = 3 * (Math.round(m * 128) - LOG_TABLE_FIRST);
  const invc = LOGT[idx]!;
  const ph = m * invc;
  const a0 = ph - 1; // exact (Sterbenz)
  const pl = twoProdErr(m, invc, ph);
  const r0 = a0 + pl;
  const r1 = twoSumErr(a0, pl, r0);
  // log(1 + r) = r - r²/2 + r³/3 - ..., r = r0 + r1; d/dr = 1/(1 + r) gives the r1 terms
  const s = r0 * r0;
  const se = twoProdErr(r0, r0, s);
  const mh = -0.5 * s;
  const ah = r0 + mh;
  const tail =
    r0 * s * (1 / 3 + r0 * (-1 / 4 + r0 * (1 / 5 + r0 * (-1 / 6 + r0 * (1 / 7 + r0 * (-1 / 8 + r0 * (1 / 9 + r0 * (-1 / 10 + r0 / 11))))))));
  const al = twoSumErr(r0, mh, ah) - 0.5 * se + tail + (r1 - r1 * (r0 - s));
  const eh = e * LN2_HI;
  const el = twoProdErr(e, LN2_HI, eh) + e * LN2_LO;
  const lgh = LOGT[idx + 1]!;
  const b0 = eh - lgh;
  const b1 = twoSumErr(eh, -lgh, b0) + (el - LOGT[idx + 2]!);
  const h0 = b0 + ah;
  const l0 = twoSumErr(b0, ah, h0) + (b1 + al);
  reg[0] = h0 + l0;
  reg[1] = l0 - (reg[0] - h0);
}

/** log(x) ≈ reg[0] + reg[1] for positive finite x, relative error ~2^-102. */
function logSlow(x: number): void {
  const e = splitLog(x);
  const m = reg[0]!;
  const idx = 3 * (Math.round(m * 128) - LOG_TABLE_FIRST);
  const invc = LOGT[idx]!;
  const ph = m * invc;
  const a0 = ph - 1;
  const pl = twoProdErr(m, invc, ph);
  const rh = a0 + pl;
  const rl = twoSumErr(a0, pl, rh);
  // log(1 + r) = r·(1 - r(1/2 - r(1/3 - ... r/16)))
  let qh = 0;
  let ql = 0;
  for (let n = 16; n >= 1; n--) {
    ddMul(qh, ql, rh, rl);
    const ph2 = reg[0]!;
    const pl2 = reg[1]!;
    ddDivInt(1, 0, n);
    ddAdd(reg[0]!, reg[1]!, -ph2, -pl2);
    qh = reg[0]!;
    ql = reg[1]!;
  }
  ddMul(qh, ql, rh, rl);
  const lh = reg[0]!;
  const ll = reg[1]!;
  ddMul(e, 0, LN2_HI, LN2_LO);
  ddAdd(reg[0]!, reg[1]!, -LOGT[idx + 1]!, -LOGT[idx + 2]!);
  ddAdd(reg[0]!, reg[1]!, lh, ll);
}

/** e^x, correctly rounded (except results below 2^-1022, from Math.exp). */
export function crExp(x: number): number {
  if (!(x <= 709.79)) return x !== x ? x : Infinity;
  if (x < -708.39) return Math.exp(x);
  expFast(x, 0);
  let v = roundIfSure(EPS_EXP_FAST);
  if (v !== v) {
    expSlow(x, 0);
    v = roundIfSure(EPS_SLOW);
    if (v !== v) v = reg[0]! + reg[1]!;
  }
  return scaled(v, reg[2]!);
}

/** Natural logarithm, correctly rounded. */
export function crLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return x;
  logFast(x);
  const v = roundIfSure(EPS_LOG_FAST);
  if (v === v) return v;
  logSlow(x);
  const w = roundIfSure(EPS_SLOW);
  return w === w ? w : reg[0]! + reg[1]!;
}

/** x^y for positive finite x and finite y ∉ {0, 1, 2, -1, 0.5}. */
function powPositive(x: number, y: number): number {
  logFast(x);
  let th = y * reg[0]!;
  let tl = twoProdErr(y, reg[0]!, th) + y * reg[1]!;
  if (th > 709.79) return Infinity;
  if (th < -708.39) return Math.pow(x, y);
  expFast(th, tl);
  let v = roundIfSure(EPS_EXP_FAST + Math.abs(th) * 2 ** -66);
  if (v === v) return scaled(v, reg[2]!);
  logSlow(x);
  ddMul(y, 0, reg[0]!, reg[1]!);
  th = reg[0]!;
  tl = reg[1]!;
  expSlow(th, tl);
  v = roundIfSure(EPS_SLOW + Math.abs(th) * 2 ** -99);
  if (v !== v) {
    const exact = Number.isInteger(y) && y > 0 && y <= 64 ? exactIntegerPower(x, y) : NaN;
    if (exact === exact) return exact;
    v = reg[0]! + reg[1]!;
  }
  return scaled(v, reg[2]!);
}

/** x^n for an integer 0 < n <= 64, rounded half to even, computed exactly (settles halfway cases). */
function exactIntegerPower(x: number, n: number): number {
  let e = 0;
  let m = x;
  while (!Number.isInteger(m)) {
    m *= 2;
    e -= 1;
  }
  const p = BigInt(m) ** BigInt(n);
  const width = p.toString(2).length;
  if (width <= 53) return scaled(Number(p), e * n);
  const shift = BigInt(width - 54);
  const top = p >> shift;
  const sticky = (p & ((1n << shift) - 1n)) !== 0n;
  let mant = top >> 1n;
  if ((top & 1n) === 1n && (sticky || (mant & 1n) === 1n)) mant += 1n;
  return scaled(Number(mant), width - 53 + e * n);
}

/** x^y as C's pow (Annex F special cases, which numpy's power follows), correctly rounded. */
export function crPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x !== x || y !== y) return NaN;
  if (y === 1) return x;
  if (y === 2) return x * x;
  if (y === -1) return 1 / x;
  if (y === Infinity || y === -Infinity) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    return ax < 1 === y > 0 ? 0 : Infinity;
  }
  const yIsOdd = Number.isInteger(y) && Math.abs(y) < 9007199254740992 && y % 2 !== 0;
  if (x === 0) {
    if (y < 0) return yIsOdd ? 1 / x : Infinity;
    return yIsOdd ? x : 0;
  }
  if (x === Infinity) return y < 0 ? 0 : Infinity;
  if (x === -Infinity) {
    if (y < 0) return yIsOdd ? -0 : 0;
    return yIsOdd ? -Infinity : Infinity;
  }
  if (x < 0) {
    if (!Number.isInteger(y)) return NaN;
    const v = powPositive(-x, y);
    return yIsOdd ? -v : v;
  }
  return y === 0.5 ? Math.sqrt(x) : powPositive(x, y);
}
