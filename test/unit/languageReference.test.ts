import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSTRUCTORS } from '../../src/core/ops/constructors';
import { CONSTRUCTOR_REFERENCE, OP_REFERENCE, opCalls, operationSections, referenceMarkdown } from '../../src/core/ops/reference';
import { generatedLanguageDoc } from '../../src/core/ops/referenceDoc';
import { OPS, opByName } from '../../src/core/ops/registry';

const languageMd = fs.readFileSync(path.resolve(__dirname, '../../docs/language.md'), 'utf8');

describe('the language reference: generated from the registry, in agreement with docs/language.md', () => {
  it('has an entry for every op of the registry, and none for an op that does not exist', () => {
    for (const op of OPS) assert.ok(OP_REFERENCE[op.name], `${op.name} has reference text`);
    for (const name of Object.keys(OP_REFERENCE)) assert.ok(opByName(name), `${name} is an op of the registry`);
  });

  it('has a row for every leaf constructor, and every row calls one', () => {
    for (const c of CONSTRUCTORS) assert.ok(CONSTRUCTOR_REFERENCE.some((r) => r.calls.includes(`\`${c.name}(`)), `${c.name} has a row`);
    for (const r of CONSTRUCTOR_REFERENCE) assert.ok(CONSTRUCTORS.some((c) => r.calls.startsWith(`\`${c.name}(`)), `${r.calls} calls a constructor`);
  });

  it('docs/language.md holds exactly the tables the registry generates (run `npm run docs` after changing an op)', () => {
    const generated = generatedLanguageDoc(languageMd);
    assert.equal(typeof generated, 'string', JSON.stringify(generated));
    assert.equal(generated, languageMd);
  });

  it('lists every name and alias of every op in docs/language.md, and its operator', () => {
    for (const op of OPS) {
      for (const name of [op.name, ...op.aliases]) assert.ok(languageMd.includes(`\`${name}`), `${name} in docs/language.md`);
      if (op.operator !== undefined) assert.ok(opCalls(op).some((c) => c.includes(` ${op.operator} `) || c.startsWith(op.operator!)), op.name);
    }
    assert.ok(languageMd.includes('`AvgPool`') && languageMd.includes('`GlobalAveragePool`'));
  });

  it('notices a table edited by hand and a section with no table', () => {
    const edited = languageMd.replace('| `relu(x)`, `Relu`, `ReLU`', '| `relu(x)`');
    assert.notEqual(generatedLanguageDoc(edited), edited);
    const section = operationSections()[0]!;
    const removed = languageMd.replace(`<!-- generated: operations ${section} -->`, '');
    assert.deepEqual(generatedLanguageDoc(removed), { problem: `expected a generated table for the section "${section}", found none` });
    assert.deepEqual(generatedLanguageDoc(languageMd.replace('<!-- generated: constructors -->', '<!-- generated: operations Nowhere -->')), {
      problem: `line ${languageMd.split('\n').indexOf('<!-- generated: constructors -->') + 1}: expected one of the sections ${operationSections().join(', ')}, found "Nowhere"`,
    });
  });

  it('gives completion, hover and signature help the same text, by name or alias', () => {
    assert.match(referenceMarkdown('relu'), /\*\*forward\*\* max\(0, x\)/);
    assert.equal(referenceMarkdown('ReLU'), referenceMarkdown('relu'));
    assert.match(referenceMarkdown('softmax_with_loss'), /\*\*backward\*\* dx = \(softmax\(x\) − onehot\(t\)\) \/ batch/);
    assert.match(referenceMarkdown('affine'), /\*\*textbook\*\* Affineレイヤ/);
    assert.match(referenceMarkdown('randn'), /\*\*value\*\* standard normal/);
    assert.match(referenceMarkdown('load'), /\.npz/, 'both rows of load');
    assert.equal(referenceMarkdown('nothing_like_this'), '');
    for (const op of OPS) assert.ok(languageMd.includes(OP_REFERENCE[op.name]!.forward), `${op.name}'s forward text is the one in docs/language.md`);
  });
});
