import type { AttrValue } from '../ops/opDef';
import { opByName } from '../ops/registry';
import type { Tensor, Shape } from '../tensor';
import { OnnxImportError, type OnnxNode, type OnnxTensor } from './onnxModel';
import * as l10n from '@vscode/l10n';

/* The `.nn` text the import writes: expressions that know their shape, checked by the ops' own shape rules. */

/** A piece of `.nn` expression text with the shape it computes. */
export interface Expr {
  readonly text: string;
  readonly shape: Shape;
  /** A name or literal: needs no parentheses as an operand. */
  readonly atomic: boolean;
}

/** What a node's translation may ask of the import: its inputs as expressions or as constant values. */
export interface NodeScope {
  readonly node: OnnxNode;
  readonly opset: number;
  /** Input k as an expression (declaring an initializer or constant it names); null when the optional input is omitted. */
  input(k: number): Expr | null;
  /** Input k's value when it is a constant known at import time (an initializer or a Constant's output), else null. */
  constant(k: number): OnnxTensor | null;
  /** The shape of input k. */
  shapeOf(k: number): Shape;
  /** A constant leaf made for this node (a bias of zeros), declared before the node's statement. */
  constLeaf(suffix: string, tensor: Tensor): Expr;
  /** Index of the node in the graph, for seeds. */
  readonly index: number;
}

/** A number in its shortest round-trip form, as the language reads it. */
export function numberText(x: number): string {
  if (Number.isNaN(x) || !Number.isFinite(x)) throw new OnnxImportError(l10n.t('the constant {0} cannot be written in a .nn file', x));
  return Object.is(x, -0) ? '-0.0' : String(x);
}

/** An attribute as `.nn` text. */
export function attrText(v: AttrValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return numberText(v);
  return v.map(numberText).join(', ');
}

/** A call of a language op, its shape worked out by the op's own rule; attributes equal to the default are left out. */
export function call(node: OnnxNode, opName: string, args: readonly Expr[], attrs: Readonly<Record<string, AttrValue>> = {}): Expr {
  const op = opByName(opName)!;
  const full: Record<string, AttrValue> = {};
  const parts = args.map((a) => a.text);
  for (const spec of op.attrs) {
    const given = attrs[spec.name];
    const value = given !== undefined ? given : spec.default;
    if (value === undefined) throw new Error(`${opName}: the import gave no ${spec.name}`);
    full[spec.name] = value;
    if (spec.kind === 'ints') parts.push(attrText(value));
    else if (spec.default === undefined) parts.push(attrText(value));
    else if (given !== undefined && !sameAttr(given, spec.default)) parts.push(`${spec.name}=${attrText(given)}`);
  }
  const shape = op.shape(args.map((a) => a.shape), full);
  if (!shape.ok) throw new OnnxImportError(l10n.t("node '{0}' ({1}): {2}", node.name, node.opType, shape.message));
  return { text: `${opName}(${parts.join(', ')})`, shape: shape.shape, atomic: true };
}

/** A binary operator (`+`, `*`, `@`, `**`) of two expressions. */
export function binary(node: OnnxNode, opName: string, symbol: string, a: Expr, b: Expr): Expr {
  const op = opByName(opName)!;
  const shape = op.shape([a.shape, b.shape], {});
  if (!shape.ok) throw new OnnxImportError(l10n.t("node '{0}' ({1}): {2}", node.name, node.opType, shape.message));
  return { text: `${operand(a)} ${symbol} ${operand(b)}`, shape: shape.shape, atomic: false };
}

export function operand(e: Expr): string {
  return e.atomic ? e.text : `(${e.text})`;
}

function sameAttr(a: AttrValue, b: AttrValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}
