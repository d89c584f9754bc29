import * as assert from 'node:assert/strict';
import { l10nLanguage, useL10nBundle } from '../../src/core/l10n';
import { CONSTRUCTORS } from '../../src/core/ops/constructors';
import { backwardRuleText, CONSTRUCTOR_REFERENCE, OP_REFERENCE, referenceDoc, referenceMarkdown } from '../../src/core/ops/reference';
import { CONSTRUCTOR_DOC_JA, CONSTRUCTOR_REFERENCE_JA, OP_REFERENCE_JA } from '../../src/core/ops/referenceJa';
import { OPS } from '../../src/core/ops/registry';

/** Hiragana, katakana or kanji: a text written in Japanese. */
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** The code spans of a markdown text (`np.max`): code, the same in every language. */
const codeSpans = (text: string): string[] => [...text.matchAll(/`[^`]+`/g)].map((m) => m[0]);

/** Any bundle: the language reference is chosen by the language given with it. */
const SOME_BUNDLE = { 'Run forward pass': '順伝播を実行' };

describe('the language reference in Japanese (src/core/ops/referenceJa.ts)', () => {
  afterEach(() => useL10nBundle(undefined));

  it('has a Japanese doc, forward and backward for every op of the registry, and none for an op that does not exist', () => {
    for (const op of OPS) {
      const ja = OP_REFERENCE_JA[op.name];
      assert.ok(ja, `${op.name} has a Japanese reference`);
      assert.match(ja.doc, JAPANESE, op.name);
      // every English doc says what the backward does ("Backward: …"); so does every Japanese one, in the textbook's word
      assert.match(op.doc, /Backward: /, op.name);
      assert.match(ja.doc, /逆伝播: /, op.name);
      assert.ok(ja.forward.length > 0 && ja.backward.length > 0, op.name);
    }
    assert.deepEqual(Object.keys(OP_REFERENCE_JA).sort(), Object.keys(OP_REFERENCE).sort());
  });

  it('has a Japanese doc for every leaf constructor and a Japanese value for every row of their table', () => {
    for (const c of CONSTRUCTORS) assert.match(CONSTRUCTOR_DOC_JA[c.name] ?? '', JAPANESE, c.name);
    assert.deepEqual(Object.keys(CONSTRUCTOR_DOC_JA).sort(), CONSTRUCTORS.map((c) => c.name).sort());
    for (const r of CONSTRUCTOR_REFERENCE) assert.ok(CONSTRUCTOR_REFERENCE_JA[r.calls], `${r.calls} has a Japanese value`);
    assert.equal(Object.keys(CONSTRUCTOR_REFERENCE_JA).length, CONSTRUCTOR_REFERENCE.length);
  });

  it('keeps the code of the English text as it is (formulas, numpy and PyTorch names, file kinds)', () => {
    for (const op of OPS) {
      const en = OP_REFERENCE[op.name]!;
      const ja = OP_REFERENCE_JA[op.name]!;
      for (const code of codeSpans(en.forward)) assert.ok(ja.forward.includes(code), `${op.name} forward keeps ${code}: ${ja.forward}`);
      for (const code of codeSpans(en.backward)) assert.ok(ja.backward.includes(code), `${op.name} backward keeps ${code}: ${ja.backward}`);
    }
    for (const r of CONSTRUCTOR_REFERENCE) for (const code of codeSpans(r.value)) assert.ok(CONSTRUCTOR_REFERENCE_JA[r.calls]!.includes(code), `${r.calls} keeps ${code}`);
  });

  it('is what completion, hover and signature help show when the display language is Japanese, with the textbook’s terms', () => {
    useL10nBundle(SOME_BUNDLE, 'ja');
    assert.equal(l10nLanguage(), 'ja');
    const relu = referenceMarkdown('relu');
    assert.equal(relu, '**教科書** ReLUレイヤ  \n**順伝播** max(0, x)  \n**逆伝播** x > 0 では dx = dout、それ以外では 0  \n**例** `a1 = relu(z1)`');
    assert.equal(referenceMarkdown('ReLU'), relu, 'by alias too');
    assert.match(referenceMarkdown('affine'), /\*\*教科書\*\* Affineレイヤ {2}\n\*\*順伝播\*\* x @ W \+ b を 1 つのノードで/);
    assert.match(referenceMarkdown('softmax_with_loss'), /\*\*教科書\*\* Softmax-with-Lossレイヤ/);
    assert.match(referenceMarkdown('randn'), /^\*\*値\*\* 標準正規分布。`numpy\.random\.seed\(s\); numpy\.random\.randn\(d\.\.\.\)` と同じ数 {2}\n\*\*例\*\* `param W1 = randn\(2, 4, seed=1\) \* 0\.01`$/);
    assert.equal(referenceMarkdown('load').split('\n\n').length, 2, 'both rows of load');
    assert.equal(referenceDoc('relu'), 'max(x, 0) を要素ごとに (教科書の ReLUレイヤ)。逆伝播: x > 0 では dout、それ以外では 0。');
    assert.equal(referenceDoc('Relu'), referenceDoc('relu'));
    assert.match(referenceDoc('zeros'), /すべて 0 のテンソル/);
    assert.equal(referenceDoc('nothing_like_this'), '');
    assert.equal(referenceMarkdown('nothing_like_this'), '');
    // the debugger's "local backward": the doc's part after 逆伝播:
    assert.equal(backwardRuleText('relu'), 'x > 0 では dout、それ以外では 0。');
    for (const op of OPS) assert.ok(backwardRuleText(op.name), op.name);
    useL10nBundle(SOME_BUNDLE, 'ja-JP');
    assert.equal(referenceDoc('relu'), OP_REFERENCE_JA.relu!.doc, 'a regional tag of Japanese');
  });

  it('stays English in any other language, and without a bundle', () => {
    const english = (): void => {
      assert.equal(referenceDoc('relu'), OPS.find((op) => op.name === 'relu')!.doc);
      assert.match(referenceMarkdown('relu'), /^\*\*textbook\*\* ReLUレイヤ {2}\n\*\*forward\*\* max\(0, x\) {2}\n\*\*backward\*\* dx = dout where x > 0, else 0/);
      assert.equal(referenceDoc('zeros'), CONSTRUCTORS.find((c) => c.name === 'zeros')!.doc);
      assert.equal(backwardRuleText('relu'), 'dout where x > 0, else 0.');
    };
    english();
    useL10nBundle(SOME_BUNDLE, 'de');
    english();
    useL10nBundle(undefined, 'ja');
    assert.equal(l10nLanguage(), 'en', 'no translation: English');
    english();
  });
});
