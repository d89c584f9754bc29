import { excerpt } from '../language/excerpt';
import { Tensor, type Shape } from '../tensor';
import { shapeLimitProblem } from './limits';
import { gunzip, npzMember, parseIdx } from './loadArchives';
import * as l10n from '@vscode/l10n';

/*
 * Parsers for `load("path")`: .npy, .csv and .json. Each problem is a message
 * naming the file, what was expected and what was found. `maxElements` is
 * checked before the tensor is allocated.
 */

export type LoadResult = { readonly ok: true; readonly value: Tensor } | { readonly ok: false; readonly message: string };

const failure = (message: string): LoadResult => ({ ok: false, message });

/** MNIST's names: `train-images-idx3-ubyte`, `t10k-labels.idx1-ubyte`. */
const IDX_NAME = /[.-]idx\d+-ubyte$/i;

/**
 * Reads `bytes` by the path's extension: .npy, .csv, .json, .npz (the
 * array `member`, or the only one), an IDX file (`…idx3-ubyte`), or any of
 * these gzipped as `NAME.gz`.
 */
export function loadTensor(path: string, bytes: Uint8Array, maxElements: number, member?: string): LoadResult {
  const name = excerpt(path);
  let inner = path;
  if (/\.gz$/i.test(path)) {
    const inflated = gunzip(name, bytes);
    if (!inflated.ok) return inflated;
    bytes = inflated.value;
    inner = path.slice(0, -3);
  }
  const ext = /\.([^./\\]*)$/.exec(inner)?.[1]?.toLowerCase() ?? '';
  if (member !== undefined && ext !== 'npz') return failure(l10n.t('load: expected a member name only for an .npz archive, found "{0}" for "{1}"', excerpt(member), name));
  if (IDX_NAME.test(inner)) return parseIdx(name, bytes, maxElements);
  if (ext === 'npz') {
    const found = npzMember(name, bytes, member);
    if (!found.ok) return found;
    return parseNpy(`${name}:${excerpt(found.value.name)}`, found.value.bytes, maxElements);
  }
  if (ext === 'npy') return parseNpy(name, bytes, maxElements);
  if (ext === 'csv') return parseCsv(name, decodeUtf8(bytes), maxElements);
  if (ext === 'json') return parseJsonTensor(name, decodeUtf8(bytes), maxElements);
  return failure(l10n.t('load: expected a .npy, .npz, .csv, .json or IDX (…idx3-ubyte) file, or one of them gzipped (.gz), found {0} in "{1}"', ext ? `'.${excerpt(ext)}'` : l10n.t('no extension'), name));
}

/** The limits of every shape (rank, each dimension, elements), checked before the tensor is allocated. */
function tooLarge(path: string, shape: Shape, maxElements: number): LoadResult | null {
  const size = shape.length <= 32 ? shape.reduce((a, b) => a * b, 1) : 0;
  if (size > maxElements) return failure(l10n.t('load: {0} holds shape [{1}] ({2} elements), expected at most {3} (graphstep.maxTensorElements)', path, shape.join(','), size, maxElements));
  const problem = shapeLimitProblem(shape, maxElements);
  return problem === null ? null : failure(`load: ${path}: ${problem}`);
}

/** The platform's WHATWG TextDecoder (Node, browsers and web workers all have one; the core's lib is ES2022 alone, so it is typed here). */
const utf8 = new (globalThis as unknown as { TextDecoder: new (label: string) => { decode(bytes: Uint8Array): string } }).TextDecoder('utf-8');

/** UTF-8 to a string, as a browser decodes it: a leading BOM dropped, malformed bytes U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

const NPY_TYPES: Readonly<Record<string, { name: string; size: number; read: (v: DataView, at: number) => number }>> = {
  f8: { name: 'float64', size: 8, read: (v, at) => v.getFloat64(at, true) },
  f4: { name: 'float32', size: 4, read: (v, at) => v.getFloat32(at, true) },
  i8: { name: 'int64', size: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  i4: { name: 'int32', size: 4, read: (v, at) => v.getInt32(at, true) },
  i2: { name: 'int16', size: 2, read: (v, at) => v.getInt16(at, true) },
  i1: { name: 'int8', size: 1, read: (v, at) => v.getInt8(at) },
  u8: { name: 'uint64', size: 8, read: (v, at) => Number(v.getBigUint64(at, true)) },
  u4: { name: 'uint32', size: 4, read: (v, at) => v.getUint32(at, true) },
  u2: { name: 'uint16', size: 2, read: (v, at) => v.getUint16(at, true) },
  u1: { name: 'uint8', size: 1, read: (v, at) => v.getUint8(at) },
  b1: { name: 'bool', size: 1, read: (v, at) => (v.getUint8(at) === 0 ? 0 : 1) },
};

/** numpy's .npy format, versions 1–3: little-endian numbers or bool, C order. */
export function parseNpy(path: string, bytes: Uint8Array, maxElements: number): LoadResult {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) {
    return failure(l10n.t('load: {0} is not a .npy file: expected the bytes {1} at the start', path, '\\x93NUMPY'));
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) return failure(l10n.t('load: {0} is truncated: expected a .npy header, found {1} bytes', path, bytes.length));
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    return failure(l10n.t('load: {0} has .npy format version {1}.{2}, expected 1.0, 2.0 or 3.0', path, major, String(bytes[7])));
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) return failure(l10n.t('load: {0} is truncated: expected a {1}-byte header, found {2} bytes', path, headerLength, bytes.length - headerStart));
  const header = decodeUtf8(bytes.subarray(headerStart, dataStart));
  // a key given twice means its last value, as Python's dict literal (and so numpy) reads it
  const descr = lastMatch(/'descr'\s*:\s*'([^']*)'/g, header);
  const fortran = lastMatch(/'fortran_order'\s*:\s*(True|False)/g, header);
  const shapeText = lastMatch(/'shape'\s*:\s*\(([^)]*)\)/g, header);
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return failure(l10n.t("load: {0} has a .npy header without a plain 'descr', 'fortran_order' and 'shape' (structured arrays are not supported): {1}", path, excerpt(header.trim())));
  }
  const order = descr[0];
  const type = NPY_TYPES[descr.slice(1)];
  if (type === undefined || order === undefined || !'<|='.includes(order) || (order === '|' && type.size !== 1)) {
    const bigEndian = order === '>' && type !== undefined && type.size > 1;
    return failure(
      bigEndian
        ? l10n.t("load: {0} holds big-endian {1} ('{2}'), expected little-endian ('<{3}')", path, type.name, descr, descr.slice(1))
        : l10n.t("load: {0} holds dtype '{1}', expected float64, float32, int64, int32, int16, int8, uint64, uint32, uint16, uint8 or bool", path, excerpt(descr)),
    );
  }
  if (fortran === 'True') return failure(l10n.t('load: {0} is in Fortran order, expected C order (save np.ascontiguousarray(a))', path));
  const dims = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!dims.every((d) => /^\d+L?$/.test(d))) return failure(l10n.t('load: {0} has shape ({1}), expected whole numbers', path, excerpt(shapeText)));
  const shape = dims.map((d) => parseInt(d, 10));
  const size = shape.reduce((a, b) => a * b, 1);
  const limit = tooLarge(path, shape, maxElements);
  if (limit) return limit;
  const needed = size * type.size;
  if (bytes.length - dataStart < needed) {
    return failure(l10n.t('load: {0} is truncated: shape [{1}] of {2} needs {3} bytes of data, found {4}', path, shape.join(','), type.name, needed, bytes.length - dataStart));
  }
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = type.read(view, dataStart + i * type.size);
  return { ok: true, value: new Tensor(shape, out) };
}

function lastMatch(pattern: RegExp, text: string): string | undefined {
  let found: string | undefined;
  for (const m of text.matchAll(pattern)) found = m[1];
  return found;
}

const CSV_NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

function parseCsvNumber(text: string): number | null {
  if (!CSV_NUMBER.test(text)) return null;
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return Number(text);
}

/**
 * Comma-separated numbers, one row per line, read like
 * `np.loadtxt(path, delimiter=',')`: `#` starts a comment, blank lines are
 * skipped, every row must have as many values as the first, and the result is
 * squeezed: one row or one column gives a 1-D tensor, a single value a scalar.
 */
export function parseCsv(path: string, text: string, maxElements: number): LoadResult {
  const rows: number[][] = [];
  const lines = text.split(/\r\n|\n|\r/);
  let width = -1;
  let total = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const fields = line.split(',').map((f) => f.trim());
    if (width >= 0 && fields.length !== width) return failure(l10n.t('load: {0} line {1} has {2} values, expected {3}', path, li + 1, fields.length, width));
    width = fields.length;
    const row: number[] = [];
    for (let fi = 0; fi < fields.length; fi++) {
      const v = parseCsvNumber(fields[fi]!);
      if (v === null) {
        const found = fields[fi] === '' ? 'nothing' : `"${excerpt(fields[fi]!)}"`;
        return failure(l10n.t('load: {0} line {1} value {2}: expected a number, found {3}', path, li + 1, fi + 1, found));
      }
      row.push(v);
    }
    total += row.length;
    if (total > maxElements) return failure(l10n.t('load: {0} holds more than {1} numbers, expected at most {1} (graphstep.maxTensorElements)', path, maxElements));
    rows.push(row);
  }
  if (rows.length === 0) return failure(l10n.t('load: {0} holds no numbers, expected comma-separated rows', path));
  const squeezed = [rows.length, width].filter((d) => d !== 1);
  return { ok: true, value: new Tensor(squeezed, Float64Array.from(rows.flat())) };
}

function jsonValueNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return null;
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return l10n.t('an array of {0}', v.length);
  if (typeof v === 'string') return JSON.stringify(excerpt(v));
  return typeof v === 'object' ? l10n.t('an object') : String(v);
}

/** Deeper nesting than any allowed rank; the walk below recurses at most this deep. */
const MAX_JSON_DEPTH = 33;

/** A number, or nested arrays of numbers that are rectangular; "NaN", "Infinity", "-Infinity" as `--json` writes them. */
export function parseJsonTensor(path: string, text: string, maxElements: number): LoadResult {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    return failure(l10n.t('load: {0} is not valid JSON: {1}', path, excerpt((e as Error).message, 120)));
  }
  const shape: number[] = [];
  for (let v: unknown = root; Array.isArray(v); v = v[0]) {
    shape.push(v.length);
    // deeper than the rank limit: report it without walking the rest
    if (v.length === 0 || shape.length > MAX_JSON_DEPTH) break;
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const limit = tooLarge(path, shape, maxElements);
  if (limit) return limit;
  const out = new Float64Array(size);
  let k = 0;
  const walk = (v: unknown, depth: number, where: string): string | null => {
    if (depth === shape.length) {
      const n = jsonValueNumber(v);
      if (n === null) return l10n.t('load: {0}: expected a number at {1}, found {2}', path, where || l10n.t('the top'), describeJson(v));
      out[k++] = n;
      return null;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      return l10n.t('load: {0} is not rectangular: expected an array of {1} at {2}, found {3}', path, String(shape[depth]), where || l10n.t('the top'), describeJson(v));
    }
    for (let i = 0; i < v.length; i++) {
      const problem = walk(v[i], depth + 1, `${where}[${i}]`);
      if (problem) return problem;
    }
    return null;
  };
  const problem = walk(root, 0, '');
  return problem ? failure(problem) : { ok: true, value: new Tensor(shape, out) };
}
