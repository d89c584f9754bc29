import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { bindingsInScopeAt, occurrencesOf, referenceAt } from '../../src/core/editor/bindingLookup';
import { renameProblem, replaceRanges } from '../../src/core/editor/renameCheck';

const fixture = (name: string): string => fs.readFileSync(path.resolve(__dirname, '../fixtures', name), 'utf8');
const REBINDING = fixture('rebinding.nn');

describe('editor: names resolve to bindings, not spellings', () => {
  const check = checkSource(REBINDING);

  it('finds the occurrence under a position, its end included', () => {
    const def = referenceAt(check, { line: 1, character: 6 })!;
    assert.equal(def.isDefinition, true);
    assert.equal(check.bindings[def.binding]!.nodeId, 0);
    assert.ok(referenceAt(check, { line: 1, character: 7 }), 'the end of the name counts');
    assert.equal(referenceAt(check, { line: 1, character: 10 }), null, 'the number is no name');
  });

  it('in `c = c + c + 1` the right-hand c are uses of the old binding, the left c a new one', () => {
    const left = referenceAt(check, { line: 2, character: 0 })!;
    const right1 = referenceAt(check, { line: 2, character: 4 })!;
    const right2 = referenceAt(check, { line: 2, character: 8 })!;
    assert.equal(left.isDefinition, true);
    assert.notEqual(left.binding, right1.binding);
    assert.equal(right1.binding, right2.binding);
    assert.deepEqual(occurrencesOf(check, right1.binding).map((r) => [r.range.start.line, r.range.start.character]), [[1, 6], [2, 4], [2, 8]]);
    assert.deepEqual(occurrencesOf(check, left.binding).map((r) => [r.range.start.line, r.range.start.character]), [[2, 0], [3, 4]]);
  });

  it('offers the newest binding of each name defined on earlier lines', () => {
    const scope = bindingsInScopeAt(check, { line: 3, character: 4 });
    assert.deepEqual([...scope.keys()], ['c']);
    assert.equal(scope.get('c'), 1);
    assert.deepEqual([...bindingsInScopeAt(check, { line: 1, character: 0 }).keys()], []);
  });
});

describe('editor: rename is checked by resolving the renamed text again', () => {
  const check = checkSource(REBINDING);
  const rangesOf = (binding: number) => occurrencesOf(check, binding).map((r) => r.range);

  it('renames the new binding of c without touching the old one', () => {
    const ranges = rangesOf(1);
    assert.equal(renameProblem(REBINDING, check, ranges, 'e'), null);
    assert.match(replaceRanges(REBINDING, ranges, 'e'), /\ne = c \+ c \+ 1\nd = e \* 2\n/);
  });

  it('refuses a name that is not a name, a keyword, or one that changes what another name means', () => {
    assert.match(renameProblem(REBINDING, check, rangesOf(1), '2x')!, /not a name/);
    assert.match(renameProblem(REBINDING, check, rangesOf(1), 'param')!, /keyword/);
    const text = 'input a = 1\ninput b = 2\ny = a + b\n';
    const c2 = checkSource(text);
    const a = occurrencesOf(c2, 0).map((r) => r.range);
    assert.match(renameProblem(text, c2, a, 'b')!, /would change what another name/);
  });

  it('allows a name that is rebound later, since every use still means the same binding', () => {
    assert.equal(renameProblem(REBINDING, check, rangesOf(0), 'd'), null);
  });

  it('keeps \\r\\n line ends', () => {
    const text = 'input x = 1\r\ny = x * 2\r\n';
    const c2 = checkSource(text);
    assert.equal(replaceRanges(text, occurrencesOf(c2, 0).map((r) => r.range), 'w'), 'input w = 1\r\ny = w * 2\r\n');
  });
});
