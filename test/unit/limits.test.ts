import * as assert from 'node:assert/strict';
import { checkSource, tapeMemoryBytes, type CheckOptions } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { tensorToJson } from '../../src/core/format';
import { parse } from '../../src/core/language/parser';
import { loadTensor } from '../../src/core/ops/loadFile';
import { bindingHoverMarkdown } from '../../src/core/editor/hoverMarkdown';
import { cli } from '../support/runCli';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

function diagnostics(text: string, options: CheckOptions = {}) {
  return checkSource(text, options).diagnostics;
}

function errors(text: string, options: CheckOptions = {}) {
  return diagnostics(text, options).filter((d) => d.severity === 'error');
}

/** The output's value and every leaf's gradient after both passes. */
function run(text: string, options: CheckOptions = {}) {
  const r = checkSource(text, options);
  assert.ok(r.graph, r.diagnostics.map((d) => d.message).join('\n'));
  const stepper = new Stepper(r.graph);
  stepper.runBackward();
  return { graph: r.graph, stepper, value: tensorToJson(stepper.value(r.graph.output!)!), diagnostics: r.diagnostics };
}

describe('limits that hold for every shape', () => {
  const huge = 100_000_000_000;
  const cases: [string, string][] = [
    ['transpose', `input x = zeros(${huge}, 0)\ny = x.T`],
    ['multiply', `input x = zeros(${huge * 10}, 0)\ny = x * 2`],
    ['matmul', `input x = zeros(${huge}, 0)\ny = x @ x.T`],
    ['affine', `input x = zeros(${huge}, 0)\nparam W = zeros(0, 3)\nparam b = zeros(3)\ny = affine(x, W, b)`],
    ['eye', `input x = eye(${huge}, 0)\ny = x * 2`],
    ['full', `input x = full(${huge}, 0, value=1)\ny = x * 2`],
    ['ones', `input x = ones(0, ${huge})\ny = sum(x, axis=0)`],
    ['randn', `input x = randn(${huge}, 0, seed=1)\ny = x + 1`],
    ['arange', `input x = arange(1e300)\ny = x + 1`],
  ];
  for (const [what, text] of cases) {
    it(`an empty tensor with a huge dimension is an error before anything runs (${what})`, () => {
      const [e, more] = errors(text);
      assert.equal(more, undefined);
      assert.match(e!.message, /graphstep\.maxTensorElements/);
      assert.match(e!.message, /dimension|elements/);
      assert.equal(e!.range.start.line, 0, 'on the leaf that makes it');
    });
  }

  it('a reshape to a huge empty shape is an error at the reshape, naming the limit and the setting', () => {
    const [e] = errors(`input x = zeros(0)\ny = reshape(x, ${huge}, 0)`);
    assert.equal(e!.range.start.line, 1);
    assert.match(e!.message, /^reshape: expected every dimension to be at most 10000000 \(graphstep\.maxTensorElements\), found 100000000000/);
  });

  it('bounds the index space of an empty tensor: [10^5, 10^5, 0] is refused (its rows would be 10^10)', () => {
    const [e] = errors('input x = zeros(100000, 100000, 0)\ny = softmax(x)');
    assert.match(e!.message, /index space/);
    assert.match(e!.message, /graphstep\.maxTensorElements/);
  });

  it('allows at most 32 axes, as numpy: in constructors, reshape and literals', () => {
    const ones33 = Array(33).fill('1').join(', ');
    assert.match(errors(`input x = zeros(${ones33})\ny = x * 2`)[0]!.message, /^zeros: expected at most 32 dimensions \(a fixed limit, as in numpy\), found 33$/);
    assert.match(errors(`input x = 1\ny = reshape(x, ${ones33})`)[0]!.message, /^reshape: expected at most 32 dimensions/);
    assert.match(errors(`input x = ${'['.repeat(33)}1${']'.repeat(33)}\ny = x * 2`)[0]!.message, /^tensor literal: expected at most 32 dimensions/);
    assert.ok(checkSource(`input x = zeros(${Array(32).fill('1').join(', ')})\ny = x * 2`).graph, '32 axes are fine');
  });

  it('a rank-3000 reshape is one diagnostic, not a stack overflow', () => {
    const [e] = errors(`input x = 1\ny = reshape(x, ${Array(3000).fill('1').join(', ')})`);
    assert.match(e!.message, /found 3000$/);
  });

  it('a limit diagnostic quotes a shortened shape, not thousands of sizes', () => {
    const [e] = errors(`input x = zeros(${Array(5000).fill('1').join(', ')}, 0)\ny = x * 2`);
    assert.ok(e!.message.length < 200, e!.message);
  });
});

describe('empty tensors follow numpy in every op', () => {
  it('matmul with inner size 0 gives zeros ([2,0] @ [0,3], and a 0-length dot)', () => {
    assert.deepEqual(run('input a = zeros(2, 0)\ninput b = zeros(0, 3)\ny = a @ b').value, [[0, 0, 0], [0, 0, 0]]);
    assert.equal(run('input a = zeros(0)\ninput b = zeros(0)\ny = a @ b').value, 0);
    assert.deepEqual(run('input x = zeros(2, 0)\nparam W = zeros(0, 3)\nparam b = ones(3)\ny = affine(x, W, b)').value, [[1, 1, 1], [1, 1, 1]]);
  });

  it('the sum of an empty axis is 0', () => {
    assert.deepEqual(run('input a = zeros(2, 0)\ny = sum(a, axis=1)').value, [0, 0]);
    assert.equal(run('input a = zeros(2, 0)\ny = sum(a)').value, 0);
    assert.equal(run('input a = arange(0)\ny = sum(a)').value, 0);
  });

  it('the mean of an empty slice is NaN with a warning at the mean', () => {
    const r = run('input a = zeros(2, 0)\ny = mean(a, axis=1)');
    assert.deepEqual(r.value, ['NaN', 'NaN']);
    const w = r.diagnostics.find((d) => d.message.startsWith('mean:'))!;
    assert.equal(w.severity, 'warning');
    assert.match(w.message, /Mean of empty slice/);
    assert.equal(w.range.start.line, 1);
    assert.equal(run('input a = zeros(0, 3)\ny = mean(a, axis=1)').diagnostics.filter((d) => d.message.startsWith('mean:')).length, 0, 'averaging 3 values over 0 rows is no empty slice');
  });

  it('elementwise ops, transpose, reshape and softmax keep the empty shape; gradients are empty too', () => {
    const r = run('input x = zeros(2, 0, 3)\ny = reshape(softmax(relu(x.T) * 2 + 1), -1, 3)');
    assert.deepEqual(r.graph.nodes[r.graph.output!]!.shape, [0, 3]);
    assert.deepEqual(r.value, []);
    assert.deepEqual(r.stepper.grad(0)!.shape, [2, 0, 3]);
  });

  it('a loss over a batch of 0 is NaN (0/0, as numpy), with a warning', () => {
    const r = run('input a = zeros(0, 3)\nconst t = zeros(0, 3)\ny = softmax_with_loss(a, t)');
    assert.equal(r.value, 'NaN');
    assert.ok(r.diagnostics.some((d) => d.severity === 'warning'));
  });
});

describe('no recursion limit reachable from input', function () {
  // large inputs: a generous limit for a loaded machine (these tests time nothing)
  this.timeout(120_000);
  it('a chain of 100,000 + computes its value and gradient', () => {
    const r = run(`input x = 1\ny = ${Array(100_000).fill('x').join(' + ')}`);
    assert.equal(r.value, 100_000);
    assert.equal(r.stepper.grad(0)!.data[0], 100_000);
    assert.equal(r.stepper.forwardSteps, 99_999);
  });

  it('a chain of 100,000 .T builds and runs', () => {
    assert.deepEqual(run(`input x = [[1, 2]]\ny = x${'.T'.repeat(100_000)}`).value, [[1, 2]]);
  });

  it('a long chain of mixed operators and precedences builds and runs', () => {
    const mixed = run(`input x = 2\ny = x${' * x - x / x + 1'.repeat(5_000)}`);
    assert.equal(mixed.stepper.forwardSteps, 20_000);
  });

  it('a function whose body is a chain of 100,000 + is checked and inlined', () => {
    const r = run(`def f(x) = ${Array(100_000).fill('x').join(' + ')}\ninput a = 1\ny = f(a)`);
    assert.equal(r.value, 100_000);
    assert.equal(r.stepper.grad(r.graph.nodes.findIndex((n) => n.name === 'a'))!.data[0], 100_000);
  });

  it('a constant chain of 100,000 operators folds into one leaf', () => {
    const r = run(`x = 1${' + 1'.repeat(100_000)}\ny = x * 2`);
    assert.equal(r.value, 200_002);
  });

  it('the hover of a leaf used 100,000 times, before its gradient arrives, names the step it arrives at', () => {
    const r = checkSource(`input x = 1\ny = ${Array(100_000).fill('x').join(' + ')}`);
    const stepper = new Stepper(r.graph!);
    const hover = bindingHoverMarkdown(stepper, r.bindings.find((b) => b.name === 'x')!);
    assert.match(hover, /not computed yet: the backward pass reaches `x` at backward step 1 /);
  });

  it('`graphstep run` prints the table of a 100,000-statement file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-'));
    const lines = ['input x0 = 1'];
    for (let i = 1; i <= 100_000; i++) lines.push(`x${i} = x${i - 1} * 2`);
    fs.writeFileSync(path.join(dir, 'long.nn'), lines.join('\n'));
    const r = cli('run', path.join(dir, 'long.nn'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^output: x100000 {3}steps: forward 100000, backward 100000/);
    assert.match(r.out, /\n199998 +x99999 +op +mul +\[\] +Infinity +2\n/);
    assert.match(r.out, /\n200000 +x100000 +op +mul +\[\] +Infinity +1\n$/);
  });

  it('a 100,000-statement file checks', () => {
    const lines = ['input x0 = 1'];
    for (let i = 1; i <= 100_000; i++) lines.push(`x${i} = x${i - 1} + 1`);
    const r = checkSource(lines.join('\n'), { evaluate: false });
    assert.ok(r.graph);
    assert.equal(r.bindings.length, 100_001);
  });

  it('deep nesting is a ranged diagnostic', () => {
    const [e] = errors(`input x = 1\ny = ${'('.repeat(10_000)}x${')'.repeat(10_000)}`);
    assert.match(e!.message, /levels of nesting/);
    assert.equal(e!.range.start.line, 1);
  });

  it('JSON nested 10,000 deep loads as a diagnostic naming the rank limit', () => {
    const r = loadTensor('deep.json', new TextEncoder().encode('['.repeat(10_000) + '1' + ']'.repeat(10_000)), 1e7);
    assert.equal(r.ok, false);
    assert.match((r as { message: string }).message, /expected at most 32 dimensions/);
  });
});

describe('checking is linear', function () {
  this.timeout(120_000);
  it('10,000 unknown names are 10,000 diagnostics, each with a bounded "did you mean"', () => {
    const lines = ['input x = 1'];
    for (let i = 0; i < 10_000; i++) lines.push(`y${i} = x + zz${i}`);
    const es = errors(lines.join('\n'));
    assert.equal(es.length, 10_000);
    assert.match(es[0]!.message, /unknown name 'zz0'/);
  });

  it('still suggests the close name', () => {
    const [e] = errors('input weight = 1\ny = wieght * 2');
    assert.match(e!.message, /did you mean 'weight'/);
  });

  it('a 1 MB misspelt name gets a message quoting a short excerpt', () => {
    const [e] = errors(`input x = 1\ny = x + ${'a'.repeat(1_000_000)}`);
    assert.ok(e!.message.length < 200, `${e!.message.length} characters`);
    assert.match(e!.message, /1000000 characters/);
  });

  it('100,000 call arguments are one diagnostic', () => {
    const es = errors(`input x = 1\ny = reshape(x, ${Array(100_000).fill('1').join(', ')})`);
    assert.equal(es.length, 1);
    assert.match(es[0]!.message, /at most 32 dimensions/);
  });
});

describe('a memory budget (graphstep.maxMemoryMB)', function () {
  this.timeout(60_000);
  it('counts values, gradients and edge gradients from the shapes', () => {
    const g = checkSource('input x = zeros(1000)\ny = x * x', { evaluate: false }).graph!;
    // values: x, y (8 KB each); seed of y; two contributions into x: the edge, then the edge and a new partial sum
    assert.deepEqual(tapeMemoryBytes(g).total, 8000 * (2 + 1 + 1 + 2));
  });

  it('a tape over the budget is an error at the node where it passes it', () => {
    const lines = ['input x = zeros(100000)'];
    for (let i = 1; i <= 60; i++) lines.push(`x${i} = ${i === 1 ? 'x' : `x${i - 1}`} * 1.5`);
    const [e, more] = errors(lines.join('\n'), { maxMemoryMB: 10 });
    assert.equal(more, undefined);
    assert.match(e!.message, /^memory: expected the tape's tensors to fit in 10 MB \(graphstep\.maxMemoryMB\), found \d+ MB of values and gradients/);
    assert.ok(e!.range.start.line > 1 && e!.range.start.line < 60, `at line ${e!.range.start.line + 1}`);
    assert.ok(checkSource(lines.join('\n'), { maxMemoryMB: 100, evaluate: false }).graph, 'fits in 100 MB');
  });

  it('leaves are refused before they are allocated, at the first one over the budget', () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) lines.push(`param w${i} = zeros(1000000)`);
    lines.push(`y = ${lines.map((_, i) => `w${i}`).join(' + ')}`);
    const es = errors(lines.join('\n'), { maxMemoryMB: 64 });
    assert.equal(es.length, 1);
    assert.equal(es[0]!.range.start.line, 8, 'the ninth 8 MB leaf passes 64 MB');
  });

  it('checkSource tells the estimated bytes and the cost', () => {
    const r = checkSource('input a = zeros(10, 20)\ninput b = zeros(20, 30)\ny = a @ b', { evaluate: false });
    assert.equal(r.cost, 10 * 20 * 30);
    assert.equal(r.memoryBytes, tapeMemoryBytes(r.graph!).total);
  });

  it('a check evaluates only within its cost budget and says when it skipped', () => {
    const text = 'input a = zeros(300, 300)\ny = a @ a';
    const skipped = checkSource(text, { maxEvaluationCost: 1e6 });
    assert.equal(skipped.evaluationSkipped, true);
    assert.ok(skipped.graph);
    assert.equal(checkSource(text, { maxEvaluationCost: 1e8 }).evaluationSkipped, false);
  });

  it('a tensor literal over the limit is measured while lexing: one error, and its name stays defined', () => {
    const text = `input x = [${Array(20).fill('1').join(', ')}]\ny = x * 2`;
    const es = errors(text, { maxTensorElements: 10 });
    assert.equal(es.length, 1);
    assert.match(es[0]!.message, /^tensor literal: expected at most 10 elements \(graphstep\.maxTensorElements\), found more than 10 numbers$/);
    assert.deepEqual(es[0]!.range, { start: { line: 0, character: 10 }, end: { line: 0, character: 11 } });
    const parsed = parse(text, 10);
    assert.equal(parsed.statements.length, 2, 'the literal was skipped, not its statement');
  });

  it('a literal spread over lines is skipped whole, and the lines after it keep their numbers', () => {
    const text = `input x = [\n${Array(20).fill('1,').join('\n')}\n]\ny = x * 2\nz = q`;
    const es = errors(text, { maxTensorElements: 10 });
    assert.equal(es.length, 2);
    assert.equal(es[1]!.range.start.line, 23);
  });
});

describe('messages quote at most a short excerpt of a file', () => {
  it('a CSV field of 100,000 NUL bytes', () => {
    const r = loadTensor('nul.csv', new Uint8Array(100_000), 1e7);
    assert.equal(r.ok, false);
    assert.ok((r as { message: string }).message.length < 200);
  });

  it('a .npy header', () => {
    const header = `{'descr': '<f8', ${'x'.repeat(5000)}}`;
    const bytes = new Uint8Array(10 + header.length);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
    bytes.set(new TextEncoder().encode(header), 10);
    const r = loadTensor('h.npy', bytes, 1e7);
    assert.ok((r as { message: string }).message.length < 300);
  });

  it('a long misspelt function, keyword or number', () => {
    for (const text of [`input x = 1\ny = ${'f'.repeat(100_000)}(x)`, `input x = 1\ny = sum(x, ${'k'.repeat(100_000)}=1)`, `input x = 1\ny = x + 2${'e'.repeat(100_000)}`, `input x = 1\n${'v'.repeat(100_000)} x`]) {
      for (const d of diagnostics(text)) assert.ok(d.message.length < 200, d.message.slice(0, 300));
    }
  });

  it('a long string argument', () => {
    const [e] = errors(`input x = zeros("${'p'.repeat(10_000)}")`);
    assert.ok(e!.message.length < 200, e!.message);
  });
});
