import type { Statement } from './ast';

type WithoutExpressions<S> = S extends unknown ? Omit<S, 'expr' | 'body' | 'optimizer' | 'steps' | 'values'> : never;

/**
 * A statement as the editor's outline reads it: its kind, names and
 * ranges, without the expressions it is made of (which only the check
 * itself reads: a long file's trees are most of what a check holds).
 */
export type StatementOutline = WithoutExpressions<Statement>;

/** The outline of a statement (of an outline too: the same one, copied). */
export function statementOutline(s: StatementOutline): StatementOutline {
  switch (s.kind) {
    case 'assign':
      return { kind: s.kind, declaration: s.declaration, name: s.name, nameRange: s.nameRange, range: s.range };
    case 'output':
      return { kind: s.kind, name: s.name, nameRange: s.nameRange, range: s.range };
    case 'def':
      return { kind: s.kind, name: s.name, nameRange: s.nameRange, params: s.params, range: s.range };
    case 'batch':
    case 'unpack':
    case 'test':
      return { kind: s.kind, names: s.names, nameRange: s.nameRange, range: s.range };
    case 'train':
      return { kind: s.kind, loss: s.loss, nameRange: s.nameRange, range: s.range };
    default: {
      const unknown: never = s;
      throw new Error(`unknown statement ${JSON.stringify(unknown)}`);
    }
  }
}
