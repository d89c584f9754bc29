import type { Tensor } from './tensor';

/** A number as `--json` writes it: JSON has no NaN or infinities, so those become strings. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** A tensor as `--json` writes it: a number for a scalar, nested arrays otherwise. */
export type JsonTensor = JsonNumber | JsonTensor[];

/**
 * The shortest text that reads back as the same float64 (JS's own
 * `String(x)`, e.g. `220.00000000000003`), with `-0` kept and `NaN`,
 * `Infinity`, `-Infinity` spelled out.
 */
export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

export function jsonNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  if (x !== x) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

export function tensorToJson(t: Tensor): JsonTensor {
  if (t.rank === 0) return jsonNumber(t.data[0]!);
  const strides: number[] = [];
  let s = 1;
  for (let ax = t.rank - 1; ax >= 0; ax--) {
    strides[ax] = s;
    s *= t.shape[ax]!;
  }
  const build = (axis: number, offset: number): JsonTensor[] => {
    const n = t.shape[axis]!;
    const out: JsonTensor[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const at = offset + i * strides[axis]!;
      out[i] = axis === t.rank - 1 ? jsonNumber(t.data[at]!) : build(axis + 1, at);
    }
    return out;
  };
  return build(0, 0);
}

/**
 * numpy-style print, one row per line: `[[1, 2],\n [3, 4]]` (join the lines
 * for a one-line form). Past `maxItems` elements, every axis longer than
 * 2·edgeItems shows its first and last `edgeItems` around `...`, as numpy's
 * summarised repr does.
 */
export function formatTensorSummary(t: Tensor, maxItems = 1000, edgeItems = 3): string {
  if (t.rank === 0) return formatNumber(t.data[0]!);
  const summarize = t.size > maxItems;
  const rank = t.rank;
  const strides: number[] = [];
  let s = 1;
  for (let ax = rank - 1; ax >= 0; ax--) {
    strides[ax] = s;
    s *= t.shape[ax]!;
  }
  const format = (axis: number, offset: number): string => {
    const n = t.shape[axis]!;
    const shown: (number | null)[] = [];
    if (summarize && n > 2 * edgeItems) {
      for (let i = 0; i < edgeItems; i++) shown.push(i);
      shown.push(null);
      for (let i = n - edgeItems; i < n; i++) shown.push(i);
    } else {
      for (let i = 0; i < n; i++) shown.push(i);
    }
    const parts = shown.map((i) => {
      if (i === null) return '...';
      const at = offset + i * strides[axis]!;
      return axis === rank - 1 ? formatNumber(t.data[at]!) : format(axis + 1, at);
    });
    if (axis === rank - 1) return `[${parts.join(', ')}]`;
    const separator = ',\n' + '\n'.repeat(rank - axis - 2) + ' '.repeat(axis + 1);
    return `[${parts.join(separator)}]`;
  };
  return format(0, 0);
}
