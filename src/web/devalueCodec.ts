import { parse, stringify } from 'devalue';
import { Tensor } from '../core/tensor';
import type { CheckCodec } from '../extension/worker/checkTransfer';

/*
 * A browser has no structured-clone-to-bytes call, and JSON loses NaN, -0,
 * typed arrays and undefined fields; devalue's text keeps them all (typed
 * arrays as the base64 of their bytes, so every bit), and is made UTF-8 to
 * travel as one transferred buffer like V8's bytes in Node. Tensors (leaf
 * values) travel as their shape and data and arrive as Tensors.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const reducers = { Tensor: (v: unknown) => v instanceof Tensor && [v.shape, v.data] };
const revivers = { Tensor: ([shape, data]: [readonly number[], Float64Array]) => new Tensor(shape, data) };

/** A check's batches as devalue text in UTF-8. */
export const devalueCodec: CheckCodec = {
  encode: (items) => encoder.encode(stringify(items, reducers)),
  decode: (bytes) => parse(decoder.decode(bytes), revivers) as unknown[],
};
