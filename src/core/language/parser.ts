import type { Argument, BinaryOperator, Declaration, DefStatement, Expr, Parameter, Statement } from './ast';
import { DECLARATIONS, KEYWORDS } from './ast';
import { excerpt } from './excerpt';
import { tokenize, type Token } from './lexer';
import type { Diagnostic, Range } from './range';

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
  const diagnostics: Diagnostic[] = [];
  const tokens = tokenize(text, diagnostics, maxLiteralElements);
  const lexical = diagnostics.length;
  const statements = new Parser(tokens, diagnostics).parseFile();
  // A line the lexer already reported needs no second, derived complaint from the parser.
  const reported = new Set(diagnostics.slice(0, lexical).map((d) => d.range.start.line));
  const kept = [...diagnostics.slice(0, lexical), ...diagnostics.slice(lexical).filter((d) => !reported.has(d.range.start.line))];
  return { statements, diagnostics: kept };
}

class Parser {
  private index = 0;
  private nesting = 0;
  /** The brackets open at this point of the statement, innermost last. */
  private readonly open: Token[] = [];

  constructor(
    private readonly tokens: readonly Token[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  parseFile(): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      while (this.peek().kind === 'newline') this.index++;
      if (this.peek().kind === 'eof') return statements;
      try {
        statements.push(this.parseStatement());
      } catch (e) {
        if (!(e instanceof StatementError)) throw e;
        this.skipStatement();
      }
    }
  }

  private parseStatement(): Statement {
    this.nesting = 0;
    this.open.length = 0;
    const first = this.peek();
    if (first.kind === 'name' && first.text === 'output' && this.peek(1).kind === 'name') {
      this.index++;
      const name = this.next();
      this.expectStatementEnd();
      return { kind: 'output', name: name.text, nameRange: name.range, range: span(first.range, name.range) };
    }
    if (first.kind === 'name' && first.text === 'def' && this.peek(1).kind === 'name') return this.parseDef(first);
    let declaration: Declaration | null = null;
    if (first.kind === 'name' && DECLARATIONS.includes(first.text) && this.peek(1).kind === 'name') {
      declaration = first.text as Declaration;
      this.index++;
    }
    const name = this.next();
    if (name.kind !== 'name' || KEYWORDS.includes(name.text)) {
      const wanted = declaration ? `a name after '${declaration}'` : 'a statement (NAME = EXPR, input/param/const NAME = EXPR, or output NAME)';
      this.fail(name.range, `expected ${wanted}, found ${describe(name)}`);
    }
    const equals = this.next();
    if (equals.text !== '=' || equals.kind !== 'op') {
      this.fail(equals.range, `expected '=' after '${excerpt(name.text)}', found ${describe(equals)}`);
    }
    const expr = this.parseExpression();
    this.expectStatementEnd();
    return { kind: 'assign', declaration, name: name.text, nameRange: name.range, expr, range: span(first.range, expr.range) };
  }

  /** `def NAME(p1, p2, ...) = EXPR`, after the `def`. */
  private parseDef(keyword: Token): DefStatement {
    this.index++;
    const name = this.next();
    if (KEYWORDS.includes(name.text)) this.fail(name.range, `expected a function name after 'def', found ${describe(name)}`);
    const params: Parameter[] = [];
    try {
      return this.parseDefRest(keyword, name, params);
    } catch (e) {
      if (!(e instanceof StatementError)) throw e;
      // a def that does not parse still defines its name, so its calls say nothing more
      this.skipStatement();
      return { kind: 'def', name: name.text, nameRange: name.range, params, body: { kind: 'error', range: name.range }, range: span(keyword.range, name.range) };
    }
  }

  /** The parameters and body of a def, after its name; `params` fills as they are read. */
  private parseDefRest(keyword: Token, name: Token, params: Parameter[]): DefStatement {
    const open = this.next();
    if (open.kind !== 'op' || open.text !== '(') this.fail(open.range, `expected '(' and the parameters after 'def ${excerpt(name.text)}', found ${describe(open)}`);
    this.enter(open.range);
    this.open.push(open);
    let t = this.peekInBrackets(open);
    while (!(t.kind === 'op' && t.text === ')')) {
      const param = this.next();
      if (param.kind !== 'name' || KEYWORDS.includes(param.text)) this.fail(param.range, `expected a parameter name in 'def ${excerpt(name.text)}(…)', found ${describe(param)}`);
      params.push({ name: param.text, range: param.range });
      t = this.peekInBrackets(open);
      if (t.kind === 'op' && t.text === ',') {
        this.index++;
        t = this.peekInBrackets(open);
      } else if (!(t.kind === 'op' && t.text === ')')) {
        this.fail(t.range, `expected ',' or ')' after the parameter '${excerpt(param.text)}', found ${describe(t)}`);
      }
    }
    this.index++;
    this.nesting--;
    this.open.pop();
    const equals = this.next();
    if (equals.kind !== 'op' || equals.text !== '=') {
      this.fail(equals.range, `expected '=' and the function's expression after 'def ${excerpt(name.text)}(${excerpt(params.map((p) => p.name).join(', '))})', found ${describe(equals)}`);
    }
    const body = this.parseExpression();
    this.expectStatementEnd();
    return { kind: 'def', name: name.text, nameRange: name.range, params, body, range: span(keyword.range, body.range) };
  }

  private expectStatementEnd(): void {
    const t = this.peek();
    if (t.kind !== 'newline' && t.kind !== 'eof') {
      this.fail(t.range, `expected the end of the statement, found ${describe(t)}`);
    }
  }

  private parseExpression(): Expr {
    let left = this.parseTerm();
    for (;;) {
      const t = this.peekInExpression();
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return left;
      this.index++;
      const right = this.parseTerm();
      left = binary(t.text, left, right, t.range);
    }
  }

  private parseTerm(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peekInExpression();
      if (t.kind !== 'op' || (t.text !== '*' && t.text !== '/' && t.text !== '@')) return left;
      this.index++;
      const right = this.parseUnary();
      left = binary(t.text, left, right, t.range);
    }
  }

  private parseUnary(): Expr {
    const t = this.peekInExpression();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      this.index++;
      this.enter(t.range);
      const operand = this.parseUnary();
      this.nesting--;
      return { kind: 'unary', op: t.text, operand, opRange: t.range, range: span(t.range, operand.range) };
    }
    return this.parsePower();
  }

  private parsePower(): Expr {
    const base = this.parsePostfix();
    const t = this.peekInExpression();
    if (t.kind === 'op' && t.text === '**') {
      this.index++;
      this.enter(t.range);
      const exponent = this.parseUnary();
      this.nesting--;
      return binary('**', base, exponent, t.range);
    }
    return base;
  }

  private parsePostfix(): Expr {
    let expr = this.parseAtom();
    for (;;) {
      const t = this.peekInExpression();
      if (t.kind === 'op' && t.text === '.') {
        this.index++;
        const attr = this.next();
        if (attr.kind !== 'name' || attr.text !== 'T') {
          this.fail(attr.range, `expected 'T' after '.', found ${describe(attr)}`);
        }
        const opRange = span(t.range, attr.range);
        expr = { kind: 'transpose', operand: expr, opRange, range: span(expr.range, attr.range) };
        continue;
      }
      if (t.kind === 'op' && t.text === '(' && expr.kind === 'name') {
        expr = this.parseCall(expr.name, expr.range);
        continue;
      }
      return expr;
    }
  }

  private parseCall(callee: string, calleeRange: Range): Expr {
    const open = this.next();
    this.enter(open.range);
    this.open.push(open);
    const args: Argument[] = [];
    let close = this.peekInBrackets(open);
    while (!(close.kind === 'op' && close.text === ')')) {
      let keyword: Token | null = null;
      if (close.kind === 'name' && this.peekAfterNewlines(1).text === '=') {
        keyword = this.next();
        this.peekInBrackets(open);
        this.next();
      }
      const value = this.parseExpression();
      args.push({
        keyword: keyword?.text ?? null,
        keywordRange: keyword?.range ?? null,
        value,
        range: keyword ? span(keyword.range, value.range) : value.range,
      });
      const sep = this.peekInBrackets(open);
      if (sep.kind === 'op' && sep.text === ',') {
        this.index++;
        close = this.peekInBrackets(open);
      } else if (sep.kind === 'op' && sep.text === ')') {
        close = sep;
      } else {
        this.fail(sep.range, `expected ',' or ')' in the call to ${excerpt(callee)}, found ${describe(sep)}`);
      }
    }
    this.index++;
    this.nesting--;
    this.open.pop();
    return { kind: 'call', callee, calleeRange, args, range: span(calleeRange, close.range) };
  }

  private parseAtom(): Expr {
    const t = this.peekInExpression();
    switch (t.kind) {
      case 'number':
        this.index++;
        return { kind: 'number', value: Number(t.text), range: t.range };
      case 'string':
        this.index++;
        return { kind: 'string', value: t.text, range: t.range };
      case 'invalid':
        // already reported by the lexer; the statement still binds its name
        this.index++;
        return { kind: 'error', range: t.range };
      case 'name':
        this.index++;
        if (t.text === 'true' || t.text === 'True') return { kind: 'bool', value: true, range: t.range };
        if (t.text === 'false' || t.text === 'False') return { kind: 'bool', value: false, range: t.range };
        if (t.text === 'None') return { kind: 'none', range: t.range };
        return { kind: 'name', name: t.text, range: t.range };
      case 'op':
        if (t.text === '(') {
          this.index++;
          this.enter(t.range);
          this.open.push(t);
          this.peekInBrackets(t);
          const inner = this.parseExpression();
          const close = this.peekInBrackets(t);
          if (close.text !== ')') this.fail(close.range, `expected ')' to close the '(' at ${where(t.range)}, found ${describe(close)}`);
          this.index++;
          this.nesting--;
          this.open.pop();
          return { ...inner, range: span(t.range, close.range) };
        }
        if (t.text === '[') return this.parseTensorLiteral();
        break;
      default:
        break;
    }
    const unclosed = this.open[this.open.length - 1];
    if (unclosed && (t.kind === 'eof' || (t.kind === 'newline' && this.peek(1).kind === 'eof') || (t.kind === 'newline' && this.startsStatement(this.index + 1)))) {
      const closer = unclosed.text === '(' ? ')' : ']';
      this.fail(unclosed.range, `expected '${closer}' to close this '${unclosed.text}', found the end of the statement`);
    }
    return this.fail(t.range, `expected a value (a name, number, call, '(' or '['), found ${describe(t)}`);
  }

  private parseTensorLiteral(): Expr {
    const open = this.next();
    this.enter(open.range);
    this.open.push(open);
    const elements: Expr[] = [];
    let t = this.peekInBrackets(open);
    while (!(t.kind === 'op' && t.text === ']')) {
      elements.push(this.parseExpression());
      t = this.peekInBrackets(open);
      if (t.kind === 'op' && t.text === ',') {
        this.index++;
        t = this.peekInBrackets(open);
      } else if (!(t.kind === 'op' && t.text === ']')) {
        this.fail(t.range, `expected ',' or ']' in the tensor literal, found ${describe(t)}`);
      }
    }
    this.index++;
    this.nesting--;
    this.open.pop();
    return { kind: 'tensor', elements, range: span(open.range, t.range) };
  }

  /** The next token of an expression; line ends count only outside brackets. */
  private peekInExpression(): Token {
    let j = this.index;
    while (this.tokens[j]!.kind === 'newline' && this.tokens[j]!.depth > 0 && this.tokens[j + 1]!.kind !== 'eof' && !this.startsStatement(j + 1)) j++;
    this.index = j;
    return this.tokens[j]!;
  }

  /**
   * The next token inside the bracket `open`: line ends are skipped, unless
   * the next line plainly starts a new statement, which means the bracket was
   * never closed.
   */
  private peekInBrackets(open: Token): Token {
    while (this.peek().kind === 'newline') {
      if (this.peek().kind === 'newline' && (this.startsStatement(this.index + 1) || this.peek(1).kind === 'eof')) {
        const closer = open.text === '(' ? ')' : ']';
        this.fail(open.range, `expected '${closer}' to close this '${open.text}', found the end of the statement`);
      }
      this.index++;
    }
    return this.peek();
  }

  /** Whether the tokens from j look like the start of a statement at the beginning of a line. */
  private startsStatement(j: number): boolean {
    const a = this.tokens[j]!;
    const b = this.tokens[j + 1]!;
    if (a.kind !== 'name') return false;
    if ((DECLARATIONS.includes(a.text) || a.text === 'output' || a.text === 'def') && b.kind === 'name') return true;
    return b.kind === 'op' && b.text === '=' && this.tokens[j - 1]?.kind === 'newline';
  }

  private peekAfterNewlines(offset: number): Token {
    let j = this.index;
    let seen = 0;
    for (;;) {
      if (this.tokens[j]!.kind !== 'newline') {
        if (seen === offset) return this.tokens[j]!;
        seen++;
      }
      if (this.tokens[j]!.kind === 'eof') return this.tokens[j]!;
      j++;
    }
  }

  private enter(range: Range): void {
    if (++this.nesting > MAX_NESTING) {
      this.fail(range, `expected at most ${MAX_NESTING} levels of nesting, found more`);
    }
  }

  private skipStatement(): void {
    while (this.peek().kind !== 'eof') {
      const t = this.next();
      if (t.kind === 'newline' && (t.depth === 0 || this.startsStatement(this.index))) return;
    }
  }

  private fail(range: Range, message: string): never {
    this.diagnostics.push({ severity: 'error', range, message });
    throw new StatementError(message);
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }
}

function binary(op: string, left: Expr, right: Expr, opRange: Range): Expr {
  return { kind: 'binary', op: op as BinaryOperator, left, right, opRange, range: span(left.range, right.range) };
}

function span(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

function where(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}`;
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'newline':
      return 'the end of the line';
    case 'string':
      return `the string "${excerpt(t.text)}"`;
    case 'number':
      return `the number ${excerpt(t.text)}`;
    case 'name':
      return KEYWORDS.includes(t.text) ? `the keyword '${t.text}'` : `'${excerpt(t.text)}'`;
    default:
      return `'${t.text}'`;
  }
}
