import { excerpt } from './excerpt';
import type { Diagnostic, Position, Range } from './range';
import * as l10n from '@vscode/l10n';

/** `invalid` stands for text the lexer already reported and skipped (a tensor literal over the size limit). */
export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'eof' | 'invalid';

/** Token kinds as the compact store keeps them (indices into KIND_NAMES). */
export const NAME = 0;
export const NUMBER = 1;
export const STRING = 2;
export const OP = 3;
export const NEWLINE = 4;
export const EOF = 5;
export const INVALID = 6;
const KIND_NAMES: readonly TokenKind[] = ['name', 'number', 'string', 'op', 'newline', 'eof', 'invalid'];

/** The operator code of `**` (every other operator is its one character's code). */
export const POWER = 0x2a2a;

/**
 * The tokens of a text, stored column-wise in typed arrays: a token is an
 * index. Nothing per token lives on the garbage-collected heap; its text is
 * sliced from the source only when asked for. Tokens never span lines, so a
 * line and a start column say where (the end column is the start plus the
 * length, except for the zero-width line ends).
 */
export class TokenStore {
  length = 0;
  kinds: Uint8Array;
  /** For operators: the character code (POWER for `**`); 0 otherwise. */
  ops: Uint16Array;
  /** Offsets in the text of the token's first character and one past its last. */
  starts: Int32Array;
  ends: Int32Array;
  lines: Int32Array;
  columns: Int32Array;
  /** Depth of open `(`/`[` before the token: a newline inside brackets does not end a statement. */
  depths: Int32Array;

  constructor(
    readonly text: string,
    capacity: number,
  ) {
    this.kinds = new Uint8Array(capacity);
    this.ops = new Uint16Array(capacity);
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.lines = new Int32Array(capacity);
    this.columns = new Int32Array(capacity);
    this.depths = new Int32Array(capacity);
  }

  push(kind: number, op: number, start: number, end: number, line: number, column: number, depth: number): void {
    if (this.length === this.kinds.length) this.grow();
    const i = this.length++;
    this.kinds[i] = kind;
    this.ops[i] = op;
    this.starts[i] = start;
    this.ends[i] = end;
    this.lines[i] = line;
    this.columns[i] = column;
    this.depths[i] = depth;
  }

  private grow(): void {
    const n = this.kinds.length * 2;
    const widen = <T extends Uint8Array | Uint16Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.kinds = widen(this.kinds, (k) => new Uint8Array(k));
    this.ops = widen(this.ops, (k) => new Uint16Array(k));
    this.starts = widen(this.starts, (k) => new Int32Array(k));
    this.ends = widen(this.ends, (k) => new Int32Array(k));
    this.lines = widen(this.lines, (k) => new Int32Array(k));
    this.columns = widen(this.columns, (k) => new Int32Array(k));
    this.depths = widen(this.depths, (k) => new Int32Array(k));
  }

  kindName(i: number): TokenKind {
    return KIND_NAMES[this.kinds[i]!]!;
  }

  /** The token's text: the source text, the unquoted value of a string, `\n` for a line end, '' for eof and invalid. */
  textOf(i: number): string {
    const kind = this.kinds[i]!;
    if (kind === NEWLINE) return '\n';
    if (kind === EOF || kind === INVALID) return '';
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    if (kind === STRING) {
      const closed = end - start >= 2 && this.text.charCodeAt(end - 1) === this.text.charCodeAt(start);
      return this.text.slice(start + 1, closed ? end - 1 : end);
    }
    return this.text.slice(start, end);
  }

  /** Whether the token is the name `word`, compared in place. */
  isName(i: number, word: string): boolean {
    return this.kinds[i] === NAME && this.ends[i]! - this.starts[i]! === word.length && this.text.startsWith(word, this.starts[i]!);
  }

  /** A new position object where the token starts. */
  startOf(i: number): Position {
    return { line: this.lines[i]!, character: this.columns[i]! };
  }

  /** A new position object where the token ends. */
  endOf(i: number): Position {
    return { line: this.lines[i]!, character: this.columns[i]! + this.ends[i]! - this.starts[i]! };
  }

  /** A new range object for the token. */
  rangeOf(i: number): Range {
    const line = this.lines[i]!;
    const column = this.columns[i]!;
    return { start: { line, character: column }, end: { line, character: column + this.ends[i]! - this.starts[i]! } };
  }
}

/**
 * A token as an object (kind, text, place): for callers that walk a few
 * tokens; the parser reads the compact store.
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

/** `tokenize` as token objects. */
export function tokenize(text: string, diagnostics: Diagnostic[], maxLiteralElements = Infinity): Token[] {
  const store = lex(text, diagnostics, maxLiteralElements);
  const tokens: Token[] = [];
  for (let i = 0; i < store.length; i++) {
    const column = store.columns[i]!;
    tokens.push(new Token(store.kindName(i), store.textOf(i), store.lines[i]!, column, column + store.ends[i]! - store.starts[i]!, store.depths[i]!));
  }
  return tokens;
}

/** Classes of the ASCII characters: a name starts with WORD_START and goes on with it or DIGIT. */
const WORD_START = 2;
const DIGIT = 3;
const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) ASCII[c] = WORD_START;
  else if (c >= 48 && c <= 57) ASCII[c] = DIGIT;
}

const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}\p{Mn}\p{Mc}_]/u;

/**
 * Splits `.nn` source into tokens. Never throws: an unexpected character is a
 * diagnostic and is skipped. Comments are dropped; every line end is a
 * `newline` token carrying the bracket depth, so the parser can both join
 * lines inside brackets and recover when a bracket is never closed.
 *
 * A tensor literal is measured before its numbers become tokens: one with
 * more than `maxLiteralElements` numbers is reported and skipped whole.
 */
export function lex(text: string, diagnostics: Diagnostic[], maxLiteralElements = Infinity): TokenStore {
  // code runs to about one token per three characters: room for that, so the store seldom grows
  const tokens = new TokenStore(text, 64 + (text.length >> 1));
  const n = text.length;
  let line = 0;
  let lineStart = 0;
  let depth = 0;
  /** Open `[` not yet closed: a `[` met at 0 starts a literal, which is measured first. */
  let squareDepth = 0;
  let i = 0;

  // The loop holds the common tokens only; the rare ones are read by functions of their own. A short
  // loop is optimized sooner: the first check of a long file runs most of the lexer before that.
  while (i < n) {
    const code = text.charCodeAt(i);
    const type = code < 128 ? ASCII[code]! : 0;
    if (type === WORD_START) {
      // (never read past the text's end: an out-of-bounds read costs the optimized lexer a recompilation)
      let end = i + 1;
      while (end < n) {
        const k = text.charCodeAt(end);
        if (k >= 128) {
          end = nameEnd(text, end);
          break;
        }
        if (ASCII[k]! < WORD_START) break;
        end++;
      }
      tokens.push(NAME, 0, i, end, line, i - lineStart, depth);
      i = end;
      continue;
    }
    if (code === 32) {
      i++;
      continue;
    }
    if (code === 10 || code === 13) {
      const end = code === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      // zero width: a range ending at a line end never reaches past it
      tokens.push(NEWLINE, 0, i, i, line, i - lineStart, depth);
      i = end;
      line++;
      lineStart = i;
      continue;
    }
    if (type === DIGIT || (code === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      const end = scanNumber(text, i);
      tokens.push(NUMBER, 0, i, end, line, i - lineStart, depth);
      i = end < n && (isAsciiNameStart(text.charCodeAt(end)) || text.charCodeAt(end) >= 128) ? numberRunIntoName(text, i, end, line, lineStart, diagnostics) : end;
      continue;
    }
    const op = code === 42 && i + 1 < n && text.charCodeAt(i + 1) === 42 ? POWER : isOperator(code) ? code : 0;
    if (op !== 0 && (op !== 91 || squareDepth > 0 || !(maxLiteralElements < Infinity))) {
      if (op === 41 || op === 93) depth = depth > 0 ? depth - 1 : 0;
      if (op === 93) squareDepth = squareDepth > 0 ? squareDepth - 1 : 0;
      if (op === 91) squareDepth++;
      const width = op === POWER ? 2 : 1;
      tokens.push(OP, op, i, i + width, line, i - lineStart, depth);
      if (op === 40 || op === 91) depth++;
      i += width;
      continue;
    }
    if (code === 9 || code === 12 || code === 11 || code === 0xfeff) {
      i++;
      continue;
    }
    if (code === 35) {
      // '#': a comment runs to the line end
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (code === 92 && i + 1 < n && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) {
      // Explicit line continuation, as in Python.
      i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 3 : 2;
      line++;
      lineStart = i;
      continue;
    }
    if (code >= 128 && (NAME_START.test(text[i]!) || isSurrogateLetter(text, i))) {
      // a letter outside the BMP is two code units: the name goes on after both
      const end = nameEnd(text, isHighSurrogate(text, i) ? i + 2 : i + 1);
      tokens.push(NAME, 0, i, end, line, i - lineStart, depth);
      i = end;
      continue;
    }
    if (code === 34 || code === 39) {
      i = readString(tokens, text, i, line, lineStart, depth, diagnostics);
      continue;
    }
    if (op === 91) {
      // a literal at the top of the brackets, with a limit: measured before its numbers become tokens
      const measured = measureLiteral(text, i, maxLiteralElements);
      if (measured.numbers > maxLiteralElements) {
        diagnostics.push({
          severity: 'error',
          range: { start: positionAt(line, i - lineStart), end: positionAt(line, i + 1 - lineStart) },
          message: l10n.t('tensor literal: expected at most {0} elements (graphstep.maxTensorElements), found more than {0} numbers', maxLiteralElements),
        });
        tokens.push(INVALID, 0, i, i + 1, line, i - lineStart, depth);
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
      squareDepth++;
      tokens.push(OP, op, i, i + 1, line, i - lineStart, depth);
      depth++;
      i++;
      continue;
    }
    const width = isHighSurrogate(text, i) && isLowSurrogate(text, i + 1) ? 2 : 1;
    diagnostics.push({ severity: 'error', range: { start: positionAt(line, i - lineStart), end: positionAt(line, i + width - lineStart) }, message: unexpectedCharacter(text.slice(i, i + width)) });
    i += width;
  }
  tokens.push(NEWLINE, 0, i, i, line, i - lineStart, depth);
  tokens.push(EOF, 0, i, i, line, i - lineStart, depth);
  return tokens;
}

/**
 * The message for a character no token starts with. One that shows nothing
 * (a control character, a zero-width or bidirectional mark, a lone surrogate)
 * is named by its code point instead of being quoted invisibly.
 */
function unexpectedCharacter(char: string): string {
  if (!INVISIBLE.test(char)) return l10n.t("unexpected character '{0}'", char);
  const code = char.codePointAt(0)!;
  return l10n.t('unexpected invisible character U+{0}', code.toString(16).toUpperCase().padStart(4, '0'));
}

/** Characters that show nothing where they stand: controls, format marks (zero-width, bidirectional), lone surrogates. */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]$/u;

/** Where a name that has reached a non-ASCII character at `end` ends: letters, digits and marks of any script go on with it. */
function nameEnd(text: string, end: number): number {
  const n = text.length;
  while (end < n) {
    const k = text.charCodeAt(end);
    if (k < 128) {
      if (ASCII[k]! < WORD_START) break;
      end++;
    } else if (NAME_PART.test(text[end]!) || isSurrogateLetter(text, end)) end += k >= 0xd800 && k <= 0xdbff ? 2 : 1;
    else break;
  }
  return end;
}

/** `2x` or `1e`: a number at `start` run into a word at `end`; reported once, the rest of the word swallowed. Returns where lexing goes on. */
function numberRunIntoName(text: string, start: number, end: number, line: number, lineStart: number, diagnostics: Diagnostic[]): number {
  if (!isAsciiNameStart(text.charCodeAt(end)) && !NAME_START.test(text[end]!)) return end;
  const n = text.length;
  let k = end;
  while (k < n && NAME_PART.test(text[k]!)) k++;
  diagnostics.push({ severity: 'error', range: { start: positionAt(line, start - lineStart), end: positionAt(line, k - lineStart) }, message: l10n.t("expected a number, found '{0}'", excerpt(text.slice(start, k))) });
  return k;
}

/** The string opening at `i` (a quote), pushed as one token, reported when the line ends first. Returns where lexing goes on. */
function readString(tokens: TokenStore, text: string, i: number, line: number, lineStart: number, depth: number, diagnostics: Diagnostic[]): number {
  const n = text.length;
  const code = text.charCodeAt(i);
  let end = i + 1;
  for (;;) {
    if (end >= n) break;
    const k = text.charCodeAt(end);
    if (k === code || k === 10 || k === 13) break;
    end++;
  }
  if (end >= n || text.charCodeAt(end) !== code) {
    diagnostics.push({ severity: 'error', range: { start: positionAt(line, i - lineStart), end: positionAt(line, end - lineStart) }, message: l10n.t('expected a closing {0} to end the string, found the end of the line', String(text[i])) });
    tokens.push(STRING, 0, i, end, line, i - lineStart, depth);
    return end;
  }
  tokens.push(STRING, 0, i, end + 1, line, i - lineStart, depth);
  return end + 1;
}

/** A position object (a closure over the lexer's line and line start would move them out of registers). */
function positionAt(line: number, character: number): Position {
  return { line, character };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** `+ - * / @ = ( ) [ ] , .` */
function isOperator(code: number): boolean {
  switch (code) {
    case 43:
    case 45:
    case 42:
    case 47:
    case 64:
    case 61:
    case 40:
    case 41:
    case 91:
    case 93:
    case 44:
    case 46:
      return true;
    default:
      return false;
  }
}

/** The end of the number at `i`: `\d+\.?\d*` or `\.\d+`, then an optional exponent `[eE][+-]?\d+`. */
function scanNumber(text: string, i: number): number {
  const n = text.length;
  let end = i;
  while (end < n && isDigit(text.charCodeAt(end))) end++;
  if (end < n && text.charCodeAt(end) === 46) {
    end++;
    while (end < n && isDigit(text.charCodeAt(end))) end++;
  }
  const e = end < n ? text.charCodeAt(end) : -1;
  if (e === 101 || e === 69) {
    let k = end + 1;
    const sign = k < n ? text.charCodeAt(k) : -1;
    if (sign === 43 || sign === 45) k++;
    if (k < n && isDigit(text.charCodeAt(k))) {
      while (k < n && isDigit(text.charCodeAt(k))) k++;
      end = k;
    }
  }
  return end;
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
