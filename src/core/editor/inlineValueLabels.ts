import type { Stepper } from '../engine/stepper';
import { formatNumber, formatTensorSummary } from '../format';
import type { Binding } from '../graph/graph';
import type { Tensor } from '../tensor';
import { shapeText } from './nodeLabel';
import { tensorStats } from './tensorStats';

/** Text to show after the end of one line. */
export interface InlineValueLabel {
  /** 0-based line: the last line of the binding's statement. */
  readonly line: number;
  readonly text: string;
}

/**
 * What each binding holds at the stepper's position, for the ends of lines:
 * `= 200   ∂ 1.1`, with `(1/2)` while a gradient is a partial sum; a
 * tensor of at most `maxItems` elements as its shape and print
 * (`[2] [0.5, 1]`), a larger one as its shape and mean, to fit the line. Nothing at
 * position 0, so Reset clears them; a binding's value appears once the
 * stepping has begun (leaves) or its forward step ran (ops), its gradient
 * once a contribution arrived.
 */
export function inlineValueLabels(stepper: Stepper, bindings: readonly Binding[], maxItems = 4): InlineValueLabel[] {
  if (stepper.position === 0) return [];
  const byLine = new Map<number, string>();
  for (const binding of bindings) {
    if (binding.nodeId < 0 || binding.nodeId >= stepper.graph.nodes.length) continue;
    const value = stepper.value(binding.nodeId);
    if (!value) continue;
    let text = `= ${compact(value, maxItems)}`;
    const grad = stepper.grad(binding.nodeId);
    if (grad) {
      const { arrived, expected } = stepper.contributions(binding.nodeId);
      text += `   ∂ ${compact(grad, maxItems)}${arrived < expected ? ` (${arrived}/${expected})` : ''}`;
    }
    byLine.set(binding.statementRange.end.line, text);
  }
  return [...byLine].map(([line, text]) => ({ line, text }));
}

/** A scalar's exact number; a small tensor's shape and print on one line; a larger one's shape and mean. */
function compact(t: Tensor, maxItems: number): string {
  if (t.shape.length === 0) return formatNumber(t.data[0]!);
  if (t.size <= maxItems) return `${shapeText(t.shape)} ${formatTensorSummary(t).replace(/\s*\n\s*/g, ' ')}`;
  return `${shapeText(t.shape)} mean ${formatNumber(tensorStats(t)?.mean ?? NaN)}`;
}
