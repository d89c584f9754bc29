import { onnx } from 'onnx-proto';
import { shapeLimitProblem, shapeText } from '../ops/limits';
import type { Shape } from '../tensor';
import * as l10n from '@vscode/l10n';

/*
 * An ONNX model read into plain values: nodes with their attributes, the
 * initializers widened to float64, the graph's inputs and outputs. The
 * protobuf is decoded by onnx-proto (protobufjs's code generated from onnx.proto).
 */

/** A problem with the model that stops the import, naming the node or tensor it is about. */
export class OnnxImportError extends Error {}

/** An attribute of a node, as the importer needs it. */
export type OnnxAttribute =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor }
  | { readonly kind: 'other'; readonly type: string };

/** A tensor stored in the model (an initializer or a Constant's value), its elements widened to float64. */
export interface OnnxTensor {
  readonly name: string;
  readonly shape: Shape;
  readonly data: Float64Array;
  /** The ONNX element type: float, float16, double, int64, int32, ... */
  readonly elementType: string;
}

export interface OnnxNode {
  readonly opType: string;
  /** The node's name, or `OpType #k` (k counted from 1) when the model gives none. */
  readonly name: string;
  readonly domain: string;
  /** Input names; an omitted optional input is ''. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: ReadonlyMap<string, OnnxAttribute>;
}

/** A graph input or output: its name and declared shape (a dynamic dimension is null). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly shape: readonly (number | null)[] | null;
  readonly elementType: string;
}

export interface OnnxModel {
  /** The version of the default (ai.onnx) operator set. */
  readonly opset: number;
  readonly producer: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: ReadonlyMap<string, OnnxTensor>;
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

const ELEMENT_TYPES: Record<number, string> = {
  1: 'float',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'double',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

/** A protobuf int64, which protobufjs gives as a number or a Long. */
type Int64 = number | { toNumber(): number } | null | undefined;

function int(v: Int64): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Reads an ONNX model file. Throws OnnxImportError for a malformed file or a tensor that cannot be read. */
export function readOnnxModel(bytes: Uint8Array, maxElements: number): OnnxModel {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxImportError(l10n.t('not a readable ONNX model: the protobuf does not decode ({0})', e instanceof Error ? e.message : String(e)));
  }
  const graph = model.graph;
  if (!graph || ((graph.node ?? []).length === 0 && (graph.output ?? []).length === 0)) throw new OnnxImportError(l10n.t('not an ONNX model: expected a graph with nodes and outputs, found none'));
  let opset = 0;
  for (const o of model.opsetImport) {
    if (!o.domain || o.domain === 'ai.onnx') opset = int(o.version as Int64);
  }
  if (opset === 0) throw new OnnxImportError(l10n.t('not an ONNX model: expected an import of the default operator set (ai.onnx), found none'));

  const initializers = new Map<string, OnnxTensor>();
  for (const t of graph.initializer ?? []) {
    const tensor = readTensor(t, `initializer '${t.name}'`, maxElements);
    initializers.set(tensor.name, tensor);
  }
  const sparse = graph.sparseInitializer ?? [];
  if (sparse.length > 0) throw new OnnxImportError(l10n.t("sparse initializer '{0}': expected dense tensors, found a sparse one", sparse[0]!.values?.name ?? ''));

  const counts = new Map<string, number>();
  const nodes = (graph.node ?? []).map((n): OnnxNode => {
    const opType = n.opType ?? '';
    const k = (counts.get(opType) ?? 0) + 1;
    counts.set(opType, k);
    const name = n.name || `${opType} #${k}`;
    const attributes = new Map<string, OnnxAttribute>();
    for (const a of n.attribute ?? []) attributes.set(a.name ?? '', readAttribute(a, name, maxElements));
    return { opType, name, domain: n.domain ?? '', inputs: (n.input ?? []).slice(), outputs: (n.output ?? []).slice(), attributes };
  });
  return {
    opset,
    producer: [model.producerName, model.producerVersion].filter((s) => s).join(' '),
    nodes,
    initializers,
    inputs: (graph.input ?? []).filter((i) => !initializers.has(i.name ?? '')).map(readValueInfo),
    outputs: (graph.output ?? []).map(readValueInfo),
  };
}

function readValueInfo(v: onnx.IValueInfoProto): OnnxValueInfo {
  const tensorType = v.type?.tensorType;
  const dims = tensorType?.shape?.dim;
  return {
    name: v.name ?? '',
    elementType: ELEMENT_TYPES[tensorType?.elemType ?? 0] ?? 'undefined',
    shape: dims ? dims.map((d) => (d.dimValue !== null && d.dimValue !== undefined && !d.dimParam ? int(d.dimValue as Int64) : null)) : null,
  };
}

function readAttribute(a: onnx.IAttributeProto, node: string, maxElements: number): OnnxAttribute {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return { kind: 'int', value: int(a.i as Int64) };
    case T.FLOAT:
      return { kind: 'float', value: a.f ?? 0 };
    case T.INTS:
      return { kind: 'ints', value: (a.ints ?? []).map((v) => int(v as Int64)) };
    case T.FLOATS:
      return { kind: 'floats', value: (a.floats ?? []).slice() };
    case T.STRING:
      return { kind: 'string', value: latin1(a.s ?? new Uint8Array(0)) };
    case T.TENSOR:
      return { kind: 'tensor', value: readTensor(a.t ?? {}, `attribute '${a.name}' of node '${node}'`, maxElements) };
    default:
      return { kind: 'other', type: T[a.type ?? 0] ?? String(a.type) };
  }
}

/** Widens a tensor's elements to float64: float32 and float16 exactly, integers up to 2^53 exactly. */
function readTensor(t: onnx.ITensorProto, what: string, maxElements: number): OnnxTensor {
  const name = t.name ?? '';
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) {
    const location = t.externalData?.find((e) => e.key === 'location')?.value;
    throw new OnnxImportError(location
      ? l10n.t("{0}: its data is stored outside the model (in '{1}'); external data is not supported, save the model with its weights inside (torch.onnx.export does for models under 2 GB)", what, location)
      : l10n.t('{0}: its data is stored outside the model; external data is not supported, save the model with its weights inside (torch.onnx.export does for models under 2 GB)', what));
  }
  const shape = (t.dims ?? []).map((d) => int(d as Int64));
  if (shape.some((d) => d < 0)) throw new OnnxImportError(l10n.t('{0}: expected non-negative dimensions, found {1}', what, shapeText(shape)));
  const problem = shapeLimitProblem(shape, maxElements);
  if (problem) throw new OnnxImportError(`${what}: ${problem}`);
  const size = shape.reduce((a, b) => a * b, 1);
  const elementType = ELEMENT_TYPES[t.dataType ?? 0] ?? `type ${t.dataType}`;
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const data = new Float64Array(size);
  const fromRaw = (bytesPer: number, read: (view: DataView, offset: number) => number): void => {
    if (raw!.length !== size * bytesPer) throw new OnnxImportError(l10n.t('{0}: expected {1} bytes of {2} data for shape {3}, found {4}', what, size * bytesPer, elementType, shapeText(shape), raw!.length));
    const view = new DataView(raw!.buffer, raw!.byteOffset, raw!.byteLength);
    for (let i = 0; i < size; i++) data[i] = read(view, i * bytesPer);
  };
  const fromList = (list: readonly Int64[] | readonly number[] | null | undefined, convert: (v: number) => number = (v) => v): void => {
    const values = list ?? [];
    if (values.length !== size) throw new OnnxImportError(l10n.t('{0}: expected {1} {2} values for shape {3}, found {4}', what, size, elementType, shapeText(shape), values.length));
    for (let i = 0; i < size; i++) data[i] = convert(int(values[i] as Int64));
  };
  const exactInt = (v: number): number => {
    if (!Number.isSafeInteger(v)) throw new OnnxImportError(l10n.t('{0}: the integer {1} is not exact in float64', what, v));
    return v;
  };
  switch (elementType) {
    case 'float':
      if (raw) fromRaw(4, (v, o) => v.getFloat32(o, true));
      else fromList(t.floatData);
      break;
    case 'double':
      if (raw) fromRaw(8, (v, o) => v.getFloat64(o, true));
      else fromList(t.doubleData);
      break;
    case 'float16':
      if (raw) fromRaw(2, (v, o) => halfToNumber(v.getUint16(o, true)));
      else fromList(t.int32Data, halfToNumber);
      break;
    case 'int64':
      if (raw) fromRaw(8, (v, o) => exactInt(Number(v.getBigInt64(o, true))));
      else fromList(t.int64Data, exactInt);
      break;
    case 'int32':
      if (raw) fromRaw(4, (v, o) => v.getInt32(o, true));
      else fromList(t.int32Data);
      break;
    case 'bool':
    case 'uint8':
      if (raw) fromRaw(1, (v, o) => v.getUint8(o));
      else fromList(t.int32Data);
      break;
    case 'int8':
      if (raw) fromRaw(1, (v, o) => v.getInt8(o));
      else fromList(t.int32Data);
      break;
    default:
      throw new OnnxImportError(l10n.t('{0}: expected float, float16, double or integer elements, found {1}', what, elementType));
  }
  return { name, shape, data, elementType };
}

/** An IEEE half-precision number's bits as the number it is (every half is exact in float64). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** An attribute string's bytes (ASCII in every attribute the import reads: auto_pad). */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
