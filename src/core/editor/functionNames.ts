import type { Binding } from '../graph/graph';
import type { Position } from '../language/range';
import type { NameIndex } from './bindingLookup';
import * as l10n from '@vscode/l10n';

/** A user function as the editor shows it. */
export interface FunctionInfo {
  readonly name: string;
  /** `affine_relu(x, W, b)`. */
  readonly signature: string;
  /** 0-based line of its def. */
  readonly line: number;
  /** Index of its binding. */
  readonly binding: number;
}

/** The function a `def` binding names: its parameters are the `parameter` bindings right after it. */
function infoOf(index: NameIndex, binding: number): FunctionInfo {
  const b = index.bindings[binding]!;
  const params: string[] = [];
  for (let i = binding + 1; i < index.bindings.length && index.bindings[i]!.role === 'parameter' && index.bindings[i]!.statementRange.start.line === b.statementRange.start.line; i++) {
    params.push(index.bindings[i]!.name);
  }
  return { name: b.name, signature: `${b.name}(${params.join(', ')})`, line: b.statementRange.start.line, binding };
}

/** The functions defined on lines before `position` (the ones a call there can use), first def of each name. */
export function functionsInScopeAt(index: NameIndex, position: Position): FunctionInfo[] {
  const seen = new Set<string>();
  const out: FunctionInfo[] = [];
  index.bindings.forEach((b, i) => {
    if (b.role !== 'function' || b.statementRange.end.line >= position.line || seen.has(b.name)) return;
    seen.add(b.name);
    out.push(infoOf(index, i));
  });
  return out;
}

/**
 * The hover of a function's name or of a parameter: the def's text (from
 * `text`), what a call does, and how often it is called.
 */
export function functionHoverMarkdown(text: string, index: NameIndex, binding: Binding): string {
  const i = index.bindings.indexOf(binding);
  const lines = text.split(/\r\n|\r|\n/);
  const r = binding.statementRange;
  const source = lines.slice(r.start.line, r.end.line + 1).join('\n').trim();
  if (binding.role === 'parameter') {
    let f = i - 1;
    while (f >= 0 && index.bindings[f]!.role === 'parameter') f--;
    const fn = f >= 0 ? infoOf(index, f) : null;
    return [l10n.t('**`{0}`** · a parameter of `{1}` · line {2}', binding.name, fn?.signature ?? '?', r.start.line + 1), l10n.t('In the body it stands for the argument of each call.')].join('\n\n');
  }
  const info = infoOf(index, i);
  const calls = index.references.filter((ref) => ref.binding === i && !ref.isDefinition).length;
  return [
    l10n.t('**`{0}`** · function · line {1}', info.signature, r.start.line + 1),
    '```graphstep\n' + source + '\n```',
    `${l10n.t('Each call is inlined into its operations, drawn as one group named `{0}`.', info.name)} ${calls === 0 ? l10n.t('Not called yet.') : calls === 1 ? l10n.t('Called once (counting calls inside other functions once each).') : l10n.t('Called {0} times (counting calls inside other functions once each).', calls)}`,
  ].join('\n\n');
}
