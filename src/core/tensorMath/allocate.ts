/*
 * Where the engine's result arrays come from. `new Float64Array(n)` zero-fills
 * its memory, which for the large outputs of products and elementwise maps
 * costs more than writing them (measured in Node: 2 µs for 32 KiB, 38 µs for
 * 313 KiB, against 0.6 and 11 µs unfilled). A host that can allocate without
 * filling (Node's Buffer.allocUnsafeSlow) provides that through
 * `setResultAllocator`; the core itself imports nothing from Node.
 */

/** Makes a Float64Array of `length` elements whose contents are unspecified. */
export type ResultAllocator = (length: number) => Float64Array;

const zeroed: ResultAllocator = (length) => new Float64Array(length);
let allocator: ResultAllocator = zeroed;

/**
 * An array for a result **whose every element the caller writes** before
 * anyone reads it: the host's unfilled allocation where it gave one, else a
 * zero-filled array. Never use it for an array that is summed into or only
 * partly written.
 */
export function resultArray(length: number): Float64Array {
  return allocator(length);
}

/** Sets the host's allocator (null: zero-filled arrays, the default). */
export function setResultAllocator(next: ResultAllocator | null): void {
  allocator = next ?? zeroed;
}
