import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { activeParameter, callContextAt, signatureParameters } from '../../src/core/editor/callContext';
import { completionCandidates } from '../../src/core/editor/completionCandidates';
import { gradCheckReportHtml } from '../../src/core/editor/gradCheckReportHtml';
import { gradientCheck } from '../../src/core/engine/gradcheck';

/** The position just after the first `marker` in `text` (the marker itself removed). */
function at(textWithCursor: string): { text: string; position: { line: number; character: number } } {
  const i = textWithCursor.indexOf('|');
  const before = textWithCursor.slice(0, i).split('\n');
  return { text: textWithCursor.slice(0, i) + textWithCursor.slice(i + 1), position: { line: before.length - 1, character: before[before.length - 1]!.length } };
}

describe('signature help: the call and argument under the cursor', () => {
  it('finds the innermost call, its argument index and keyword', () => {
    const a = at('input x = 1\ny = sum(relu(x), ax|');
    assert.deepEqual(callContextAt(a.text, a.position), { callee: 'sum', argumentIndex: 1, keyword: null });
    const b = at('y = sum(relu(x|), axis=1)');
    assert.deepEqual(callContextAt(b.text, b.position), { callee: 'relu', argumentIndex: 0, keyword: null });
    const c = at('y = sum(x, keepdims=|');
    assert.deepEqual(callContextAt(c.text, c.position), { callee: 'sum', argumentIndex: 1, keyword: 'keepdims' });
    const d = at('y = affine(x,\n    W, [1, |');
    assert.deepEqual(callContextAt(d.text, d.position), { callee: 'affine', argumentIndex: 2, keyword: null });
    const e = at('y = relu(x)|');
    assert.equal(callContextAt(e.text, e.position), null);
    const f = at('y = relu(x\nz = |');
    assert.equal(callContextAt(f.text, f.position)?.callee, 'relu', 'an unclosed bracket continues the statement');
  });

  it('splits a signature into parameters and picks the active one', () => {
    const params = signatureParameters('sum(x, axis=None, keepdims=false)');
    assert.deepEqual(params.map((p) => p.label), ['x', 'axis=None', 'keepdims=false']);
    assert.equal('sum(x, axis=None, keepdims=false)'.slice(params[1]!.start, params[1]!.end), 'axis=None');
    assert.equal(activeParameter(params, { callee: 'sum', argumentIndex: 1, keyword: null }), 1);
    assert.equal(activeParameter(params, { callee: 'sum', argumentIndex: 1, keyword: 'keepdims' }), 2);
    const reshape = signatureParameters('reshape(x, d1, d2, ...)');
    assert.equal(activeParameter(reshape, { callee: 'reshape', argumentIndex: 5, keyword: null }), 2);
    const full = signatureParameters('full(d..., value=v)');
    assert.equal(activeParameter(full, { callee: 'full', argumentIndex: 2, keyword: null }), 0);
  });
});

describe('completion: names in scope, operations, constructors, keywords', () => {
  const textOf = (s: string) => at(s);

  it('offers names bound above and the operations with their signatures', () => {
    const { text, position } = textOf('input apple_num = 2\ninput tax = 1.1\ny = re|');
    const items = completionCandidates(text, checkSource(text), null, position);
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('apple_num') && labels.includes('tax'));
    const relu = items.find((i) => i.label === 'relu')!;
    assert.equal(relu.kind, 'operation');
    assert.match(relu.detail, /^relu\(/);
    assert.ok(relu.documentation.length > 0);
    assert.ok(items.some((i) => i.label === 'ReLU' && /alias of relu/.test(i.detail)));
    assert.ok(items.some((i) => i.label === 'randn' && i.kind === 'constructor'));
  });

  it('offers statement keywords at the start of a line, T after a dot, keyword arguments in a call', () => {
    const start = textOf('input x = 2\npa|');
    assert.ok(completionCandidates(start.text, checkSource(start.text), null, start.position).some((i) => i.label === 'param' && i.kind === 'keyword'));
    const dot = textOf('input x = [[1, 2]]\ny = x.|');
    assert.deepEqual(completionCandidates(dot.text, checkSource(dot.text), null, dot.position).map((i) => i.label), ['T']);
    const kw = textOf('input x = [[1, 2]]\ny = sum(x, |');
    assert.ok(completionCandidates(kw.text, checkSource(kw.text), null, kw.position).some((i) => i.label === 'axis=' && i.kind === 'argument'));
  });
});

describe('gradient check view', () => {
  it('tabulates each leaf with its errors and pass/fail, and the cost of both methods', () => {
    const check = checkSource(fs.readFileSync(path.resolve(__dirname, '../../examples/apple.nn'), 'utf8'));
    const report = gradientCheck(check.graph!, () => performance.now());
    const html = gradCheckReportHtml(report, check.graph!, 'apple.nn');
    for (const name of ['apple_num', 'apple_price', 'tax']) assert.match(html, new RegExp(`data-leaf="${name}"`));
    assert.match(html, /All 3 leaves pass/);
    assert.match(html, /<td class="num">1 of 1<\/td>/);
    assert.match(html, /4 forward passes per entry\)<\/td><td class="num">\d+ forward passes/);
    assert.match(html, /1 forward \+ 1 backward pass/);
    assert.doesNotMatch(gradCheckReportHtml(report, check.graph!, '<x>'), /<x>/, 'titles are escaped');
  });
});

describe('completion of the training statements', () => {
  it('offers batch, train and test at the start of a line, the optimizers after "with", and their keywords in a call', () => {
    const start = at('const X = [[1, 2]]\ntr|');
    const keywords = completionCandidates(start.text, checkSource(start.text), null, start.position).filter((i) => i.kind === 'keyword').map((i) => i.label);
    for (const k of ['batch', 'train', 'test']) assert.ok(keywords.includes(k), k);
    const opt = at('param w = 1\nloss = w * w\ntrain loss with |');
    const optimizers = completionCandidates(opt.text, checkSource(opt.text), null, opt.position);
    assert.deepEqual(optimizers.map((i) => i.label), ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam']);
    assert.equal(optimizers.find((i) => i.label === 'adam')!.detail, 'adam(lr=0.001, beta1=0.9, beta2=0.999)');
    const hyper = at('param w = 1\nloss = w * w\ntrain loss with adam(|');
    const args = completionCandidates(hyper.text, checkSource(hyper.text), null, hyper.position).filter((i) => i.kind === 'argument').map((i) => i.label);
    assert.deepEqual(args, ['lr=', 'beta1=', 'beta2=']);
    const sample = at('const X = [[1, 2]]\nbatch x = sample(X, |');
    assert.deepEqual(completionCandidates(sample.text, checkSource(sample.text), null, sample.position).filter((i) => i.kind === 'argument').map((i) => i.label), ['size=', 'seed=']);
  });
});
