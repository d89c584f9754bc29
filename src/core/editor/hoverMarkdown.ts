import type { Stepper } from '../engine/stepper';
import { formatNumber, formatTensorSummary } from '../format';
import type { Binding } from '../graph/graph';
import type { Tensor } from '../tensor';
import { chainRuleOf, type ChainRule, type ChainTerm } from './chainRule';
import { nodeKindText, nodeLabel, shapeText } from './nodeLabel';
import { tensorStats } from './tensorStats';

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

  const alias = node.name !== null && node.name !== binding.name ? ` (the same node as \`${node.name}\`, line ${node.statementRange.start.line + 1})` : '';
  parts.push(`**\`${binding.name}\`** · ${nodeKindText(graph, id)} · line ${line}${alias}`);
  parts.push(`**Shape** \`${shapeText(node.shape)}\`${node.shape.length === 0 ? ' (scalar)' : ''}`);

  const value = stepper.value(id);
  if (value) parts.push(...tensorLines('**Value**', value, maxItems));
  else {
    const step = stepper.forwardPlan.indexOf(id) + 1;
    parts.push(`**Value** not computed yet: forward step ${step} computes it (now ${stepper.describePosition()})`);
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
  if (node.kind === 'const') return [`**Gradient** none: a const takes no gradient`];
  const rule = chainRuleOf(stepper, id);
  if (rule.expected === 0) return [`**Gradient** none: \`${out}\` does not depend on \`${binding.name}\``];
  if (rule.arrived === 0) {
    const first = rule.terms.reduce((m, t) => Math.min(m, t.step), rule.seedStep ?? Infinity);
    return [`**Gradient** ${dName} not computed yet: the backward pass reaches \`${binding.name}\` at backward step ${first - stepper.forwardSteps} (now ${stepper.describePosition()})`];
  }
  const complete = rule.arrived === rule.expected;
  const status = complete
    ? `complete, ${rule.arrived} of ${rule.expected} contribution${rule.expected === 1 ? '' : 's'}`
    : `partial sum, ${rule.arrived} of ${rule.expected} contributions arrived`;
  const parts = tensorLines(`**Gradient** ${dName} (${status})`, rule.sum!, maxItems);
  parts.push(`**Chain rule**\n\n\`\`\`text\n${chainRuleText(stepper, binding.name, out, rule).join('\n')}\n\`\`\``);
  return parts;
}

/** The chain rule as text lines: the formula, one line per term (arrived or not), then the sum. */
function chainRuleText(stepper: Stepper, name: string, out: string, rule: ChainRule): string[] {
  const graph = stepper.graph;
  const f = stepper.forwardSteps;
  const lines = [`∂${out}/∂${name} = Σ over users u of ∂${out}/∂u · ∂u/∂${name}`];
  if (rule.seedStep !== null) {
    const seeded = rule.seedStep <= stepper.position;
    lines.push(`  seed (backward step ${rule.seedStep - f}): ∂${out}/∂${out} = ${graph.nodes[rule.node]!.shape.length === 0 ? '1' : 'ones'}${seeded ? '' : '  (not yet)'}`);
  }
  for (const term of rule.terms) {
    const consumer = graph.nodes[term.consumer]!;
    const kind = nodeKindText(graph, term.consumer);
    const line = consumer.statementRange.start.line + 1;
    const step = term.step - f;
    const where = consumer.name !== null ? `u = ${consumer.name} (${kind}, line ${line}, backward step ${step})` : `u = the ${kind} on line ${line} (backward step ${step})`;
    lines.push(`  ${where}: ${termText(term)}`);
  }
  const sum = rule.sum!;
  const total = sum.size === 1 ? formatNumber(sum.data[0]!) : statsText(sum);
  lines.push(rule.arrived === rule.expected ? `  = ${total}` : `  partial sum so far (${rule.arrived} of ${rule.expected}) = ${total}`);
  return lines;
}

function termText(term: ChainTerm): string {
  if (!term.contribution) return 'not arrived yet';
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
  if (!stats) return `${shape} (empty)`;
  const q = (x: number): string => (markdown ? `\`${formatNumber(x)}\`` : formatNumber(x));
  return `${markdown ? '' : `${shape} `}min ${q(stats.min)} · max ${q(stats.max)} · mean ${q(stats.mean)}`;
}
