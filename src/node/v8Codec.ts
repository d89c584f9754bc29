import { deserialize, serialize } from 'node:v8';
import type { CheckCodec } from '../extension/worker/checkTransfer';

/** A check's batches as V8's structured-clone bytes: what Node's postMessage itself would make of them. */
export const v8Codec: CheckCodec = {
  encode: (items) => serialize(items),
  decode: (bytes) => deserialize(bytes) as unknown[],
};
