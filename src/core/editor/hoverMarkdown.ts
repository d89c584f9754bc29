import type { Stepper } from '../engine/stepper';
import { formatNumber, formatTensorSummary } from '../format';
import type { Binding } from '../graph/graph';
import type { Tensor } from '../tensor';
import { chainRuleOf, type ChainRule, type ChainTerm } from './chainRule';
import { nodeKindText, nodeLabel, shapeText } from './nodeLabel';
import { tensorStats } from './tensorStats';
import * as l10n from '@vscode/l10n';

export interface HoverOptions {
  /** Elements above which a tensor print is summarised, as numpy's `threshold`. */
  readonly maxItems?: number;
}

/**
 * The hover of a name: the binding it means, that binding's op, shape,
 * value and gradient at the stepper's position, and the chain rule that
 * made the gradient — with the numbers for scalars. Markdown; every number
 * is printed exactly (shortest round-trip form).
 */
export function bindingHoverMarkdown(stepper: Stepper, binding: Binding, options: HoverOptions = {}): string {
  const graph = stepper.graph;
  const id = binding.nodeId;
  const node = graph.nodes[id]!;
  const maxItems = options.maxItems ?? 100;
  const line = binding.statementRange.start.line + 1;
  const parts: string[] = [];

  const alias = node.name !== null && node.name !== binding.name ? ' ' + l10n.t('(the same node as `{0}`, line {1})', node.name, node.statementRange.start.line + 1) : '';
  parts.push(`**\`${binding.name}\`** · ${nodeKindText(graph, id)} · ${l10n.t('line {0}', line)}${alias}`);
  parts.push(`**${l10n.t('Shape')}** \`${shapeText(node.shape)}\`${node.shape.length === 0 ? ' ' + l10n.t('(scalar)') : ''}`);

  const value = stepper.value(id);
  if (value) parts.push(...tensorLines(`**${l10n.t('Value')}**`, value, maxItems));
  else {
    const step = stepper.forwardPlan.indexOf(id) + 1;
    parts.push(`**${l10n.t('Value')}** ${l10n.t('not computed yet: forward step {0} computes it (now {1})', step, stepper.describePosition())}`);
  }

  parts.push(...gradientParts(stepper, binding, maxItems));
  return parts.join('\n\n');
}

function gradientParts(stepper: Stepper, binding: Binding, maxItems: number): string[] {
  const graph = stepper.graph;
  const id = binding.nodeId;
  const node = graph.nodes[id]!;
  const out = graph.output === null ? 'out' : nodeLabel(graph, graph.output);
  const dName = `∂${out}/∂${binding.name}`;
  const gradient = `**${l10n.t('Gradient')}**`;
  if (node.kind === 'const') return [`${gradient} ${l10n.t('none: a const takes no gradient')}`];
  const rule = chainRuleOf(stepper, id);
  if (rule.expected === 0) return [`${gradient} ${l10n.t('none: `{0}` does not depend on `{1}`', out, binding.name)}`];
  if (rule.arrived === 0) {
    const first = rule.terms.reduce((m, t) => Math.min(m, t.step), rule.seedStep ?? Infinity);
    return [`${gradient} ${dName} ${l10n.t('not computed yet: the backward pass reaches `{0}` at backward step {1} (now {2})', binding.name, first - stepper.forwardSteps, stepper.describePosition())}`];
  }
  const complete = rule.arrived === rule.expected;
  const status = complete
    ? rule.expected === 1 ? l10n.t('complete, {0} of {1} contribution', rule.arrived, rule.expected) : l10n.t('complete, {0} of {1} contributions', rule.arrived, rule.expected)
    : l10n.t('partial sum, {0} of {1} contributions arrived', rule.arrived, rule.expected);
  const parts = tensorLines(`${gradient} ${dName} (${status})`, rule.sum!, maxItems);
  parts.push(`**${l10n.t('Chain rule')}**\n\n\`\`\`text\n${chainRuleText(stepper, binding.name, out, rule).join('\n')}\n\`\`\``);
  return parts;
}

/** The chain rule as text lines: the formula, one line per term (arrived or not), then the sum. */
function chainRuleText(stepper: Stepper, name: string, out: string, rule: ChainRule): string[] {
  const graph = stepper.graph;
  const f = stepper.forwardSteps;
  const lines = [`∂${out}/∂${name} = ${l10n.t('Σ over users u of {0}', `∂${out}/∂u · ∂u/∂${name}`)}`];
  if (rule.seedStep !== null) {
    const seeded = rule.seedStep <= stepper.position;
    lines.push(`  ${l10n.t('seed (backward step {0})', rule.seedStep - f)}: ∂${out}/∂${out} = ${graph.nodes[rule.node]!.shape.length === 0 ? '1' : 'ones'}${seeded ? '' : `  ${l10n.t('(not yet)')}`}`);
  }
  for (const term of rule.terms) {
    const consumer = graph.nodes[term.consumer]!;
    const kind = nodeKindText(graph, term.consumer);
    const line = consumer.statementRange.start.line + 1;
    const step = term.step - f;
    const where = consumer.name !== null ? `u = ${consumer.name} (${l10n.t('{0}, line {1}, backward step {2}', kind, line, step)})` : `u = ${l10n.t('the {0} on line {1} (backward step {2})', kind, line, step)}`;
    lines.push(`  ${where}: ${termText(term)}`);
  }
  const sum = rule.sum!;
  const total = sum.size === 1 ? formatNumber(sum.data[0]!) : statsText(sum);
  lines.push(rule.arrived === rule.expected ? `  = ${total}` : `  ${l10n.t('partial sum so far ({0} of {1})', rule.arrived, rule.expected)} = ${total}`);
  return lines;
}

function termText(term: ChainTerm): string {
  if (!term.contribution) return l10n.t('not arrived yet');
  const c = term.contribution;
  if (c.size === 1 && term.upstream?.size === 1 && term.local !== null) {
    return `${formatNumber(term.upstream.data[0]!)} · ${formatNumber(term.local)} = ${formatNumber(c.data[0]!)}`;
  }
  if (c.size === 1) return formatNumber(c.data[0]!);
  return statsText(c);
}

/** A labelled scalar on one line, or a tensor's shape, numpy-style print and statistics. */
function tensorLines(label: string, t: Tensor, maxItems: number): string[] {
  if (t.shape.length === 0) return [`${label} \`${formatNumber(t.data[0]!)}\``];
  return [`${label}\n\n\`\`\`text\n${formatTensorSummary(t, maxItems)}\n\`\`\``, statsText(t, true)];
}

function statsText(t: Tensor, markdown = false): string {
  const stats = tensorStats(t);
  const shape = shapeText(t.shape);
  if (!stats) return `${shape} ${l10n.t('(empty)')}`;
  const q = (x: number): string => (markdown ? `\`${formatNumber(x)}\`` : formatNumber(x));
  return `${markdown ? '' : `${shape} `}${l10n.t('min {0} · max {1} · mean {2}', q(stats.min), q(stats.max), q(stats.mean))}`;
}
