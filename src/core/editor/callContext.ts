import { tokenize } from '../language/lexer';
import type { Position } from '../language/range';

/** The call a position is inside of, for signature help: `sum(x, ax|` is argument 1 of `sum`. */
export interface CallContext {
  readonly callee: string;
  /** 0-based index of the argument being written (counting keyword arguments too). */
  readonly argumentIndex: number;
  /** The keyword of the argument being written (`axis` in `sum(x, axis=|`), or null. */
  readonly keyword: string | null;
}

interface Frame {
  readonly callee: string | null;
  argumentIndex: number;
  keyword: string | null;
}

/** The innermost call enclosing `position` in `text`, or null when it is in none. */
export function callContextAt(text: string, position: Position): CallContext | null {
  const tokens = tokenize(text, []);
  const stack: Frame[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const start = token.range.start;
    if (start.line > position.line || (start.line === position.line && start.character >= position.character)) break;
    if (token.kind === 'newline' && token.depth === 0) stack.length = 0;
    if (token.kind !== 'op') continue;
    const previous = tokens[i - 1];
    const top = stack[stack.length - 1];
    switch (token.text) {
      case '(':
        stack.push({ callee: previous?.kind === 'name' ? previous.text : null, argumentIndex: 0, keyword: null });
        break;
      case '[':
        stack.push({ callee: null, argumentIndex: 0, keyword: null });
        break;
      case ')':
      case ']':
        stack.pop();
        break;
      case ',':
        if (top) {
          top.argumentIndex++;
          top.keyword = null;
        }
        break;
      case '=':
        if (top?.callee && previous?.kind === 'name') top.keyword = previous.text;
        break;
    }
  }
  for (let i = stack.length - 1; i >= 0; i--) {
    const frame = stack[i]!;
    if (frame.callee !== null) return { callee: frame.callee, argumentIndex: frame.argumentIndex, keyword: frame.keyword };
  }
  return null;
}

/** A parameter of a signature, with its offsets in the signature text. */
export interface SignatureParameter {
  readonly label: string;
  readonly start: number;
  readonly end: number;
}

/** The parameters of `sum(x, axis=None, keepdims=false)`: `x`, `axis=None`, `keepdims=false`. */
export function signatureParameters(signature: string): SignatureParameter[] {
  const open = signature.indexOf('(');
  const close = signature.lastIndexOf(')');
  if (open < 0 || close < open) return [];
  const params: SignatureParameter[] = [];
  let depth = 0;
  let start = open + 1;
  const flush = (end: number): void => {
    const raw = signature.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const label = raw.trim();
    if (label) params.push({ label, start: start + lead, end: start + lead + label.length });
  };
  for (let i = open + 1; i < close; i++) {
    const c = signature[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      flush(i);
      start = i + 1;
    }
  }
  flush(close);
  return params;
}

/**
 * Which parameter an argument fills: the one its keyword names, else the
 * one at its position; a variadic `d...` takes every argument from its
 * position on, and a trailing `...` repeats the parameter before it
 * (`reshape(x, d1, d2, ...)`). -1 when none does.
 */
export function activeParameter(params: readonly SignatureParameter[], context: CallContext): number {
  if (context.keyword !== null) return params.findIndex((p) => p.label.split('=')[0]!.trim() === context.keyword);
  const variadic = params.findIndex((p) => p.label.endsWith('...'));
  if (variadic >= 0 && context.argumentIndex >= variadic) return params[variadic]!.label === '...' ? variadic - 1 : variadic;
  return context.argumentIndex < params.length ? context.argumentIndex : -1;
}
