import type { Argument, Expr } from '../language/ast';
import { parse } from '../language/parser';
import type { AttrKind, AttrValue, OpAttrs } from '../ops/opDef';
import { opByName, opByOperator } from '../ops/registry';
import { Tensor, sizeOf, type Shape } from '../tensor';
import { broadcastIndex, broadcastShapes, formatShape } from '../tensorMath/shapes';
import * as l10n from '@vscode/l10n';

/** What a name means where an expression is evaluated: its value now, its gradient now, or why there is none. */
export interface EvaluationScope {
  value(name: string): Lookup;
  grad(name: string): Lookup;
}

/** A name's value or gradient; `pending` when the tape has not computed it yet (later steps will). */
export type Lookup = { readonly ok: true; readonly tensor: Tensor } | { readonly ok: false; readonly message: string; readonly pending?: boolean };

export type EvaluationResult = { readonly ok: true; readonly value: Tensor } | { readonly ok: false; readonly message: string; readonly pending?: boolean };

/** Comparison operators, longest first so `<=` is not read as `<`. */
const COMPARISONS = ['<=', '>=', '==', '!=', '<', '>'] as const;
type Comparison = (typeof COMPARISONS)[number];

/** Calls the evaluator knows besides the ops of the language. */
const BUILTINS = ['grad', 'min', 'max'];

/** A name no `.nn` file can bind (it is not an identifier): min's negated operand. */
const MIN_OPERAND = '-min operand-';

/** Thrown inside the evaluator only, to stop at the first problem; turned into a result. */
class EvaluationError extends Error {
  constructor(
    message: string,
    readonly pending = false,
  ) {
    super(message);
  }
}

/**
 * Evaluates a `.nn` expression with the values of a position on the tape:
 * the expression syntax of the language (parsed by its parser), every op of
 * the language run by its own forward (`sum(W1, axis=0)`, `a @ b`, `relu(x)`),
 * and for the debugger also `grad(NAME)` (the gradient accumulated so far),
 * `min(x, axis, keepdims)` (as `-max(-x, …)`), and one comparison `<`, `<=`,
 * `>`, `>=`, `==`, `!=` between two expressions (elementwise, with
 * broadcasting; 1 where true, 0 where false). Never throws.
 */
export function evaluateExpression(text: string, scope: EvaluationScope): EvaluationResult {
  try {
    const split = splitComparison(text);
    if (!split) return { ok: true, value: evaluateSide(text, scope) };
    const left = evaluateSide(split.left, scope);
    const right = evaluateSide(split.right, scope);
    return { ok: true, value: compare(split.op, left, right) };
  } catch (e) {
    if (e instanceof EvaluationError) return { ok: false, message: e.message, ...(e.pending ? { pending: true } : {}) };
    return { ok: false, message: l10n.t("could not evaluate '{0}': {1}", text.trim(), (e as Error).message) };
  }
}

/**
 * Whether a condition holds: its value must be one element (as numpy's
 * `bool(array)`), true when that element is neither 0 nor NaN. A condition
 * naming a value or gradient the tape has not computed yet does not hold
 * (`max(abs(grad(W1))) > 1` waits for the backward pass).
 */
export function evaluateCondition(text: string, scope: EvaluationScope): { readonly ok: true; readonly holds: boolean } | { readonly ok: false; readonly message: string } {
  const result = evaluateExpression(text, scope);
  if (!result.ok) return result.pending ? { ok: true, holds: false } : result;
  const t = result.value;
  if (t.size !== 1) return { ok: false, message: l10n.t('expected a condition with one value, found shape {0}: wrap it in max(...), min(...) or sum(...)', formatShape(t.shape)) };
  const x = t.data[0]!;
  return { ok: true, holds: x !== 0 && x === x };
}

/** The expression split at its one comparison outside brackets and strings, or null when it has none. */
function splitComparison(text: string): { left: string; op: Comparison; right: string } | null {
  let depth = 0;
  let quote: string | null = null;
  let found: { at: number; op: Comparison } | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '#') break;
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0) {
      const op = COMPARISONS.find((o) => text.startsWith(o, i));
      if (!op) continue;
      if (found) throw new EvaluationError(l10n.t("expected at most one comparison, found '{0}' and '{1}'", found.op, op));
      found = { at: i, op };
      i += op.length - 1;
    }
  }
  if (!found) return null;
  return { left: text.slice(0, found.at), op: found.op, right: text.slice(found.at + found.op.length) };
}

function evaluateSide(text: string, scope: EvaluationScope): Tensor {
  if (text.trim() === '') throw new EvaluationError(l10n.t('expected an expression, found nothing'));
  if (/[\r\n]/.test(text)) throw new EvaluationError(l10n.t('expected an expression on one line, found a line break'));
  // The language's parser reads statements; an expression is the right side of one.
  const prefix = '__value__ = ';
  const parsed = parse(prefix + text);
  const problem = parsed.diagnostics.find((d) => d.severity === 'error');
  if (problem) throw new EvaluationError(problem.message);
  const statement = parsed.statements[0];
  if (parsed.statements.length !== 1 || statement?.kind !== 'assign') throw new EvaluationError(l10n.t("expected one expression, found '{0}'", text.trim()));
  return evaluate(statement.expr, scope);
}

function evaluate(expr: Expr, scope: EvaluationScope): Tensor {
  switch (expr.kind) {
    case 'number':
      return Tensor.scalar(expr.value);
    case 'bool':
      return Tensor.scalar(expr.value ? 1 : 0);
    case 'string':
      throw new EvaluationError(l10n.t('expected a value, found the string "{0}"', expr.value));
    case 'none':
      throw new EvaluationError(l10n.t('expected a value, found None'));
    case 'name':
      return found(scope.value(expr.name));
    case 'tensor':
      return tensorLiteral(expr.elements.map((e) => evaluate(e, scope)));
    case 'unary':
      return expr.op === '+' ? evaluate(expr.operand, scope) : runOp('neg', [evaluate(expr.operand, scope)], {});
    case 'binary':
      return runOp(opByOperator(expr.op, 2)!.name, [evaluate(expr.left, scope), evaluate(expr.right, scope)], {});
    case 'transpose':
      return runOp('transpose', [evaluate(expr.operand, scope)], {});
    case 'call':
      return call(expr.callee, expr.args, scope);
    case 'error':
      throw new EvaluationError(l10n.t('expected an expression'));
  }
}

function found(lookup: Lookup): Tensor {
  if (!lookup.ok) throw new EvaluationError(lookup.message, lookup.pending === true);
  return lookup.tensor;
}

function call(callee: string, args: readonly Argument[], scope: EvaluationScope): Tensor {
  if (callee === 'grad') {
    const arg = args[0];
    if (args.length !== 1 || arg!.keyword !== null || arg!.value.kind !== 'name') throw new EvaluationError(args.length === 1 ? l10n.t('grad: expected one name, grad(NAME), found 1 argument that is not a name') : l10n.t('grad: expected one name, grad(NAME), found {0} arguments', args.length));
    return found(scope.grad(arg!.value.name));
  }
  if (callee === 'min') {
    // min(x, axis, keepdims) is -max(-x, axis, keepdims), so it takes max's arguments and propagates NaN the same way.
    const first = args[0];
    if (!first || first.keyword !== null) throw new EvaluationError(l10n.t('min: expected a tensor first, min(x, axis=None, keepdims=false)'));
    const negated: Tensor = runOp('neg', [evaluate(first.value, scope)], {});
    const literal: Argument = { ...first, value: { kind: 'name', name: MIN_OPERAND, range: first.value.range } };
    const inner: EvaluationScope = { value: (name) => (name === MIN_OPERAND ? { ok: true, tensor: negated } : scope.value(name)), grad: scope.grad };
    return runOp('neg', [call('max', [literal, ...args.slice(1)], inner)], {});
  }
  const op = opByName(callee);
  if (!op) throw new EvaluationError(l10n.t("expected an operation ({0}), found '{1}'", [...BUILTINS, 'sum', 'mean', 'abs', 'relu', '…'].join(', '), callee));
  const inputs: Tensor[] = [];
  const attrs: Record<string, AttrValue> = {};
  const positional = args.filter((a) => a.keyword === null);
  for (const a of args) {
    if (a.keyword === null) continue;
    const spec = op.attrs.find((s) => s.name === a.keyword);
    if (!spec) throw new EvaluationError(l10n.t("{0}: expected one of the arguments {1}, found '{2}='", op.name, op.attrs.map((s) => s.name).join(', ') || l10n.t('(none)'), a.keyword ?? ''));
    attrs[spec.name] = attrValue(op.name, spec.kind, a.value, scope);
  }
  if (positional.length < op.inputs.length) throw new EvaluationError(op.inputs.length === 1 ? l10n.t('{0}: expected 1 tensor argument ({1}), found {2}', op.name, op.signature, positional.length) : l10n.t('{0}: expected {1} tensor arguments ({2}), found {3}', op.name, op.inputs.length, op.signature, positional.length));
  for (let k = 0; k < op.inputs.length; k++) inputs.push(evaluate(positional[k]!.value, scope));
  const rest = positional.slice(op.inputs.length);
  for (let k = 0; k < rest.length; k++) {
    const spec = op.attrs[k];
    if (!spec) throw new EvaluationError(l10n.t('{0}: expected at most {1} arguments ({2}), found {3}', op.name, op.inputs.length + op.attrs.length, op.signature, positional.length));
    if (spec.kind === 'ints') {
      attrs[spec.name] = rest.slice(k).map((a) => integer(op.name, evaluate(a.value, scope)));
      break;
    }
    attrs[spec.name] = attrValue(op.name, spec.kind, rest[k]!.value, scope);
  }
  for (const spec of op.attrs) if (!(spec.name in attrs) && spec.default !== undefined) attrs[spec.name] = spec.default;
  return runOp(op.name, inputs, attrs);
}

function attrValue(opName: string, kind: AttrKind, expr: Expr, scope: EvaluationScope): AttrValue {
  if (expr.kind === 'none') return null;
  if (expr.kind === 'bool') return expr.value;
  const t = evaluate(expr, scope);
  if (kind === 'float') {
    if (t.size !== 1 || !Number.isFinite(t.data[0])) throw new EvaluationError(t.size === 1 ? l10n.t('{0}: expected a finite number, found {1}', opName, String(t.data[0])) : l10n.t('{0}: expected a finite number, found shape {1}', opName, formatShape(t.shape)));
    return t.data[0]!;
  }
  return integer(opName, t);
}

function integer(opName: string, t: Tensor): number {
  if (t.size !== 1 || !Number.isInteger(t.data[0])) throw new EvaluationError(t.size === 1 ? l10n.t('{0}: expected a whole number, found {1}', opName, String(t.data[0])) : l10n.t('{0}: expected a whole number, found shape {1}', opName, formatShape(t.shape)));
  return t.data[0]!;
}

/** One op of the language, its shape rule checked first so a mismatch is a message, not a throw. */
function runOp(name: string, inputs: readonly Tensor[], attrs: OpAttrs): Tensor {
  const op = opByName(name)!;
  const shape = op.shape(inputs.map((t) => t.shape), attrs);
  if (!shape.ok) throw new EvaluationError(shape.message);
  const problem = op.checkValues?.(inputs, attrs) ?? null;
  if (problem) throw new EvaluationError(problem);
  return op.forward(inputs, attrs);
}

function tensorLiteral(elements: readonly Tensor[]): Tensor {
  if (elements.length === 0) return new Tensor([0], new Float64Array(0));
  const inner: Shape = elements[0]!.shape;
  for (const e of elements) {
    if (e.shape.length !== inner.length || e.shape.some((d, i) => d !== inner[i])) {
      throw new EvaluationError(l10n.t('expected a rectangular tensor literal, found rows of shapes {0} and {1}', formatShape(inner), formatShape(e.shape)));
    }
  }
  const data = new Float64Array(elements.length * sizeOf(inner));
  elements.forEach((e, i) => data.set(e.data, i * e.size));
  return new Tensor([elements.length, ...inner], data);
}

function compare(op: Comparison, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) throw new EvaluationError(l10n.t('{0}: cannot compare shapes {1} and {2}: they do not broadcast', op, formatShape(a.shape), formatShape(b.shape)));
  const n = sizeOf(shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = new Float64Array(n);
  const holds = comparator(op);
  for (let i = 0; i < n; i++) out[i] = holds(a.data[ia[i]!]!, b.data[ib[i]!]!) ? 1 : 0;
  return new Tensor(shape, out);
}

function comparator(op: Comparison): (x: number, y: number) => boolean {
  switch (op) {
    case '<':
      return (x, y) => x < y;
    case '<=':
      return (x, y) => x <= y;
    case '>':
      return (x, y) => x > y;
    case '>=':
      return (x, y) => x >= y;
    case '==':
      return (x, y) => x === y;
    case '!=':
      return (x, y) => x !== y;
  }
}
