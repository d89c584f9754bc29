import type { Binding, NameReference } from '../graph/graph';
import { byStart, rangeContains, type Position } from '../language/range';

/** What name resolution left behind: every binding, and every occurrence of a name resolved to one. */
export interface NameIndex {
  readonly bindings: readonly Binding[];
  readonly references: readonly NameReference[];
}

/** The occurrence of a name under a position (its end included, as VS Code's word ranges are), or null. */
export function referenceAt(index: NameIndex, position: Position): NameReference | null {
  for (const reference of index.references) {
    if (rangeContains(reference.range, position)) return reference;
  }
  return null;
}

/** Every occurrence that means binding number `binding`: its definition and its uses, in source order. */
export function occurrencesOf(index: NameIndex, binding: number): NameReference[] {
  return index.references
    .filter((r) => r.binding === binding)
    .sort(byStart);
}

/**
 * The newest binding of each name made by a statement that ends before
 * `position`'s line: the names an expression written there can use (not a
 * `def`'s function name or parameters).
 */
export function bindingsInScopeAt(index: NameIndex, position: Position): Map<string, number> {
  const scope = new Map<string, number>();
  index.bindings.forEach((binding, i) => {
    // a def's names are not values: its parameters are local, the function is called
    if (binding.statementRange.end.line < position.line && !binding.role) scope.set(binding.name, i);
  });
  return scope;
}
