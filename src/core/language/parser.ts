import type { Argument, BinaryOperator, Declaration, DefStatement, Expr, Parameter, Statement, TrainingStatement } from './ast';
import { DECLARATIONS, KEYWORDS, TRAINING_WORDS } from './ast';
import { excerpt } from './excerpt';
import { EOF, INVALID, lex, NAME, NEWLINE, NUMBER, OP, POWER, STRING, type TokenStore } from './lexer';
import type { Diagnostic, Range } from './range';
import * as l10n from '@vscode/l10n';

/** Deepest nesting of brackets and unary operators the parser follows before it reports instead of recursing. */
export const MAX_NESTING = 200;

export interface ParseResult {
  readonly statements: readonly Statement[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Thrown inside the parser only, to abandon one statement; caught per statement. */
class StatementError extends Error {}

/**
 * Parses `.nn` source. Never throws: each malformed statement becomes one
 * diagnostic and parsing resumes at the next statement, so a file reports
 * all its problems at once. A tensor literal of more than
 * `maxLiteralElements` numbers is reported before its numbers are read.
 */
export function parse(text: string, maxLiteralElements = Infinity): ParseResult {
  const statements: Statement[] = [];
  const diagnostics = parseEach(text, (s) => statements.push(s), maxLiteralElements);
  return { statements, diagnostics };
}

/**
 * `parse`, handing each statement to `each` as soon as it is read (in
 * source order) instead of keeping them: a caller that is done with a
 * statement's expression tree at once lets it die young. Returns the
 * diagnostics, as `parse` does.
 */
export function parseEach(text: string, each: (statement: Statement) => void, maxLiteralElements = Infinity): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const tokens = lex(text, diagnostics, maxLiteralElements);
  const lexical = diagnostics.length;
  new Parser(tokens, diagnostics).parseFile(each);
  if (lexical === 0) return diagnostics;
  // A line the lexer already reported needs no second, derived complaint from the parser.
  const reported = new Set(diagnostics.slice(0, lexical).map((d) => d.range.start.line));
  return [...diagnostics.slice(0, lexical), ...diagnostics.slice(lexical).filter((d) => !reported.has(d.range.start.line))];
}

/** Character codes of the operators the parser asks about. */
const PLUS = 43;
const MINUS = 45;
const TIMES = 42;
const SLASH = 47;
const AT = 64;
const EQUALS = 61;
const LPAREN = 40;
const RPAREN = 41;
const LBRACKET = 91;
const RBRACKET = 93;
const COMMA = 44;
const DOT = 46;

/**
 * A recursive-descent parser over the compact token store: a token is an
 * index, and only the names, numbers and ranges the syntax tree keeps are
 * made into objects.
 */
class Parser {
  private index = 0;
  private nesting = 0;
  /** The brackets open at this point of the statement (token indices), innermost last. */
  private readonly open: number[] = [];
  private readonly kinds: Uint8Array;
  private readonly ops: Uint16Array;
  private readonly last: number;

  constructor(
    private readonly tokens: TokenStore,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.kinds = tokens.kinds;
    this.ops = tokens.ops;
    this.last = tokens.length - 1;
  }

  parseFile(each: (statement: Statement) => void): void {
    for (;;) {
      while (this.kinds[this.index] === NEWLINE) this.index++;
      if (this.kinds[this.index] === EOF) return;
      let statement: Statement;
      try {
        statement = this.parseStatement();
      } catch (e) {
        if (!(e instanceof StatementError)) throw e;
        this.skipStatement();
        continue;
      }
      each(statement);
    }
  }

  private parseStatement(): Statement {
    this.nesting = 0;
    this.open.length = 0;
    const first = this.index;
    const tokens = this.tokens;
    const secondIsName = this.kinds[first] === NAME && this.kinds[first + 1] === NAME;
    if (secondIsName && tokens.isName(first, 'output')) {
      this.index++;
      const name = this.next();
      this.expectStatementEnd();
      const nameRange = tokens.rangeOf(name);
      return { kind: 'output', name: tokens.textOf(name), nameRange, range: { start: tokens.startOf(first), end: nameRange.end } };
    }
    if (secondIsName && tokens.isName(first, 'def')) return this.parseDef(first);
    if (secondIsName && trainingWordAt(tokens, first)) return this.parseTraining(first);
    if (secondIsName && tokens.isName(first, 'const') && this.isOp(first + 2, COMMA)) return this.parseUnpack(first);
    let declaration: Declaration | null = null;
    if (secondIsName) {
      const word = declarationAt(tokens, first);
      if (word !== null) {
        declaration = word;
        this.index++;
      }
    }
    const name = this.next();
    if (this.kinds[name] !== NAME || isKeyword(tokens, name)) {
      const wanted = declaration ? l10n.t("a name after '{0}'", declaration) : l10n.t('a statement (NAME = EXPR, input/param/const NAME = EXPR, or output NAME)');
      this.fail(tokens.rangeOf(name), l10n.t('expected {0}, found {1}', wanted, this.describe(name)));
    }
    const equals = this.next();
    if (!this.isOp(equals, EQUALS)) {
      this.fail(tokens.rangeOf(equals), l10n.t("expected '=' after '{0}', found {1}", excerpt(tokens.textOf(name)), this.describe(equals)));
    }
    const nameText = tokens.textOf(name);
    const nameRange = tokens.rangeOf(name);
    const expr = this.parseExpression();
    this.expectStatementEnd();
    return { kind: 'assign', declaration, name: nameText, nameRange, expr, range: { start: first === name ? nameRange.start : tokens.startOf(first), end: expr.range.end } };
  }

  /** `def NAME(p1, p2, ...) = EXPR`, after the `def`. */
  private parseDef(keyword: number): DefStatement {
    const tokens = this.tokens;
    this.index++;
    const name = this.next();
    if (isKeyword(tokens, name)) this.fail(tokens.rangeOf(name), l10n.t("expected a function name after 'def', found {0}", this.describe(name)));
    const params: Parameter[] = [];
    try {
      return this.parseDefRest(keyword, name, params);
    } catch (e) {
      if (!(e instanceof StatementError)) throw e;
      // a def that does not parse still defines its name, so its calls say nothing more
      this.skipStatement();
      const nameRange = tokens.rangeOf(name);
      return { kind: 'def', name: tokens.textOf(name), nameRange, params, body: { kind: 'error', range: nameRange }, range: { start: tokens.startOf(keyword), end: nameRange.end } };
    }
  }

  /** The parameters and body of a def, after its name; `params` fills as they are read. */
  private parseDefRest(keyword: number, name: number, params: Parameter[]): DefStatement {
    const tokens = this.tokens;
    const nameText = tokens.textOf(name);
    const open = this.next();
    if (!this.isOp(open, LPAREN)) this.fail(tokens.rangeOf(open), l10n.t("expected '(' and the parameters after 'def {0}', found {1}", excerpt(nameText), this.describe(open)));
    this.enter(open);
    this.open.push(open);
    let t = this.peekInBrackets(open);
    while (!this.isOp(t, RPAREN)) {
      const param = this.next();
      if (this.kinds[param] !== NAME || isKeyword(tokens, param)) this.fail(tokens.rangeOf(param), l10n.t("expected a parameter name in 'def {0}(…)', found {1}", excerpt(nameText), this.describe(param)));
      params.push({ name: tokens.textOf(param), range: tokens.rangeOf(param) });
      t = this.peekInBrackets(open);
      if (this.isOp(t, COMMA)) {
        this.index++;
        t = this.peekInBrackets(open);
      } else if (!this.isOp(t, RPAREN)) {
        this.fail(tokens.rangeOf(t), l10n.t("expected ',' or ')' after the parameter '{0}', found {1}", excerpt(tokens.textOf(param)), this.describe(t)));
      }
    }
    this.index++;
    this.nesting--;
    this.open.pop();
    const equals = this.next();
    if (!this.isOp(equals, EQUALS)) {
      this.fail(tokens.rangeOf(equals), l10n.t("expected '=' and the function's expression after 'def {0}({1})', found {2}", excerpt(nameText), excerpt(params.map((p) => p.name).join(', ')), this.describe(equals)));
    }
    const body = this.parseExpression();
    this.expectStatementEnd();
    return { kind: 'def', name: nameText, nameRange: tokens.rangeOf(name), params, body, range: { start: tokens.startOf(keyword), end: body.range.end } };
  }

  /** `batch a, b = EXPR`, `train LOSS with OPT for N steps` or `test a, b = A2, B2`, at the keyword. */
  private parseTraining(keyword: number): TrainingStatement {
    const tokens = this.tokens;
    const start = tokens.startOf(keyword);
    this.index++;
    if (tokens.isName(keyword, 'train')) {
      const loss = this.expectName(l10n.t("the loss after 'train'"));
      this.expectWord(['with'], l10n.t("'with' and an optimizer after 'train {0}'", excerpt(loss.name)));
      const optimizer = this.parseExpression();
      this.expectWord(['for'], l10n.t("'for N steps' after the optimizer"));
      const steps = this.parseExpression();
      const end = this.expectWord(['steps', 'step'], l10n.t("'steps' after 'for N'"));
      this.expectStatementEnd();
      return { kind: 'train', loss, optimizer, steps, nameRange: loss.range, range: { start, end: end.end } };
    }
    const word = tokens.textOf(keyword);
    const names = this.nameList(`a name after '${word}'`);
    this.expectEquals(`${word} ${names.map((n) => n.name).join(', ')}`);
    if (word === 'batch') {
      const expr = this.parseExpression();
      this.expectStatementEnd();
      return { kind: 'batch', names, expr, nameRange: names[0]!.range, range: { start, end: expr.range.end } };
    }
    const values = [this.parseExpression()];
    while (this.isOp(this.index, COMMA)) {
      this.index++;
      values.push(this.parseExpression());
    }
    this.expectStatementEnd();
    return { kind: 'test', names, values, nameRange: names[0]!.range, range: { start, end: values[values.length - 1]!.range.end } };
  }

  /** `const X, T = EXPR`, at the `const`. */
  private parseUnpack(keyword: number): TrainingStatement {
    const start = this.tokens.startOf(keyword);
    this.index++;
    const names = this.nameList(`a name after 'const'`);
    this.expectEquals(`const ${names.map((n) => n.name).join(', ')}`);
    const expr = this.parseExpression();
    this.expectStatementEnd();
    return { kind: 'unpack', names, expr, nameRange: names[0]!.range, range: { start, end: expr.range.end } };
  }

  /** `a, b, …`: one name or more, separated by commas. */
  private nameList(wanted: string): Parameter[] {
    const names = [this.expectName(wanted)];
    while (this.isOp(this.index, COMMA)) {
      this.index++;
      names.push(this.expectName(l10n.t("a name after ','")));
    }
    return names;
  }

  private expectEquals(after: string): void {
    const equals = this.next();
    if (!this.isOp(equals, EQUALS)) this.fail(this.tokens.rangeOf(equals), l10n.t("expected '=' after '{0}', found {1}", excerpt(after), this.describe(equals)));
  }

  private expectName(wanted: string): Parameter {
    const t = this.next();
    if (this.kinds[t] !== NAME || isKeyword(this.tokens, t)) this.fail(this.tokens.rangeOf(t), l10n.t('expected {0}, found {1}', wanted, this.describe(t)));
    return { name: this.tokens.textOf(t), range: this.tokens.rangeOf(t) };
  }

  /** A word of the train statement (`with`, `for`, `steps`); returns its range. */
  private expectWord(words: readonly string[], wanted: string): Range {
    const t = this.peekInExpression();
    if (!words.some((w) => this.tokens.isName(t, w))) this.fail(this.tokens.rangeOf(t), l10n.t('expected {0}, found {1}', wanted, this.describe(t)));
    this.index++;
    return this.tokens.rangeOf(t);
  }

  private expectStatementEnd(): void {
    const t = this.index;
    const kind = this.kinds[t];
    if (kind !== NEWLINE && kind !== EOF) {
      this.fail(this.tokens.rangeOf(t), l10n.t('expected the end of the statement, found {0}', this.describe(t)));
    }
  }

  private parseExpression(): Expr {
    let left = this.parseTerm();
    for (;;) {
      const t = this.kinds[this.index] === NEWLINE ? this.peekInExpression() : this.index;
      const op = this.kinds[t] === OP ? this.ops[t] : 0;
      if (op !== PLUS && op !== MINUS) return left;
      this.index++;
      const right = this.parseTerm();
      left = binary(op === PLUS ? '+' : '-', left, right, this.tokens.rangeOf(t));
    }
  }

  private parseTerm(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.kinds[this.index] === NEWLINE ? this.peekInExpression() : this.index;
      const op = this.kinds[t] === OP ? this.ops[t] : 0;
      if (op !== TIMES && op !== SLASH && op !== AT) return left;
      this.index++;
      const right = this.parseUnary();
      left = binary(op === TIMES ? '*' : op === SLASH ? '/' : '@', left, right, this.tokens.rangeOf(t));
    }
  }

  private parseUnary(): Expr {
    const t = this.kinds[this.index] === NEWLINE ? this.peekInExpression() : this.index;
    const op = this.kinds[t] === OP ? this.ops[t] : 0;
    if (op === MINUS || op === PLUS) {
      this.index++;
      this.enter(t);
      const operand = this.parseUnary();
      this.nesting--;
      const opRange = this.tokens.rangeOf(t);
      return { kind: 'unary', op: op === MINUS ? '-' : '+', operand, opRange, range: span(opRange, operand.range) };
    }
    return this.parsePower();
  }

  private parsePower(): Expr {
    const base = this.parsePostfix();
    const t = this.kinds[this.index] === NEWLINE ? this.peekInExpression() : this.index;
    if (this.isOp(t, POWER)) {
      this.index++;
      this.enter(t);
      const exponent = this.parseUnary();
      this.nesting--;
      return binary('**', base, exponent, this.tokens.rangeOf(t));
    }
    return base;
  }

  private parsePostfix(): Expr {
    let expr = this.parseAtom();
    for (;;) {
      const t = this.kinds[this.index] === NEWLINE ? this.peekInExpression() : this.index;
      if (this.kinds[t] !== OP) return expr;
      const op = this.ops[t];
      if (op === DOT) {
        this.index++;
        const attr = this.next();
        if (!this.tokens.isName(attr, 'T')) {
          this.fail(this.tokens.rangeOf(attr), l10n.t("expected 'T' after '.', found {0}", this.describe(attr)));
        }
        const opRange = { start: this.tokens.startOf(t), end: this.tokens.endOf(attr) };
        expr = { kind: 'transpose', operand: expr, opRange, range: { start: expr.range.start, end: opRange.end } };
        continue;
      }
      if (op === LPAREN && expr.kind === 'name') {
        expr = this.parseCall(expr.name, expr.range);
        continue;
      }
      return expr;
    }
  }

  private parseCall(callee: string, calleeRange: Range): Expr {
    const tokens = this.tokens;
    const open = this.next();
    this.enter(open);
    this.open.push(open);
    const args: Argument[] = [];
    let close = this.peekInBrackets(open);
    while (!this.isOp(close, RPAREN)) {
      let keyword = -1;
      if (this.kinds[close] === NAME && this.isOp(this.afterNewlines(close + 1), EQUALS)) {
        keyword = this.next();
        this.peekInBrackets(open);
        this.next();
      }
      const value = this.parseExpression();
      if (keyword < 0) args.push({ keyword: null, keywordRange: null, value, range: value.range });
      else {
        const keywordRange = tokens.rangeOf(keyword);
        args.push({ keyword: tokens.textOf(keyword), keywordRange, value, range: span(keywordRange, value.range) });
      }
      const sep = this.peekInBrackets(open);
      if (this.isOp(sep, COMMA)) {
        this.index++;
        close = this.peekInBrackets(open);
      } else if (this.isOp(sep, RPAREN)) {
        close = sep;
      } else {
        this.fail(tokens.rangeOf(sep), l10n.t("expected ',' or ')' in the call to {0}, found {1}", excerpt(callee), this.describe(sep)));
      }
    }
    this.index++;
    this.nesting--;
    this.open.pop();
    // an array filled by push keeps room for 16 more: the tree of a long file keeps one per call
    return { kind: 'call', callee, calleeRange, args: args.length < 8 ? args.slice() : args, range: { start: calleeRange.start, end: tokens.endOf(close) } };
  }

  private parseAtom(): Expr {
    const tokens = this.tokens;
    const t = this.kinds[this.index] === NEWLINE ? this.peekInExpression() : this.index;
    switch (this.kinds[t]) {
      case NUMBER:
        this.index++;
        return { kind: 'number', value: Number(tokens.textOf(t)), range: tokens.rangeOf(t) };
      case STRING:
        this.index++;
        return { kind: 'string', value: tokens.textOf(t), range: tokens.rangeOf(t) };
      case INVALID:
        // already reported by the lexer; the statement still binds its name
        this.index++;
        return { kind: 'error', range: tokens.rangeOf(t) };
      case NAME: {
        this.index++;
        const text = tokens.textOf(t);
        if (text === 'true' || text === 'True') return { kind: 'bool', value: true, range: tokens.rangeOf(t) };
        if (text === 'false' || text === 'False') return { kind: 'bool', value: false, range: tokens.rangeOf(t) };
        if (text === 'None') return { kind: 'none', range: tokens.rangeOf(t) };
        return { kind: 'name', name: text, range: tokens.rangeOf(t) };
      }
      case OP:
        if (this.ops[t] === LPAREN) {
          this.index++;
          this.enter(t);
          this.open.push(t);
          this.peekInBrackets(t);
          const inner = this.parseExpression();
          const close = this.peekInBrackets(t);
          if (!this.isOp(close, RPAREN)) this.fail(tokens.rangeOf(close), l10n.t("expected ')' to close the '(' at {0}, found {1}", where(tokens.rangeOf(t)), this.describe(close)));
          this.index++;
          this.nesting--;
          this.open.pop();
          return { ...inner, range: { start: tokens.startOf(t), end: tokens.endOf(close) } };
        }
        if (this.ops[t] === LBRACKET) return this.parseTensorLiteral();
        break;
      default:
        break;
    }
    const unclosed = this.open.length > 0 ? this.open[this.open.length - 1]! : -1;
    const kind = this.kinds[t];
    if (unclosed >= 0 && (kind === EOF || (kind === NEWLINE && this.kinds[this.at(t + 1)] === EOF) || (kind === NEWLINE && this.startsStatement(t + 1)))) {
      const opener = this.ops[unclosed] === LPAREN ? '(' : '[';
      const closer = opener === '(' ? ')' : ']';
      this.fail(tokens.rangeOf(unclosed), l10n.t("expected '{0}' to close this '{1}', found the end of the statement", closer, opener));
    }
    return this.fail(tokens.rangeOf(t), l10n.t("expected a value (a name, number, call, '(' or '['), found {0}", this.describe(t)));
  }

  private parseTensorLiteral(): Expr {
    const open = this.next();
    this.enter(open);
    this.open.push(open);
    const elements: Expr[] = [];
    let t = this.peekInBrackets(open);
    while (!this.isOp(t, RBRACKET)) {
      elements.push(this.parseExpression());
      t = this.peekInBrackets(open);
      if (this.isOp(t, COMMA)) {
        this.index++;
        t = this.peekInBrackets(open);
      } else if (!this.isOp(t, RBRACKET)) {
        this.fail(this.tokens.rangeOf(t), l10n.t("expected ',' or ']' in the tensor literal, found {0}", this.describe(t)));
      }
    }
    this.index++;
    this.nesting--;
    this.open.pop();
    return { kind: 'tensor', elements: elements.length < 8 ? elements.slice() : elements, range: { start: this.tokens.startOf(open), end: this.tokens.endOf(t) } };
  }

  /** The next token of an expression; line ends count only outside brackets (callers skip the call when the next token is no line end). */
  private peekInExpression(): number {
    let j = this.index;
    const kinds = this.kinds;
    while (kinds[j] === NEWLINE && this.tokens.depths[j]! > 0 && kinds[j + 1] !== EOF && !this.startsStatement(j + 1)) j++;
    this.index = j;
    return j;
  }

  /**
   * The next token inside the bracket `open`: line ends are skipped, unless
   * the next line plainly starts a new statement, which means the bracket was
   * never closed.
   */
  private peekInBrackets(open: number): number {
    while (this.kinds[this.index] === NEWLINE) {
      if (this.startsStatement(this.index + 1) || this.kinds[this.at(this.index + 1)] === EOF) {
        const opener = this.ops[open] === LPAREN ? '(' : '[';
        const closer = opener === '(' ? ')' : ']';
        this.fail(this.tokens.rangeOf(open), l10n.t("expected '{0}' to close this '{1}', found the end of the statement", closer, opener));
      }
      this.index++;
    }
    return this.index;
  }

  /** Whether the tokens from j look like the start of a statement at the beginning of a line. */
  private startsStatement(j: number): boolean {
    if (j > this.last || this.kinds[j] !== NAME) return false;
    const b = j + 1;
    if (this.kinds[b] === NAME && (declarationAt(this.tokens, j) !== null || this.tokens.isName(j, 'output') || this.tokens.isName(j, 'def') || trainingWordAt(this.tokens, j))) return true;
    return this.isOp(b, EQUALS) && j > 0 && this.kinds[j - 1] === NEWLINE;
  }

  /** The first token from j on that is not a line end (eof at the latest). */
  private afterNewlines(j: number): number {
    while (this.kinds[j] === NEWLINE) j++;
    return j;
  }

  private enter(token: number): void {
    if (++this.nesting > MAX_NESTING) {
      this.fail(this.tokens.rangeOf(token), l10n.t('expected at most {0} levels of nesting, found more', MAX_NESTING));
    }
  }

  private skipStatement(): void {
    while (this.kinds[this.index] !== EOF) {
      const t = this.next();
      if (this.kinds[t] === NEWLINE && (this.tokens.depths[t] === 0 || this.startsStatement(this.index))) return;
    }
  }

  private fail(range: Range, message: string): never {
    this.diagnostics.push({ severity: 'error', range, message });
    throw new StatementError(message);
  }

  private isOp(t: number, op: number): boolean {
    return this.kinds[t] === OP && this.ops[t] === op;
  }

  /** Index j, or the eof token past the end. */
  private at(j: number): number {
    return j < this.last ? j : this.last;
  }

  private next(): number {
    const t = this.index;
    if (this.kinds[t] !== EOF) this.index++;
    return t;
  }

  private describe(t: number): string {
    const text = this.tokens.textOf(t);
    switch (this.kinds[t]) {
      case EOF:
        return l10n.t('the end of the file');
      case NEWLINE:
        return l10n.t('the end of the line');
      case STRING:
        return l10n.t('the string "{0}"', excerpt(text));
      case NUMBER:
        return l10n.t('the number {0}', excerpt(text));
      case NAME:
        return KEYWORDS.includes(text) ? l10n.t("the keyword '{0}'", text) : `'${excerpt(text)}'`;
      default:
        return `'${text}'`;
    }
  }
}

/** `input`, `param` or `const` at token j, or null. */
function declarationAt(tokens: TokenStore, j: number): Declaration | null {
  for (const word of DECLARATIONS) if (tokens.isName(j, word)) return word as Declaration;
  return null;
}

/** Whether token j is `batch`, `train` or `test` (a training statement when a name follows). */
function trainingWordAt(tokens: TokenStore, j: number): boolean {
  for (const word of TRAINING_WORDS) if (tokens.isName(j, word)) return true;
  return false;
}

const LONGEST_KEYWORD = Math.max(...KEYWORDS.map((k) => k.length));

/** Whether token j is a keyword, compared in place (no text is cut out for the names of a long file). */
function isKeyword(tokens: TokenStore, j: number): boolean {
  if (tokens.kinds[j] !== NAME || tokens.ends[j]! - tokens.starts[j]! > LONGEST_KEYWORD) return false;
  for (let k = 0; k < KEYWORDS.length; k++) if (tokens.isName(j, KEYWORDS[k]!)) return true;
  return false;
}

function binary(op: BinaryOperator, left: Expr, right: Expr, opRange: Range): Expr {
  return { kind: 'binary', op, left, right, opRange, range: span(left.range, right.range) };
}

function span(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

function where(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}`;
}
