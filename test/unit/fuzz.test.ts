import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { anyInput, assertWellFormed, exampleTokens, exercise, grammarProgram, mutatedExample, randomText, repeatedInput } from '../fuzz/programs';

/*
 * The fuzzer's bounded run: a few hundred cases of each kind, fixed seeds,
 * so the unit layer stays fast and any failure replays. `npm run fuzz` runs
 * the long campaign.
 */
describe('fuzzing: nothing a user types throws', function () {
  // hundreds of cases per test: a generous limit for a loaded machine (nothing here is timed)
  this.timeout(120_000);
  const examples = exampleTokens();

  it('random bytes and random text', () => {
    fc.assert(fc.property(randomText, (text) => void exercise(text)), { numRuns: 400, seed: 1 });
  });

  it('token mutations of the examples', () => {
    fc.assert(fc.property(mutatedExample(examples), (text) => void exercise(text)), { numRuns: 400, seed: 2 });
  });

  it('programs generated from the grammar, with extreme sizes and values', () => {
    fc.assert(fc.property(grammarProgram, (text) => void exercise(text)), { numRuns: 400, seed: 3 });
  });

  it('long inputs: one piece repeated up to 10,000 times', () => {
    fc.assert(fc.property(repeatedInput, (text) => void exercise(text)), { numRuns: 20, seed: 5 });
  });

  it('every kind mixed', () => {
    fc.assert(fc.property(anyInput(examples), (text) => void exercise(text)), { numRuns: 200, seed: 4 });
  });

  it('the oracle has teeth: a range past its line, or a 1 MB message, fails it', () => {
    const at = (line: number, character: number) => ({ line, character });
    assert.throws(() => assertWellFormed('x = 1\ny', [{ severity: 'error', message: 'm', range: { start: at(0, 0), end: at(0, 6) } }]), /outside the text/);
    assert.throws(() => assertWellFormed('x', [{ severity: 'error', message: 'm'.repeat(1_000_000), range: { start: at(0, 0), end: at(0, 1) } }]), /message of/);
    assert.doesNotThrow(() => assertWellFormed('x = 1\ny', [{ severity: 'error', message: 'm', range: { start: at(0, 0), end: at(1, 1) } }]));
  });
});
