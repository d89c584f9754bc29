import { excerpt } from './excerpt';
import type { Diagnostic, Position, Range } from './range';

/** `invalid` stands for text the lexer already reported and skipped (a tensor literal over the size limit). */
export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'eof' | 'invalid';

/**
 * A token: its kind, exact source text (the unquoted value for strings) and
 * place. Tokens never span lines, so a line and two columns say where; the
 * `range` object is made only when asked for, which keeps a large file's
 * check from spending its time in the garbage collector.
 */
export class Token {
  private cachedRange: Range | undefined;

  constructor(
    readonly kind: TokenKind,
    readonly text: string,
    readonly line: number,
    readonly start: number,
    readonly end: number,
    /** Depth of open `(`/`[` before this token: a newline inside brackets does not end a statement. */
    readonly depth: number,
  ) {}

  get range(): Range {
    return (this.cachedRange ??= { start: { line: this.line, character: this.start }, end: { line: this.line, character: this.end } });
  }
}

const OPERATOR_CHARS = new Set(['+', '-', '*', '/', '@', '=', '(', ')', '[', ']', ',', '.']);
const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}\p{Mn}\p{Mc}_]/u;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

/**
 * Splits `.nn` source into tokens. Never throws: an unexpected character is a
 * diagnostic and is skipped. Comments are dropped; every line end is a
 * `newline` token carrying the bracket depth, so the parser can both join
 * lines inside brackets and recover when a bracket is never closed.
 *
 * A tensor literal is measured before its numbers become tokens: one with
 * more than `maxLiteralElements` numbers is reported and skipped whole.
 */
export function tokenize(text: string, diagnostics: Diagnostic[], maxLiteralElements = Infinity): Token[] {
  const tokens: Token[] = [];
  let line = 0;
  let lineStart = 0;
  let depth = 0;
  /** Open `[` not yet closed: a `[` met at 0 starts a literal, which is measured first. */
  let squareDepth = 0;
  let i = 0;
  const pos = (offset: number): Position => ({ line, character: offset - lineStart });
  const push = (kind: TokenKind, start: number, end: number, tokenText = text.slice(start, end)): void => {
    tokens.push(new Token(kind, tokenText, line, start - lineStart, end - lineStart, depth));
  };

  while (i < text.length) {
    const c = text[i]!;
    const code = text.charCodeAt(i);
    if (isAsciiNameStart(code)) {
      let end = i + 1;
      for (;;) {
        const k = text.charCodeAt(end);
        if (isAsciiNameStart(k) || (k >= 48 && k <= 57)) end++;
        else if (k >= 128 && (NAME_PART.test(text[end]!) || isSurrogateLetter(text, end))) end += isHighSurrogate(text, end) ? 2 : 1;
        else break;
      }
      push('name', i, end);
      i = end;
      continue;
    }
    if (c === '\n' || c === '\r') {
      const end = c === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
      // zero width: a range ending at a line end never reaches past it
      push('newline', i, i, '\n');
      i = end;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\uFEFF') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      // Explicit line continuation, as in Python.
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 3 : 2;
      line++;
      lineStart = i;
      continue;
    }
    if ((code >= 48 && code <= 57) || (c === '.' && text[i + 1] !== undefined && text[i + 1]! >= '0' && text[i + 1]! <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text)!;
      let end = i + m[0].length;
      push('number', i, end);
      if (end < text.length && (isAsciiNameStart(text.charCodeAt(end)) || NAME_START.test(text[end]!))) {
        // `2x` or `1e`: report once, swallow the rest of the word.
        const start = end;
        while (end < text.length && NAME_PART.test(text[end]!)) end++;
        diagnostics.push({ severity: 'error', range: { start: pos(i), end: pos(end) }, message: `expected a number, found '${excerpt(text.slice(i, end))}'` });
        tokens.pop();
        push('number', i, start);
      }
      i = end;
      continue;
    }
    if (NAME_START.test(c) || isSurrogateLetter(text, i)) {
      let end = i + 1;
      while (end < text.length && (NAME_PART.test(text[end]!) || isSurrogateLetter(text, end))) end += isHighSurrogate(text, end) ? 2 : 1;
      push('name', i, end);
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      let end = i + 1;
      while (end < text.length && text[end] !== c && text[end] !== '\n' && text[end] !== '\r') end++;
      if (text[end] !== c) {
        diagnostics.push({ severity: 'error', range: { start: pos(i), end: pos(end) }, message: `expected a closing ${c} to end the string, found the end of the line` });
        push('string', i, end, text.slice(i + 1, end));
        i = end;
      } else {
        push('string', i, end + 1, text.slice(i + 1, end));
        i = end + 1;
      }
      continue;
    }
    const op = c === '*' && text[i + 1] === '*' ? '**' : OPERATOR_CHARS.has(c) ? c : undefined;
    if (op === '[' && squareDepth === 0 && maxLiteralElements < Infinity) {
      const measured = measureLiteral(text, i, maxLiteralElements);
      if (measured.numbers > maxLiteralElements) {
        diagnostics.push({
          severity: 'error',
          range: { start: pos(i), end: pos(i + 1) },
          message: `tensor literal: expected at most ${maxLiteralElements} elements (graphstep.maxTensorElements), found more than ${maxLiteralElements} numbers`,
        });
        push('invalid', i, i + 1, '');
        for (let k = i; k < measured.end; k++) {
          const ch = text.charCodeAt(k);
          if (ch === 10 || (ch === 13 && text.charCodeAt(k + 1) !== 10)) {
            line++;
            lineStart = k + 1;
          }
        }
        i = measured.end;
        continue;
      }
    }
    if (op !== undefined) {
      if (op === ')' || op === ']') depth = Math.max(0, depth - 1);
      if (op === ']') squareDepth = Math.max(0, squareDepth - 1);
      if (op === '[') squareDepth++;
      push('op', i, i + op.length);
      if (op === '(' || op === '[') depth++;
      i += op.length;
      continue;
    }
    const width = isHighSurrogate(text, i) && isLowSurrogate(text, i + 1) ? 2 : 1;
    diagnostics.push({ severity: 'error', range: { start: pos(i), end: pos(i + width) }, message: `unexpected character '${text.slice(i, i + width)}'` });
    i += width;
  }
  push('newline', i, i, '\n');
  push('eof', i, i, '');
  return tokens;
}

function isAsciiNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

/**
 * Counts the numbers of the tensor literal opening at `start`, up to its
 * closing `]` (or the end of the text), stopping early once there are more
 * than `limit`; `end` is where lexing resumes when the literal is skipped.
 */
function measureLiteral(text: string, start: number, limit: number): { numbers: number; end: number } {
  let depth = 0;
  let numbers = 0;
  let previous = 0;
  for (let k = start; k < text.length; k++) {
    const ch = text.charCodeAt(k);
    if (ch === 91) depth++;
    else if (ch === 93 && --depth === 0) return { numbers, end: k + 1 };
    else if (ch === 35) {
      // a comment runs to the line end
      while (k + 1 < text.length && text.charCodeAt(k + 1) !== 10 && text.charCodeAt(k + 1) !== 13) k++;
    } else if (((ch >= 48 && ch <= 57) || ch === 46) && !isWordChar(previous) && previous !== 46) {
      if (++numbers > limit) {
        // skip to the literal's end, so its numbers are never lexed
        for (k++; k < text.length; k++) {
          const c = text.charCodeAt(k);
          if (c === 91) depth++;
          else if (c === 93 && --depth === 0) return { numbers, end: k + 1 };
        }
        return { numbers, end: text.length };
      }
    }
    previous = ch;
  }
  return { numbers, end: text.length };
}

function isWordChar(code: number): boolean {
  return isAsciiNameStart(code) || (code >= 48 && code <= 57);
}

function isLowSurrogate(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code >= 0xdc00 && code <= 0xdfff;
}

function isHighSurrogate(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code >= 0xd800 && code <= 0xdbff;
}

function isSurrogateLetter(text: string, i: number): boolean {
  if (!isHighSurrogate(text, i)) return false;
  const cp = text.codePointAt(i)!;
  return /[\p{L}\p{N}]/u.test(String.fromCodePoint(cp));
}
