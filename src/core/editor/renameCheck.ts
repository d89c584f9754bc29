import { KEYWORDS } from '../language/ast';
import { checkNames } from './namesPass';
import { byStart, type Range } from '../language/range';
import type { NameIndex } from './bindingLookup';
import * as l10n from '@vscode/l10n';

const NAME = /^[\p{L}_][\p{L}\p{N}\p{Mn}\p{Mc}_]*$/u;

/**
 * Why renaming the occurrences at `ranges` to `newName` would be wrong, or
 * null when it is safe: the new name must be a name and not a keyword, and
 * every name in the file must still mean the same binding afterwards (a new
 * name that an occurrence would capture, or that is rebound between a
 * definition and its uses, changes the program).
 */
export function renameProblem(text: string, before: NameIndex, ranges: readonly Range[], newName: string): string | null {
  if (!NAME.test(newName)) return l10n.t("'{0}' is not a name: a letter or _, then letters, digits or _", newName);
  if (KEYWORDS.includes(newName)) return l10n.t("'{0}' is a keyword", newName);
  const renamed = replaceRanges(text, ranges, newName);
  // only name resolution matters here: the names pass, no graph
  const after = checkNames(renamed);
  // occurrences keep their order in the text when names change length: compare them in that order
  const inOrder = (index: NameIndex) => [...index.references].sort(byStart);
  const was = inOrder(before);
  const same =
    after.bindings.length === before.bindings.length &&
    after.references.length === before.references.length &&
    inOrder(after).every((r, i) => r.binding === was[i]!.binding && r.isDefinition === was[i]!.isDefinition);
  return same ? null : l10n.t("renaming to '{0}' would change what another name in the file refers to", newName);
}

/** `text` with every range replaced by `replacement`. */
export function replaceRanges(text: string, ranges: readonly Range[], replacement: string): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') lineStarts.push(i + 1);
    else if (text[i] === '\r' && text[i + 1] !== '\n') lineStarts.push(i + 1);
  }
  const offset = (p: Range['start']): number => (lineStarts[p.line] ?? text.length) + p.character;
  const spans = ranges.map((r) => [offset(r.start), offset(r.end)] as const).sort((a, b) => b[0] - a[0]);
  let out = text;
  for (const [start, end] of spans) out = out.slice(0, start) + replacement + out.slice(end);
  return out;
}
