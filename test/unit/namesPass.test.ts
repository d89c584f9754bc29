import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { checkSource, type CheckResult } from '../../src/core/check';
import { checkNames, type NamesResult } from '../../src/core/editor/namesPass';
import { renameProblem } from '../../src/core/editor/renameCheck';
import { createFileAccess } from '../../src/node/fileAccess';
import { grammarProgram, mutatedExample, exampleTokens } from '../fuzz/programs';

const repo = path.resolve(__dirname, '../..');
const nnFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? nnFiles(path.join(dir, e.name)) : e.name.endsWith('.nn') ? [path.join(dir, e.name)] : []));

/** Bindings and references as comparable text: names, ranges, roles, what each occurrence means (the node ids are the full check's alone). */
function names(index: CheckResult | NamesResult): { bindings: string[]; references: string[] } {
  const at = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
  const bindings = index.bindings.map((b) => `${b.name}@${at(b.range)} in ${at(b.statementRange)}${b.role ? ` (${b.role})` : ''}`);
  const references = index.references.map((r) => `${at(r.range)} → ${bindings[r.binding]}${r.isDefinition ? ' (definition)' : ''}`).sort();
  return { bindings, references };
}

describe('the names pass: the full check\'s names, without building the graph', () => {
  it('resolves every example and fixture that checks exactly as the full check does', () => {
    const files = [...nnFiles(path.join(repo, 'examples')), ...nnFiles(path.join(repo, 'test/fixtures'))];
    let compared = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const full = checkSource(text, { evaluate: false, files: createFileAccess(file, repo) });
      if (full.diagnostics.some((d) => d.severity === 'error')) continue;
      assert.deepEqual(names(checkNames(text)), names(full), path.relative(repo, file));
      compared++;
    }
    assert.ok(compared >= 20, `compared ${compared} files`);
  });

  it('agrees with the full check on generated programs and mutated examples that check', () => {
    let compared = 0;
    const agree = (text: string): void => {
      const full = checkSource(text, { evaluate: false, maxTensorElements: 10_000 });
      if (full.diagnostics.some((d) => d.severity === 'error')) return;
      compared++;
      assert.deepEqual(names(checkNames(text)), names(full), text);
    };
    fc.assert(fc.property(grammarProgram, agree), { numRuns: 300, seed: 11 });
    fc.assert(fc.property(mutatedExample(exampleTokens()), agree), { numRuns: 300, seed: 12 });
    assert.ok(compared >= 30, `only ${compared} generated programs checked`);
  });

  it('resolves every name of a statement with an error, where the full check stops at the error', () => {
    const text = 'input a = zeros(2, 3)\ninput b = zeros(4, 5)\nc = a @ b\nd = relu(a, b, c) + a\n';
    const usedIn = (index: CheckResult | NamesResult, line: number): string[] =>
      index.references.filter((r) => !r.isDefinition && r.range.start.line === line).map((r) => index.bindings[r.binding]!.name);
    const result = checkNames(text);
    assert.deepEqual(result.diagnostics, [], 'no syntax error');
    assert.deepEqual(usedIn(result, 2), ['a', 'b']);
    assert.deepEqual(usedIn(result, 3), ['a', 'b', 'c', 'a']);
    const full = checkSource(text, { evaluate: false });
    assert.ok(full.diagnostics.some((d) => d.range.start.line === 3), 'relu takes one input: an error on line 4');
    assert.ok(usedIn(full, 3).length < 4, 'the full check does not resolve the arguments of the bad call');
  });

  it('makes no tensor and reads no file: a load() of a missing file and a huge zeros() cost nothing', () => {
    const result = checkNames('input x = load("nowhere.npy")\ninput y = zeros(100000, 100000)\nz = x + y\n');
    assert.deepEqual(result.bindings.map((b) => b.name), ['x', 'y', 'z']);
    assert.equal(result.references.filter((r) => !r.isDefinition).length, 2);
  });

  it('handles a 100,000-operator statement without recursion', () => {
    const text = `input x = 1\ny = x${' + x'.repeat(100_000)}\n`;
    const result = checkNames(text);
    assert.equal(result.references.length, 100_003);
  });

  it('is what rename checks a renamed text with', () => {
    const text = 'input a = 1\nb = a * 2\nc = b + a\n';
    const before = checkNames(text);
    const aRanges = before.references.filter((r) => before.bindings[r.binding]!.name === 'a').map((r) => r.range);
    assert.equal(renameProblem(text, before, aRanges, 'q'), null);
    assert.match(renameProblem(text, before, aRanges, 'b') ?? '', /would change what another name in the file refers to/);
  });
});
