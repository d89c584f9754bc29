import { DEFAULT_MAX_TENSOR_ELEMENTS } from '../check';
import type { Binding, NameReference } from '../graph/graph';
import { UserFunctions } from '../graph/userFunctions';
import type { Expr, Statement } from '../language/ast';
import { parse } from '../language/parser';
import type { Diagnostic, Range } from '../language/range';
import type { NameIndex } from './bindingLookup';

/** What the names pass finds: the statements, every binding and every resolved occurrence of a name, and the syntax errors. */
export interface NamesResult extends NameIndex {
  readonly statements: readonly Statement[];
  /** Syntax errors only: names, shapes and values are the full check's. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The cheap pass behind completion, signature help, symbols, definition,
 * references and rename: the text parsed and its names resolved to their
 * newest binding, as the full check resolves them, without building the
 * graph: no tensor is made, no file is read, no shape is checked. On a file
 * that checks, its bindings and references are the full check's (a unit
 * test holds them equal on the examples and on generated programs); on a
 * file with errors it still resolves every name it can.
 */
export function checkNames(text: string): NamesResult {
  const parsed = parse(text, DEFAULT_MAX_TENSOR_ELEMENTS);
  const { bindings, references } = resolveNames(parsed.statements);
  return { statements: parsed.statements, bindings, references, diagnostics: parsed.diagnostics };
}

/** Every binding the statements make and every occurrence of a name, resolved in source order. */
export function resolveNames(statements: readonly Statement[]): NameIndex & { readonly bindings: Binding[]; readonly references: NameReference[] } {
  const bindings: Binding[] = [];
  const references: NameReference[] = [];
  const scope = new Map<string, number>();
  const functions = new UserFunctions(statements);
  const sink = { bindings, references, error: (): void => undefined };
  let statementRange: Range = statements[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

  const bind = (name: string, range: Range): void => {
    scope.set(name, bindings.length);
    references.push({ range, binding: bindings.length, isDefinition: true });
    bindings.push({ name, nodeId: -1, range, statementRange });
  };
  const use = (name: string, range: Range): void => {
    const binding = scope.get(name);
    if (binding !== undefined) references.push({ range, binding, isDefinition: false });
  };
  // an explicit stack, not recursion: a statement may be a chain of 100,000 operators
  const visit = (root: Expr): void => {
    const pending: Expr[] = [root];
    while (pending.length > 0) {
      const expr = pending.pop()!;
      switch (expr.kind) {
        case 'name':
          use(expr.name, expr.range);
          break;
        case 'tensor':
          for (let i = expr.elements.length - 1; i >= 0; i--) pending.push(expr.elements[i]!);
          break;
        case 'unary':
        case 'transpose':
          pending.push(expr.operand);
          break;
        case 'binary':
          pending.push(expr.right, expr.left);
          break;
        case 'call': {
          const fn = functions.get(expr.callee);
          if (fn) references.push({ range: expr.calleeRange, binding: fn.binding, isDefinition: false });
          for (let i = expr.args.length - 1; i >= 0; i--) pending.push(expr.args[i]!.value);
          break;
        }
        default:
          break;
      }
    }
  };

  for (const statement of statements) {
    statementRange = statement.range;
    switch (statement.kind) {
      case 'def':
        functions.define(statement, sink);
        break;
      case 'output':
        use(statement.name, statement.nameRange);
        break;
      case 'assign':
        visit(statement.expr);
        bind(statement.name, statement.nameRange);
        break;
      case 'batch':
      case 'unpack':
        visit(statement.expr);
        for (const n of statement.names) bind(n.name, n.range);
        break;
      case 'train':
        use(statement.loss.name, statement.loss.range);
        visit(statement.optimizer);
        visit(statement.steps);
        break;
      case 'test':
        statement.names.forEach((n, i) => {
          use(n.name, n.range);
          const value = statement.values[i];
          if (value) visit(value);
        });
        break;
    }
  }
  return { bindings, references };
}
