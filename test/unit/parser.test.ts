import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { parse, parseEach, MAX_NESTING } from '../../src/core/language/parser';
import { statementOutline } from '../../src/core/language/statementOutline';
import type { Expr } from '../../src/core/language/ast';

function only(text: string) {
  const r = parse(text);
  assert.deepEqual(r.diagnostics, [], `unexpected diagnostics for ${JSON.stringify(text)}`);
  return r.statements;
}

function exprOf(text: string): Expr {
  const s = only(`y = ${text}`)[0]!;
  assert.equal(s.kind, 'assign');
  return (s as { expr: Expr }).expr;
}

/** Renders an expression fully parenthesised, to pin precedence and associativity. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number': return String(e.value);
    case 'name': return e.name;
    case 'string': return JSON.stringify(e.value);
    case 'bool': return String(e.value);
    case 'none': return 'None';
    case 'tensor': return `[${e.elements.map(show).join(', ')}]`;
    case 'unary': return `(${e.op}${show(e.operand)})`;
    case 'binary': return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'call': return `${e.callee}(${e.args.map((a) => (a.keyword ? `${a.keyword}=` : '') + show(a.value)).join(', ')})`;
    case 'transpose': return `${show(e.operand)}.T`;
    case 'error': return '<error>';
  }
}

describe('parser', () => {
  it('parses the four statement forms', () => {
    const s = only('input a = 2\nparam W = zeros(3)\nconst t = [1, 0]\nb = a * 3\noutput b\n');
    assert.deepEqual(s.map((x) => x.kind === 'assign' ? `${x.declaration ?? '-'} ${x.name}` : x.kind === 'output' ? `output ${x.name}` : x.kind), ['input a', 'param W', 'const t', '- b', 'output b']);
  });

  it('binds + - looser than * / @, unary minus looser than **, and ** to the right', () => {
    assert.equal(show(exprOf('a + b * c - d / e')), '((a + (b * c)) - (d / e))');
    assert.equal(show(exprOf('-x**2')), '(-(x ** 2))');
    assert.equal(show(exprOf('a ** b ** c')), '(a ** (b ** c))');
    assert.equal(show(exprOf('2 ** -1')), '(2 ** (-1))');
    assert.equal(show(exprOf('x @ W.T + b')), '((x @ W.T) + b)');
    assert.equal(show(exprOf('sum(x, axis=-1, keepdims=True)')), 'sum(x, axis=(-1), keepdims=true)');
  });

  it('reads every number form of the spec', () => {
    assert.deepEqual(['2', '1.1', '.5', '1e-3', '2.5E+4'].map((n) => (exprOf(n) as { value: number }).value), [2, 1.1, 0.5, 0.001, 25000]);
  });

  it('accepts Unicode identifiers and CRLF line ends', () => {
    const s = only('input りんご = 2\r\nz = りんご * 3\r\n');
    assert.equal(s.length, 2);
    assert.equal(s[1]!.kind === 'assign' && s[1]!.expr.kind === 'binary' ? s[1]!.expr.opRange.start.character : -1, 8);
  });

  it('continues a statement over line breaks inside brackets', () => {
    const s = only('x = [[1, 2],\n     [3, 4]]\ny = affine(x,\n  W,\n  b)\n');
    assert.equal(s.length, 2);
    assert.deepEqual(s[1]!.range, { start: { line: 2, character: 0 }, end: { line: 4, character: 4 } });
  });

  it('gives exact ranges to names and operators', () => {
    const s = only('  total = fruit_sum * tax  # comment\n')[0]!;
    assert.ok(s.kind === 'assign' && s.expr.kind === 'binary');
    assert.deepEqual(s.nameRange, { start: { line: 0, character: 2 }, end: { line: 0, character: 7 } });
    assert.deepEqual(s.expr.opRange, { start: { line: 0, character: 20 }, end: { line: 0, character: 21 } });
  });

  it('reports several errors in one file and keeps the good statements', () => {
    const r = parse('a = 2\nb = a +\nc = (a\nd = a * 2\ne = ) 3\n');
    assert.deepEqual(r.statements.map((s) => s.kind === 'assign' && s.name), ['a', 'd']);
    assert.equal(r.diagnostics.length, 3);
    assert.match(r.diagnostics[0]!.message, /expected a value .* found the end of the line/);
    assert.equal(r.diagnostics[0]!.range.start.line, 1);
    assert.match(r.diagnostics[1]!.message, /expected '\)' to close this '\('/);
    assert.deepEqual(r.diagnostics[1]!.range.start, { line: 2, character: 4 });
    assert.equal(r.diagnostics[2]!.range.start.line, 4);
  });

  it('reports a stray character and an unterminated string', () => {
    const r = parse('a = 2 $ 3\nb = load("x.npy)\n');
    assert.equal(r.diagnostics.length, 2, 'one diagnostic per bad line');
    assert.match(r.diagnostics[0]!.message, /unexpected character '\$'/);
    assert.match(r.diagnostics.map((d) => d.message).join('\n'), /closing " to end the string/);
  });

  it('answers 10,000 nested parentheses with a diagnostic, not a stack overflow', () => {
    const deep = 'y = ' + '('.repeat(10_000) + 'x' + ')'.repeat(10_000) + '\nz = 1\n';
    const r = parse(deep);
    assert.equal(r.diagnostics.length, 1);
    assert.match(r.diagnostics[0]!.message, new RegExp(`at most ${MAX_NESTING} levels`));
    assert.equal(r.statements.length, 1);
  });

  it('parses nesting up to the limit', () => {
    const e = exprOf('('.repeat(MAX_NESTING - 1) + 'x' + ')'.repeat(MAX_NESTING - 1));
    assert.equal(show(e), 'x');
  });

  it('parses a 1 MB file quickly enough to type in', () => {
    const lines = ['input x0 = 1'];
    for (let i = 1, size = 0; size < 1_000_000; i++) size += lines[lines.push(`x${i} = x${i - 1} * 1.0001 + ${i}`) - 1]!.length + 1;
    const r = parse(lines.join('\n'));
    assert.equal(r.diagnostics.length, 0);
    assert.equal(r.statements.length, lines.length);
  });

  it('hands each statement on as it is read, the same ones parse keeps, and a check keeps only their outlines', () => {
    const dir = path.resolve(__dirname, '../../examples');
    const texts = fs.readdirSync(dir).filter((f) => f.endsWith('.nn')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    texts.push('input x = 1\ny = (x +\nz = x * * 2\n2x = 3\nw = relu(x', 'a = 1 $ 2\nb = [1, 2\nc = a');
    for (const text of texts) {
      const whole = parse(text, 1000);
      const seen: unknown[] = [];
      const diagnostics = parseEach(text, (s) => seen.push(s), 1000);
      assert.deepEqual(seen, whole.statements);
      assert.deepEqual(diagnostics, whole.diagnostics);
      const checked = checkSource(text, { evaluate: false, maxTensorElements: 1000 });
      assert.deepEqual(checked.statements, whole.statements.map(statementOutline));
      for (const s of checked.statements) assert.ok(!('expr' in s) && !('body' in s), 'an outline holds no expression tree');
    }
  });
});
