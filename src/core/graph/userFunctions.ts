import type { Argument, DefStatement, Expr, Statement } from '../language/ast';
import type { Range } from '../language/range';
import { constructorByName } from '../ops/constructors';
import { opByName } from '../ops/registry';
import type { Binding, NameReference } from './graph';
import * as l10n from '@vscode/l10n';

/*
 * User functions: `def NAME(p1, p2, ...) = EXPR`. A function sees only its
 * parameters and may call operations and the functions defined above it, so
 * recursion cannot be written (a call of itself is an error). Its body is
 * checked for names once, at the def; shapes are checked at each call, when
 * the builder inlines the body with the call's arguments.
 */

/** A checked `def`. */
export interface UserFunction {
  readonly name: string;
  readonly statement: DefStatement;
  /** The function's binding (its name); its parameters' bindings follow it. */
  readonly binding: number;
  /** False after an error in the def: its calls are invalid without another message. */
  readonly ok: boolean;
}

/** Where a def's names go: the builder's bindings and references, and its diagnostics. */
export interface DefSink {
  readonly bindings: Binding[];
  readonly references: NameReference[];
  error(range: Range, message: string): void;
  /**
   * Told, just before the error of a call of a function with no def so
   * far, how that message reads when a def of it follows further down (for
   * a builder handed the statements one at a time, which learns that only
   * at the end).
   */
  unknownFunction?(callee: string, range: Range, definedBelow: (line: number) => string): void;
}

/** `affine_relu(x, W, b)`. */
export function functionSignature(statement: DefStatement): string {
  return `${statement.name}(${statement.params.map((p) => p.name).join(', ')})`;
}

export class UserFunctions {
  private readonly defined = new Map<string, UserFunction>();
  /** The line of each function's def, for "defined below". */
  private readonly defLines = new Map<string, number>();

  /** `statements`: the whole file, for "defined below"; or none, and each def is `declare`d when met. */
  constructor(statements: readonly Statement[] = []) {
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i]!;
      if (s.kind === 'def') this.declare(s);
    }
  }

  /** Notes where a def is (the first def of a name counts). */
  declare(statement: DefStatement): void {
    if (!this.defLines.has(statement.name)) this.defLines.set(statement.name, statement.range.start.line);
  }

  /** The 0-based line of the first def of `name` declared so far, or null. */
  defLine(name: string): number | null {
    return this.defLines.get(name) ?? null;
  }

  get(name: string): UserFunction | undefined {
    return this.defined.get(name);
  }

  /** The 0-based line of a def of `name` not yet reached, or null. */
  definedBelow(name: string): number | null {
    return this.defined.has(name) ? null : (this.defLines.get(name) ?? null);
  }

  /**
   * Checks a def and records it: one binding for the function and one per
   * parameter (always 1 + parameters, even with errors, so a statement's
   * bindings can be counted), references for every name in the body.
   */
  define(statement: DefStatement, sink: DefSink): void {
    // a body that did not parse was reported by the parser
    let ok = statement.body.kind !== 'error';
    const fail = (range: Range, message: string): void => {
      sink.error(range, message);
      ok = false;
    };
    const name = statement.name;
    if (opByName(name)) fail(statement.nameRange, l10n.t("def: expected a new function name, found '{0}', the name of an operation", name));
    else if (constructorByName(name)) fail(statement.nameRange, l10n.t("def: expected a new function name, found '{0}', the name of a leaf constructor", name));
    else if (this.defined.has(name)) fail(statement.nameRange, l10n.t("def: expected a new function name, found '{0}', already defined on line {1}", name, this.defined.get(name)!.statement.range.start.line + 1));

    const binding = sink.bindings.length;
    sink.bindings.push({ name, nodeId: -1, range: statement.nameRange, statementRange: statement.range, role: 'function' });
    sink.references.push({ range: statement.nameRange, binding, isDefinition: true });
    const params = new Map<string, number>();
    for (const p of statement.params) {
      if (params.has(p.name)) fail(p.range, l10n.t("{0}: expected each parameter once, found '{1}' twice", name, p.name));
      const b = sink.bindings.length;
      sink.bindings.push({ name: p.name, nodeId: -1, range: p.range, statementRange: statement.range, role: 'parameter' });
      sink.references.push({ range: p.range, binding: b, isDefinition: true });
      if (!params.has(p.name)) params.set(p.name, b);
    }

    const paramList = statement.params.length ? l10n.t('its parameters {0}', statement.params.map((p) => p.name).join(', ')) : l10n.t('its parameters (it has none)');
    // an explicit stack, not recursion: a body may be a chain of 100,000 operators
    const pending: Expr[] = [];
    const visit = (expr: Expr): void => {
      switch (expr.kind) {
        case 'name': {
          const b = params.get(expr.name);
          if (b === undefined) fail(expr.range, l10n.t("{0}: expected one of {1}, found '{2}' (a function sees only its parameters: pass the value in)", name, paramList, expr.name));
          else sink.references.push({ range: expr.range, binding: b, isDefinition: false });
          return;
        }
        case 'tensor':
          for (let i = expr.elements.length - 1; i >= 0; i--) pending.push(expr.elements[i]!);
          return;
        case 'unary':
        case 'transpose':
          pending.push(expr.operand);
          return;
        case 'binary':
          pending.push(expr.right, expr.left);
          return;
        case 'call': {
          const callee = expr.callee;
          if (callee === name) fail(expr.calleeRange, l10n.t("{0}: expected a call of an operation or of a function defined above, found a call of '{0}' itself (recursion: each call is drawn inline, so it would never end)", name));
          else if (!opByName(callee) && !constructorByName(callee)) {
            const fn = this.defined.get(callee);
            if (fn) sink.references.push({ range: expr.calleeRange, binding: fn.binding, isDefinition: false });
            else {
              const below = this.defLines.get(callee);
              if (below === undefined) sink.unknownFunction?.(callee, expr.calleeRange, (line) => l10n.t("{0}: expected a function defined above, found '{1}', defined below on line {2} (define a function before the functions that call it)", name, callee, line + 1));
              fail(
                expr.calleeRange,
                below !== undefined
                  ? l10n.t("{0}: expected a function defined above, found '{1}', defined below on line {2} (define a function before the functions that call it)", name, callee, below + 1)
                  : l10n.t("{0}: expected an operation or a function defined above, found unknown function '{1}'", name, callee),
              );
            }
          }
          for (let i = expr.args.length - 1; i >= 0; i--) pending.push(expr.args[i]!.value);
          return;
        }
        default:
          return;
      }
    };
    pending.push(statement.body);
    while (pending.length > 0) visit(pending.pop()!);
    // a second def of a name keeps the first: its calls and references stay as they were
    if (!this.defined.has(name)) this.defined.set(name, { name, statement, binding, ok });
  }

  /**
   * The argument expression of each parameter of `fn` in a call, or null
   * after reporting a missing, extra, repeated or unknown argument.
   */
  bindArguments(fn: UserFunction, args: readonly Argument[], callRange: Range, error: (range: Range, message: string) => void): Expr[] | null {
    const params = fn.statement.params;
    const signature = functionSignature(fn.statement);
    const bound: (Expr | undefined)[] = new Array(params.length).fill(undefined);
    let ok = true;
    let positional = 0;
    for (const arg of args) {
      let i: number;
      if (arg.keyword === null) {
        i = positional++;
        if (i >= params.length) {
          error(arg.range, params.length === 1 ? l10n.t('{0}: expected at most 1 argument {1}, found more', fn.name, signature) : l10n.t('{0}: expected at most {1} arguments {2}, found more', fn.name, params.length, signature));
          ok = false;
          continue;
        }
      } else {
        i = params.findIndex((p) => p.name === arg.keyword);
        if (i < 0) {
          error(arg.keywordRange ?? arg.range, l10n.t("{0}: expected one of the keywords {1}, found '{2}'", fn.name, params.map((p) => p.name).join(', ') || '(none)', arg.keyword));
          ok = false;
          continue;
        }
      }
      if (bound[i] !== undefined) {
        error(arg.range, l10n.t('{0}: expected one value for {1}, found a second', fn.name, params[i]!.name));
        ok = false;
        continue;
      }
      bound[i] = arg.value;
    }
    const given = bound.filter((b) => b !== undefined).length;
    if (ok && given < params.length) {
      error(callRange, params.length === 1 ? l10n.t('{0}: expected 1 argument {1}, found {2}', fn.name, signature, given) : l10n.t('{0}: expected {1} arguments {2}, found {3}', fn.name, params.length, signature, given));
      ok = false;
    }
    return ok ? (bound as Expr[]) : null;
  }
}
