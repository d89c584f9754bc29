import type { NodeState } from '../render/drawingState';
import { formatShort } from '../render/labelText';
import { Tensor } from '../tensor';
import { optimizerByName } from './optimizers';
import * as l10n from '@vscode/l10n';

/** How a training step updates one param, as the drawing needs it (plain JSON). */
export interface ParamUpdate {
  readonly optimizer: string;
  readonly hyper: Readonly<Record<string, number>>;
}

/**
 * The update of a param as the drawing shows it at the end of the backward
 * pass, where a training step applies it: `W1 ← W1 − lr·∂W1`. For a scalar
 * with its gradient complete, with the numbers of this position's update (a
 * first step's: the optimizer's state starts at zeros), e.g.
 * `w ← 0.5 − 0.1·0.25 = 0.475`. Empty before the update.
 */
export function updateLabel(name: string, update: ParamUpdate, state: NodeState | undefined, atUpdate: boolean, digits = 4): string {
  const def = optimizerByName(update.optimizer);
  if (!def || !atUpdate) return '';
  const parts = def.rule.split(';  ');
  const rule = parts[parts.length - 1]!.replaceAll('{W}', name);
  const value = scalarOf(state?.value?.exact);
  const grad = scalarOf(state?.grad?.exact);
  if (value === null || grad === null || !state || state.arrived < state.expected) return rule;
  const [next] = def.create(update.hyper, [[]]).update([Tensor.scalar(value)], [Tensor.scalar(grad)]);
  const after = formatShort(next!.data[0]!, digits);
  const factor = (x: number): string => (x < 0 || Object.is(x, -0) ? `(${formatShort(x, digits)})` : formatShort(x, digits));
  if (def.name === 'sgd') return `${name} ← ${formatShort(value, digits)} − ${factor(update.hyper.lr!)}·${factor(grad)} = ${after}`;
  return `${rule} = ${after}`;
}

/** The full rule, every line, for a tooltip. */
export function updateRule(name: string, update: ParamUpdate): string {
  const def = optimizerByName(update.optimizer);
  if (!def) return '';
  const hyper = Object.entries(update.hyper)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return l10n.t('each training step ({0}): {1}', `${def.name}(${hyper})`, def.rule.replaceAll('{W}', name));
}

/** A scalar's exact label read back (the shortest round-trip form), or null for a tensor or none. */
function scalarOf(exact: string | undefined): number | null {
  if (exact === undefined || exact.includes('[') || exact.includes('×')) return null;
  const x = Number(exact);
  return Number.isNaN(x) && exact !== 'NaN' ? null : x;
}
