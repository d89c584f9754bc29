/** Shape of a tensor: the size of each axis. A scalar has shape `[]`. */
export type Shape = readonly number[];

/** Number of elements of a tensor of the given shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/**
 * An immutable float64 tensor, row-major. Nothing in GraphStep mutates a
 * tensor's data after construction; a changed value is a new tensor, which is
 * what makes stepping back exact.
 */
export class Tensor {
  readonly shape: Shape;

  constructor(shape: Shape, readonly data: Float64Array) {
    this.shape = smallIntegers(shape);
    if (shape.length === 0 ? data.length !== 1 : data.length !== sizeOf(shape)) {
      throw new RangeError(`tensor data has ${data.length} elements, shape [${shape.join(',')}] needs ${sizeOf(shape)}`);
    }
    if (data.length >= LARGE_TENSOR) largeData.add(data);
  }

  static scalar(x: number): Tensor {
    const data = new Float64Array(1);
    data[0] = x;
    return new Tensor(SCALAR_SHAPE, data);
  }

  static filled(shape: Shape, x: number): Tensor {
    return new Tensor(shape, new Float64Array(sizeOf(shape)).fill(x));
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The single element of a scalar or one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new RangeError(`item() of a tensor with ${this.data.length} elements`);
    return this.data[0]!;
  }
}

const SCALAR_SHAPE: Shape = [];

/** Tensors at least this large register their data as immutable (cheap next to making them). */
const LARGE_TENSOR = 4096;
const largeData = new WeakSet<Float64Array>();

/** Whether a tensor of `length` elements registers its data as immutable (isImmutableData). */
export function registersImmutable(length: number): boolean {
  return length >= LARGE_TENSOR;
}

/**
 * Whether `data` belongs to a large tensor, and so never changes: the matrix
 * kernels keep copies of such operands in their memory, keyed by identity.
 */
export function isImmutableData(data: Float64Array): boolean {
  return largeData.has(data);
}

/**
 * The shape as an array of small integers. Sizes parsed from source text or
 * computed by division can arrive as heap doubles (`784.0`); an array holding
 * one makes V8 compile every kernel's index arithmetic that reads it as
 * floating point. `| 0` gives the same values as small integers.
 */
function smallIntegers(shape: Shape): Shape {
  if (shape.length === 0) return SCALAR_SHAPE;
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    out.push(Number.isInteger(d) && d >= 0 && d <= 0x7fffffff ? d | 0 : d);
  }
  return out;
}
