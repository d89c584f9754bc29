import { gunzipSync, unzipSync } from 'fflate';
import { excerpt } from '../language/excerpt';
import { Tensor } from '../tensor';
import { shapeLimitProblem } from './limits';
import * as l10n from '@vscode/l10n';

/*
 * The container formats `load()` reads besides plain .npy/.csv/.json:
 * gzip (any of them, or an IDX file, as `name.gz`), numpy's .npz (a zip of
 * .npy members, stored or deflated, as np.savez and np.savez_compressed
 * write them) and the IDX format of the MNIST files. Decompression is
 * fflate's; every problem is a message naming the file, what was expected
 * and what was found.
 */

type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const fail = <T>(message: string): Result<T> => ({ ok: false, message });

/** Most bytes a decompressed file may have (the limit of a file `load()` reads). */
const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/** The bytes of a gzip file, inflated. */
export function gunzip(path: string, bytes: Uint8Array): Result<Uint8Array> {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    return fail(l10n.t('load: {0} is not gzip data: expected the bytes 1f 8b at the start, found {1}', path, hex(bytes.subarray(0, 2))));
  }
  // the last four bytes give the size mod 2^32; a size past the limit is refused before inflating
  const size = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true);
  if (size > MAX_INFLATED_BYTES) return fail(l10n.t('load: {0} inflates to {1} bytes, expected at most {2}', path, size, MAX_INFLATED_BYTES));
  try {
    return { ok: true, value: gunzipSync(bytes) };
  } catch (e) {
    return fail(l10n.t('load: {0} is damaged gzip data: {1}', path, excerpt((e as Error).message, 120)));
  }
}

/**
 * The member `member` (with or without `.npy`) of a .npz archive; without a
 * member name, the archive's only member.
 */
export function npzMember(path: string, bytes: Uint8Array, member: string | undefined): Result<{ name: string; bytes: Uint8Array }> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    return fail(l10n.t('load: {0} is not a .npz file: expected a zip archive (the bytes PK at the start), found {1}', path, hex(bytes.subarray(0, 2))));
  }
  const wanted = member === undefined ? undefined : member.endsWith('.npy') ? member : `${member}.npy`;
  let names: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        if (f.originalSize > MAX_INFLATED_BYTES) throw new Error(`member ${f.name} inflates to ${f.originalSize} bytes, more than ${MAX_INFLATED_BYTES}`);
        return wanted === undefined || f.name === wanted;
      },
    });
  } catch (e) {
    return fail(l10n.t('load: {0} is a damaged .npz archive: {1}', path, excerpt((e as Error).message, 120)));
  }
  names = names.filter((n) => n.endsWith('.npy')).map((n) => n.slice(0, -4));
  const list = names.length === 0 ? 'none' : names.map((n) => `"${excerpt(n, 40)}"`).join(', ');
  if (wanted === undefined) {
    if (names.length !== 1) return fail(l10n.t('load: {0} holds {1} arrays ({2}), expected one: name it, as load("{0}", "{3}")', path, names.length, list, excerpt(names[0] ?? 'x', 40)));
    return { ok: true, value: { name: `${names[0]}.npy`, bytes: files[`${names[0]}.npy`]! } };
  }
  const found = files[wanted];
  if (!found) return fail(l10n.t('load: {0} has no array "{1}": expected one of {2}', path, excerpt(member!, 40), list));
  return { ok: true, value: { name: wanted, bytes: found } };
}

/** IDX element types (the third byte of the magic number), as the MNIST files define them. */
const IDX_TYPES: Readonly<Record<number, { name: string; size: number; read: (v: DataView, at: number) => number }>> = {
  0x08: { name: 'unsigned byte', size: 1, read: (v, at) => v.getUint8(at) },
  0x09: { name: 'signed byte', size: 1, read: (v, at) => v.getInt8(at) },
  0x0b: { name: 'short', size: 2, read: (v, at) => v.getInt16(at) },
  0x0c: { name: 'int', size: 4, read: (v, at) => v.getInt32(at) },
  0x0d: { name: 'float', size: 4, read: (v, at) => v.getFloat32(at) },
  0x0e: { name: 'double', size: 8, read: (v, at) => v.getFloat64(at) },
};

/**
 * The IDX format (MNIST's `train-images-idx3-ubyte`): the magic number
 * 0x0000TTDD (element type TT, DD dimensions), DD big-endian 32-bit sizes,
 * then the elements big-endian in C order. Images load as [N, 28, 28]
 * (`reshape(load(...), -1, 784)` flattens them), labels as [N].
 */
export function parseIdx(path: string, bytes: Uint8Array, maxElements: number): Result<Tensor> {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    return fail(l10n.t('load: {0} is not an IDX file: expected a magic number starting 00 00, found {1}', path, hex(bytes.subarray(0, 4))));
  }
  const type = IDX_TYPES[bytes[2]!];
  if (!type) return fail(l10n.t('load: {0} has IDX element type 0x{1}, expected 0x08 (unsigned byte), 0x09, 0x0b, 0x0c, 0x0d or 0x0e', path, bytes[2]!.toString(16).padStart(2, '0')));
  const rank = bytes[3]!;
  if (rank === 0 || rank > 32) return fail(l10n.t('load: {0} has {1} IDX dimensions, expected 1 to 32', path, rank));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataStart = 4 + 4 * rank;
  if (bytes.length < dataStart) return fail(l10n.t('load: {0} is truncated: expected {1} dimension sizes after the magic number, found {2}', path, rank, Math.floor((bytes.length - 4) / 4)));
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i));
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > maxElements) return fail(l10n.t('load: {0} holds shape [{1}] ({2} elements), expected at most {3} (graphstep.maxTensorElements)', path, shape.join(','), size, maxElements));
  const problem = shapeLimitProblem(shape, maxElements);
  if (problem) return fail(`load: ${path}: ${problem}`);
  const needed = size * type.size;
  if (bytes.length - dataStart < needed) {
    return fail(l10n.t('load: {0} is truncated: shape [{1}] of {2} needs {3} bytes of data, found {4}', path, shape.join(','), type.name, needed, bytes.length - dataStart));
  }
  const out = new Float64Array(size);
  if (type.size === 1 && bytes[2] === 0x08) out.set(bytes.subarray(dataStart, dataStart + size));
  else for (let i = 0; i < size; i++) out[i] = type.read(view, dataStart + i * type.size);
  return { ok: true, value: new Tensor(shape, out) };
}

function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return l10n.t('no bytes');
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
