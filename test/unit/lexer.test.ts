import * as assert from 'node:assert/strict';
import { lex, tokenize } from '../../src/core/language/lexer';
import type { Diagnostic } from '../../src/core/language/range';

describe('lexer', () => {
  it('ends every kind of token at the end of the text as it ends it before a space', () => {
    const at = (text: string): string[] => {
      const diagnostics: Diagnostic[] = [];
      const seen = tokenize(text, diagnostics).map((t) => `${t.kind}:${t.text === '\n' ? '\\n' : t.text}@${t.line}:${t.start}-${t.end}`);
      return [...seen, ...diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`)];
    };
    for (const [text, last] of [
      ['y = xyz', 'name:xyz@0:4-7'],
      ['y = 12', 'number:12@0:4-6'],
      ['y = 1.', 'number:1.@0:4-6'],
      ['y = 2.5e3', 'number:2.5e3@0:4-9'],
      ['y = 2.5e-3', 'number:2.5e-3@0:4-10'],
    ] as const) {
      const seen = at(text);
      assert.equal(seen[seen.length - 3], last, text);
      assert.deepEqual(at(`${text} `).slice(0, -2), seen.slice(0, -2), `${text}: the same tokens before a space`);
    }
    // an exponent without digits is not part of the number: `1e` is a number glued to a word
    assert.deepEqual(at('y = 1e'), ['name:y@0:0-1', 'op:=@0:2-3', 'number:1@0:4-5', 'newline:\\n@0:6-6', 'eof:@0:6-6', "0:4-0:6 expected a number, found '1e'"]);
    assert.deepEqual(at('y = 1e+').slice(2, 4), ['number:1@0:4-5', 'op:+@0:6-7']);
    assert.deepEqual(at('s = "ab'), ['name:s@0:0-1', 'op:=@0:2-3', 'string:ab@0:4-7', 'newline:\\n@0:7-7', 'eof:@0:7-7', '0:4-0:7 expected a closing " to end the string, found the end of the line']);
    assert.deepEqual(at('x\r').slice(0, 3), ['name:x@0:0-1', 'newline:\\n@0:1-1', 'newline:\\n@1:0-0']);
    assert.deepEqual(at('a \\'), ['name:a@0:0-1', 'newline:\\n@0:3-3', 'eof:@0:3-3', "0:2-0:3 unexpected character '\\'"]);
  });

  it('names an invisible character by its code point, and quotes a visible one', () => {
    const messages = (text: string): string[] => {
      const diagnostics: Diagnostic[] = [];
      tokenize(text, diagnostics);
      return diagnostics.map((d) => `${d.range.start.character}-${d.range.end.character} ${d.message}`);
    };
    assert.deepEqual(messages('a\u0000b'), ['1-2 unexpected invisible character U+0000']);
    assert.deepEqual(messages('x = 1\u200b'), ['5-6 unexpected invisible character U+200B']);
    assert.deepEqual(messages('x = \u202e1'), ['4-5 unexpected invisible character U+202E']);
    assert.deepEqual(messages('x = \ud800'), ['4-5 unexpected invisible character U+D800']);
    assert.deepEqual(messages('x = $ + \u00a7'), ["4-5 unexpected character '$'", "8-9 unexpected character '§'"]);
  });

  it('reads a name that starts with a letter outside the BMP (two UTF-16 code units) whole', () => {
    const diagnostics: Diagnostic[] = [];
    const seen = tokenize('𝑥 = 1\ny = 𝑥 + a𝑥 + 𝑥𝑦2', diagnostics).map((t) => `${t.kind}:${t.text === '\n' ? '\\n' : t.text}@${t.line}:${t.start}-${t.end}`);
    assert.deepEqual(seen, ['name:𝑥@0:0-2', 'op:=@0:3-4', 'number:1@0:5-6', 'newline:\\n@0:6-6', 'name:y@1:0-1', 'op:=@1:2-3', 'name:𝑥@1:4-6', 'op:+@1:7-8', 'name:a𝑥@1:9-12', 'op:+@1:13-14', 'name:𝑥𝑦2@1:15-20', 'newline:\\n@1:20-20', 'eof:@1:20-20']);
    assert.deepEqual(diagnostics, []);
  });

  it('reads every kind of token with its text, place and bracket depth', () => {
    const tokens = tokenize('y = f(x, "s") ** 2.5e-3 # note\n  .5 @ W[0]\r\nz', []);
    const seen = tokens.map((t) => `${t.kind}:${t.text === '\n' ? '\\n' : t.text}@${t.line}:${t.start}-${t.end}/${t.depth}`);
    assert.deepEqual(seen, [
      'name:y@0:0-1/0',
      'op:=@0:2-3/0',
      'name:f@0:4-5/0',
      'op:(@0:5-6/0',
      'name:x@0:6-7/1',
      'op:,@0:7-8/1',
      'string:s@0:9-12/1',
      'op:)@0:12-13/0',
      'op:**@0:14-16/0',
      'number:2.5e-3@0:17-23/0',
      'newline:\\n@0:30-30/0',
      'number:.5@1:2-4/0',
      'op:@@1:5-6/0',
      'name:W@1:7-8/0',
      'op:[@1:8-9/0',
      'number:0@1:9-10/1',
      'op:]@1:10-11/0',
      'newline:\\n@1:11-11/0',
      'name:z@2:0-1/0',
      'newline:\\n@2:1-1/0',
      'eof:@2:1-1/0',
    ]);
  });

  it('keeps an exponent only when digits follow, and reports a number run into a name', () => {
    const diagnostics: Diagnostic[] = [];
    const tokens = tokenize('a = 1e+ 2x 3.', diagnostics);
    assert.deepEqual(
      tokens.filter((t) => t.kind === 'number').map((t) => t.text),
      ['1', '2', '3.'],
    );
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ["expected a number, found '1e'", "expected a number, found '2x'"],
    );
  });

  it('stores tokens in typed arrays that grow past their first guess, and slices text only when asked', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `x${i}=(x+1)*[2]`).join('\n');
    const store = lex(text, []);
    assert.equal(store.length, 2000 * 12 + 1);
    assert.equal(store.textOf(0), 'x0');
    assert.equal(store.textOf(store.length - 3), ']');
    assert.deepEqual(store.rangeOf(12), { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } });
    assert.ok(store.isName(12, 'x1') && !store.isName(12, 'x10'));
  });
});
