import { Handles, Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { passAt } from '../../core/debug/breakpoints';
import type { TapeView } from '../../core/debug/graphRuntime';
import { nodeKindText, nodeLabel, shapeText } from '../../core/editor/nodeLabel';
import { tensorStats } from '../../core/editor/tensorStats';
import { formatNumber, formatTensorSummary } from '../../core/format';
import { backwardRuleText } from '../../core/ops/reference';
import { opByName } from '../../core/ops/registry';
import { Tensor } from '../../core/tensor';
import { stridesOf } from '../../core/tensorMath/shapes';
import * as l10n from '@vscode/l10n';

/** Elements above which a tensor's one-line print is summarised (`...`), as numpy's `threshold`. */
const PRINT_MAX_ITEMS = 100;

export type ScopeName = 'current' | 'leaves' | 'all';

/** What a `variablesReference` stands for. Handed out afresh at every stop. */
export type VariableRef =
  | { readonly kind: 'scope'; readonly scope: ScopeName }
  | { readonly kind: 'node'; readonly id: number }
  /** Part of a tensor: the elements under `prefix` (indices into the leading axes); `leaf` when it is a leaf's value, so elements can be set. */
  | { readonly kind: 'tensor'; readonly tensor: Tensor; readonly prefix: readonly number[]; readonly evaluateName?: string; readonly leaf?: number };

/** A variable whose value can be set: a leaf's whole value, or one element of it. */
export type SetTarget = { readonly nodeId: number; readonly element: number | null };

/** The scopes' titles, in the display language (read when the Variables view asks, after the bundle is set). */
const scopeTitle = (scope: ScopeName): string => ({ current: l10n.t('Current node'), leaves: l10n.t('Inputs and params'), all: l10n.t('All values') })[scope];

/**
 * The Variables view of a position: three scopes, each node's value and
 * gradient printed exactly (shortest round-trip numbers, numpy-style rows),
 * tensors that open into rows and elements.
 */
export class DebugVariables {
  private readonly refs = new Handles<VariableRef>();

  /** Forgets every reference: called at each stop, as the values they point at may have changed. */
  reset(): void {
    this.refs.reset();
  }

  get(reference: number): VariableRef | undefined {
    return this.refs.get(reference);
  }

  scopes(): DebugProtocol.Scope[] {
    return (['current', 'leaves', 'all'] as const).map((scope) => {
      const s: DebugProtocol.Scope = new Scope(scopeTitle(scope), this.refs.create({ kind: 'scope', scope }), false);
      if (scope === 'current') s.presentationHint = 'locals';
      return s;
    });
  }

  /** The children of a reference; `start`/`count` page through a tensor's rows or elements. */
  variables(tape: TapeView, ref: VariableRef, focus: number | null, start = 0, count = 0): DebugProtocol.Variable[] {
    if (ref.kind === 'scope') {
      if (ref.scope === 'current') return this.currentNode(tape, focus);
      const graph = tape.graph;
      const ids = graph.nodes.filter((n) => (ref.scope === 'all' ? true : n.kind === 'input' || n.kind === 'param')).map((n) => n.id);
      return this.named(tape, ids);
    }
    if (ref.kind === 'node') return this.nodeDetails(tape, ref.id);
    return this.tensorChildren(ref, start, count);
  }

  /** A node as one variable: `apple_sum = 200   ∂ 1.1`, opening into its details. */
  nodeVariable(tape: TapeView, id: number, name = nodeLabel(tape.graph, id)): DebugProtocol.Variable {
    const node = tape.graph.nodes[id]!;
    return {
      name,
      value: nodeValueText(tape, id),
      type: `${nodeKindText(tape.graph, id)} ${shapeText(node.shape)}`,
      variablesReference: this.refs.create({ kind: 'node', id }),
      ...(node.name !== null ? { evaluateName: node.name } : {}),
      presentationHint: { kind: node.kind === 'op' ? 'property' : 'data', ...(node.kind === 'const' ? { attributes: ['readOnly'] } : {}) },
    };
  }

  /** A tensor as one variable: its print, opening into rows (or elements) when it has more than one. */
  tensorVariable(name: string, t: Tensor, evaluateName?: string, leaf?: number): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name, value: tensorText(t), type: shapeText(t.shape), variablesReference: 0 };
    if (evaluateName) v.evaluateName = evaluateName;
    if (t.rank > 0 && t.size > 0) {
      v.variablesReference = this.refs.create({ kind: 'tensor', tensor: t, prefix: [], ...(evaluateName ? { evaluateName } : {}), ...(leaf !== undefined ? { leaf } : {}) });
      v.indexedVariables = t.shape[0]!;
    }
    return v;
  }

  /** Which leaf (and element) a Set Value on `name` under this reference changes, or null when it is not a leaf's value. */
  setTarget(tape: TapeView, ref: VariableRef, name: string): SetTarget | null {
    const graph = tape.graph;
    if (ref.kind === 'scope') {
      const ids = ref.scope === 'current' ? [] : graph.nodes.map((n) => n.id);
      const id = ids.find((i) => nodeLabel(graph, i) === name || uniqueName(tape, i) === name);
      return id !== undefined && graph.nodes[id]!.kind !== 'op' ? { nodeId: id, element: null } : null;
    }
    if (ref.kind === 'node') return name === 'value' && graph.nodes[ref.id]!.kind !== 'op' ? { nodeId: ref.id, element: null } : null;
    if (ref.leaf === undefined || ref.prefix.length !== ref.tensor.rank - 1) return null;
    const m = /^\[(\d+)\]$/.exec(name);
    if (!m) return null;
    const strides = stridesOf(ref.tensor.shape);
    let offset = Number(m[1]) * strides[ref.prefix.length]!;
    ref.prefix.forEach((i, axis) => (offset += i * strides[axis]!));
    return { nodeId: ref.leaf, element: offset };
  }

  private named(tape: TapeView, ids: readonly number[]): DebugProtocol.Variable[] {
    return ids.map((id) => this.nodeVariable(tape, id, uniqueName(tape, id)));
  }

  /**
   * The node the stop is about: the step that runs next (or, after a NaN
   * stop, the step that made it) with its inputs, its output, the gradient
   * arriving at it and what its local backward sends each input.
   */
  private currentNode(tape: TapeView, focus: number | null): DebugProtocol.Variable[] {
    const out: DebugProtocol.Variable[] = [];
    const graph = tape.graph;
    const last = tape.nodeAtStep(tape.position);
    if (focus === null) {
      out.push(info('step', l10n.t('the tape is done ({0}): Step Back or Reverse Continue to go back', tape.describePosition())));
      if (last !== null) out.push(this.nodeVariable(tape, last, `last step: ${nodeLabel(graph, last)}`));
      return out;
    }
    const node = graph.nodes[focus]!;
    const runs = tape.nodeAtStep(tape.position + 1) === focus;
    const pass = runs ? passAt(tape, tape.position) : passAt(tape, tape.position - 1);
    const step = runs ? tape.position + 1 : tape.position;
    const stepText = pass === 'forward' ? l10n.t('forward step {0} of {1}', step, tape.forwardSteps) : l10n.t('backward step {0} of {1}', step - tape.forwardSteps, tape.backwardSteps);
    const line = node.range.start.line + 1;
    out.push(info('step', runs ? l10n.t('runs next: {0}, {1} on line {2}', stepText, nodeKindText(graph, focus), line) : l10n.t('just ran: {0}, {1} on line {2}', stepText, nodeKindText(graph, focus), line)));
    node.inputs.forEach((input, k) => out.push(this.nodeVariable(tape, input, `input ${opInputName(node.op, k)}: ${nodeLabel(graph, input)}`)));
    const value = tape.value(focus);
    if (value) out.push(this.tensorVariable(`output ${nodeLabel(graph, focus)}`, value, node.name ?? undefined));
    else out.push(info(`output ${nodeLabel(graph, focus)}`, l10n.t('not computed yet: this forward step computes it')));
    const output = graph.output === null ? 'out' : nodeLabel(graph, graph.output);
    const arriving = tape.grad(focus);
    const { arrived, expected } = tape.contributions(focus);
    if (arriving) out.push(this.tensorVariable(`gradient arriving ∂${output}/∂${nodeLabel(graph, focus)} (${arrived} of ${expected})`, arriving, node.name ? `grad(${node.name})` : undefined));
    else out.push(info(`gradient arriving ∂${output}/∂${nodeLabel(graph, focus)}`, expected === 0 ? l10n.t('none: {0} does not depend on it', output) : l10n.t('not arrived yet: the backward pass brings it')));
    out.push(...this.localDerivatives(tape, focus));
    if (last !== null && last !== focus) out.push(this.nodeVariable(tape, last, `last step: ${nodeLabel(graph, last)}`));
    return out;
  }

  /** What the node's local backward applies: ∂y/∂x for a scalar, else what it sends each input for the gradient arriving. */
  private localDerivatives(tape: TapeView, id: number): DebugProtocol.Variable[] {
    const graph = tape.graph;
    const node = graph.nodes[id]!;
    const op = opByName(node.op);
    const value = tape.value(id);
    if (!op || !value) return [];
    const inputs = node.inputs.map((i) => tape.value(i));
    if (inputs.some((t) => t === null)) return [];
    const needsGrad = node.inputs.map((i) => graph.nodes[i]!.kind !== 'const');
    const context = { inputs: inputs as Tensor[], output: value, attrs: node.attrs, needsGrad };
    const out: DebugProtocol.Variable[] = [];
    const rule = backwardRuleText(op.name);
    if (rule) out.push(info('local backward', rule));
    const y = nodeLabel(graph, id);
    if (value.size === 1) {
      const local = op.backward({ ...context, gradOutput: Tensor.filled(value.shape, 1) });
      node.inputs.forEach((input, k) => {
        const g = local[k];
        if (needsGrad[k] && g) out.push(this.tensorVariable(`local derivative ∂${y}/∂${nodeLabel(graph, input)}`, g));
      });
    }
    const arriving = tape.grad(id);
    if (arriving && (value.size !== 1 || arriving.size !== 1 || arriving.data[0] !== 1)) {
      const sent = op.backward({ ...context, gradOutput: arriving });
      node.inputs.forEach((input, k) => {
        const g = sent[k];
        if (needsGrad[k] && g) out.push(this.tensorVariable(`sends to ${nodeLabel(graph, input)}`, g));
      });
    }
    return out;
  }

  private nodeDetails(tape: TapeView, id: number): DebugProtocol.Variable[] {
    const graph = tape.graph;
    const node = graph.nodes[id]!;
    const label = nodeLabel(graph, id);
    const out: DebugProtocol.Variable[] = [];
    const value = tape.value(id);
    const leaf = node.kind === 'op' ? undefined : id;
    if (value) out.push(this.tensorVariable('value', value, node.name ?? undefined, leaf));
    else out.push(info('value', l10n.t('not computed yet: forward step {0} computes it (now {1})', tape.forwardPlan.indexOf(id) + 1, tape.describePosition())));
    const output = graph.output === null ? 'out' : nodeLabel(graph, graph.output);
    const grad = tape.grad(id);
    const { arrived, expected } = tape.contributions(id);
    const gradName = `grad ∂${output}/∂${label}`;
    if (node.kind === 'const') out.push(info('grad', l10n.t('none: a const takes no gradient')));
    else if (grad) out.push(this.tensorVariable(`${gradName} (${arrived === expected ? 'complete' : 'partial sum'}, ${arrived} of ${expected})`, grad, node.name ? `grad(${node.name})` : undefined));
    else out.push(info(gradName, expected === 0 ? l10n.t('none: {0} does not depend on {1}', output, label) : l10n.t('not arrived yet (0 of {0})', expected)));
    out.push(info('shape', node.shape.length === 0 ? l10n.t('{0} (scalar)', shapeText(node.shape)) : shapeText(node.shape)));
    out.push(info('op', nodeKindText(graph, id)));
    out.push(info('line', String(node.statementRange.start.line + 1)));
    const stats = value && value.size > 1 ? tensorStats(value) : null;
    if (stats) out.push(info('min · max · mean', `${formatNumber(stats.min)} · ${formatNumber(stats.max)} · ${formatNumber(stats.mean)}`));
    return out;
  }

  private tensorChildren(ref: Extract<VariableRef, { kind: 'tensor' }>, start: number, count: number): DebugProtocol.Variable[] {
    const t = ref.tensor;
    const axis = ref.prefix.length;
    const n = t.shape[axis] ?? 0;
    const from = Math.max(0, start);
    const to = count > 0 ? Math.min(n, from + count) : n;
    const strides = stridesOf(t.shape);
    let base = 0;
    ref.prefix.forEach((i, a) => (base += i * strides[a]!));
    const out: DebugProtocol.Variable[] = [];
    for (let i = from; i < to; i++) {
      const name = `[${i}]`;
      if (axis === t.rank - 1) {
        out.push({ name, value: formatNumber(t.data[base + i * strides[axis]!]!), variablesReference: 0 });
        continue;
      }
      const prefix = [...ref.prefix, i];
      const row = subTensor(t, prefix);
      out.push({
        name,
        value: tensorText(row),
        type: shapeText(row.shape),
        variablesReference: this.refs.create({ kind: 'tensor', tensor: t, prefix, ...(ref.leaf !== undefined ? { leaf: ref.leaf } : {}) }),
        indexedVariables: row.shape[0]!,
      });
    }
    return out;
  }
}

/** A node's name in a list where names repeat (a name bound twice): the later ones get their line. */
function uniqueName(tape: TapeView, id: number): string {
  const graph = tape.graph;
  const label = nodeLabel(graph, id);
  const first = graph.nodes.findIndex((n) => nodeLabel(graph, n.id) === label);
  return first === id ? label : `${label} (line ${graph.nodes[id]!.statementRange.start.line + 1})`;
}

/** A value and, once it arrived, its gradient: `200   ∂ 1.1`, `(1 of 2)` while partial. */
export function nodeValueText(tape: TapeView, id: number): string {
  const value = tape.value(id);
  let text = value ? tensorText(value) : l10n.t('not computed yet');
  const grad = tape.grad(id);
  if (grad) {
    const { arrived, expected } = tape.contributions(id);
    text += `   ∂ ${tensorText(grad)}${arrived < expected ? ` (${arrived} of ${expected})` : ''}`;
  }
  return text;
}

/** A scalar's exact number; a tensor's shape and numpy-style print on one line (summarised past 100 elements). */
export function tensorText(t: Tensor): string {
  if (t.rank === 0) return formatNumber(t.data[0]!);
  return `${shapeText(t.shape)} ${formatTensorSummary(t, PRINT_MAX_ITEMS).replace(/\s*\n\s*/g, ' ')}`;
}

function subTensor(t: Tensor, prefix: readonly number[]): Tensor {
  const strides = stridesOf(t.shape);
  let base = 0;
  prefix.forEach((i, a) => (base += i * strides[a]!));
  const shape = t.shape.slice(prefix.length);
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(shape, t.data.subarray(base, base + size));
}

function info(name: string, value: string): DebugProtocol.Variable {
  return { name, value, variablesReference: 0, presentationHint: { kind: 'property', attributes: ['readOnly'] } };
}

function opInputName(op: string, k: number): string {
  return opByName(op)?.inputs[k] ?? String(k);
}
