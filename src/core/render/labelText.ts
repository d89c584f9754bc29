import { formatNumber } from '../format';
import type { Tensor } from '../tensor';

/**
 * How a number is shown on an arrow: at most `digits` significant digits
 * (setting `graphstep.panel.precision`, default 4), so the
 * textbook's 715.0000000000001 reads 715 and 3.3000000000000003 reads 3.3.
 * The exact form is always in the tooltip and the detail view.
 */
export function formatShort(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '-∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e6) return String(Number(x.toPrecision(digits)));
  return x.toExponential(Math.max(0, digits - 2)).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** A tensor's shape as drawn: `2×3`, or `scalar`. */
export function drawnShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

/** The most elements a short tensor label lists. */
const SHORT_ITEMS = 2;

/** An arrow's label for a value: the number for a scalar, the shape and the first elements for a tensor. */
export function shortLabel(t: Tensor, digits = 4): string {
  if (t.size === 1 && t.rank === 0) return formatShort(t.data[0]!, digits);
  const items: string[] = [];
  for (let i = 0; i < Math.min(SHORT_ITEMS, t.size); i++) items.push(formatShort(t.data[i]!, digits));
  const more = t.size > SHORT_ITEMS ? ' …' : '';
  return `${drawnShape(t.shape)} [${items.join(' ')}${more}]`;
}

/** The most elements an exact label (a tooltip) lists before eliding. */
const EXACT_ITEMS = 12;

/** The exact form of a tensor for a tooltip: every digit of every listed element. */
export function exactLabel(t: Tensor): string {
  if (t.size === 1 && t.rank === 0) return formatNumber(t.data[0]!);
  const items: string[] = [];
  for (let i = 0; i < Math.min(EXACT_ITEMS, t.size); i++) items.push(formatNumber(t.data[i]!));
  const more = t.size > EXACT_ITEMS ? `, … (${t.size} elements)` : '';
  return `${drawnShape(t.shape)} [${items.join(', ')}${more}]`;
}

/** Characters an arrow label may take, used to reserve room in the layout before any value exists. */
export function labelBudget(shape: readonly number[]): number {
  if (shape.length === 0) return 9;
  return drawnShape(shape).length + 4 + SHORT_ITEMS * 9;
}
