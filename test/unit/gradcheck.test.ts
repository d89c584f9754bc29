import * as assert from 'node:assert/strict';
import { checkSource } from '../../src/core/check';
import { GRADCHECK_ATOL, GRADCHECK_RTOL, gradientCheck, type GradCheckReport } from '../../src/core/engine/gradcheck';
import type { Graph } from '../../src/core/graph/graph';
import type { OpDef } from '../../src/core/ops/opDef';
import { opByName } from '../../src/core/ops/registry';
import { Tensor } from '../../src/core/tensor';

const clock = (): number => performance.now();

function graphOf(text: string): Graph {
  const r = checkSource(text, { evaluate: false });
  assert.ok(r.graph, r.diagnostics.map((d) => d.message).join('\n'));
  return r.graph;
}

const leaf = (report: GradCheckReport, name: string) => {
  const l = report.leaves.find((x) => x.name === name);
  assert.ok(l, `leaf ${name}`);
  return l;
};

/** The registry, except that `name`'s backward is scaled by `factor` (a deliberately wrong gradient). */
function withWrongBackward(name: string, change: (g: Tensor) => Tensor): (op: string) => OpDef | undefined {
  const real = opByName(name)!;
  const wrong: OpDef = { ...real, backward: (ctx) => real.backward(ctx).map((g) => g && change(g)) };
  return (op) => (op === name ? wrong : opByName(op));
}

const scaled = (factor: number) => (g: Tensor) => new Tensor(g.shape, g.data.map((x) => x * factor));
const shifted = (delta: number) => (g: Tensor) => new Tensor(g.shape, g.data.map((x) => x + delta));

const TEXTBOOK_NET = [
  'input x = randn(100, 784, seed=0)',
  'const t = onehot(zeros(100), 10)',
  'param W1 = randn(784, 50, seed=1) * 0.01',
  'param b1 = zeros(50)',
  'param W2 = randn(50, 10, seed=2) * 0.01',
  'param b2 = zeros(10)',
  'a1 = relu(affine(x, W1, b1))',
  'loss = softmax_with_loss(affine(a1, W2, b2), t)',
].join('\n');

describe('gradient check: kinks and the pass rule', () => {
  it('the textbook net 784→50→10, batch 100, passes: the probes that cross a ReLU kink are skipped, not failed', () => {
    const report = gradientCheck(graphOf(TEXTBOOK_NET), clock);
    assert.equal(report.passed, true, JSON.stringify(report.leaves.map((l) => [l.name, l.status, l.failing])));
    assert.deepEqual(report.failingLeaves, []);
    assert.deepEqual(report.leaves.map((l) => l.name), ['x', 'W1', 'b1', 'W2', 'b2']);
    const skipped = report.leaves.reduce((n, l) => n + l.skippedKinks, 0);
    assert.ok(skipped > 0, 'some probe of x, W1 or b1 crosses a kink of relu');
    for (const l of report.leaves) {
      assert.equal(l.checked + l.skippedKinks, Math.min(64, l.size), `${l.name}: every sampled entry is checked or skipped`);
      assert.equal(l.kinks.length, Math.min(l.skippedKinks, 10));
    }
    assert.equal(leaf(report, 'W2').skippedKinks, 0, 'W2 is past the ReLU: its probes cross nothing');
    assert.equal(report.atol, GRADCHECK_ATOL);
    assert.equal(report.rtol, GRADCHECK_RTOL);
    assert.match(report.rule, /atol \+ rtol/);
  });

  it('relu at 0: the probes straddle the kink (slopes 0 and 1), so the entry is skipped and the leaf is "kinks only"', () => {
    const report = gradientCheck(graphOf('input x = 0\ny = relu(x)\n'), clock);
    const x = leaf(report, 'x');
    assert.equal(x.status, 'kinks only');
    assert.equal(x.passed, true);
    assert.deepEqual([x.checked, x.skippedKinks, x.kinks], [0, 1, [0]]);
    assert.equal(report.passed, true);
  });

  it('abs at 0 is a kink too; away from 0 it is checked', () => {
    const report = gradientCheck(graphOf('input a = [0, 1.5, -2]\ny = sum(abs(a))\n'), clock);
    const a = leaf(report, 'a');
    assert.deepEqual([a.checked, a.skippedKinks, a.kinks], [2, 1, [0]]);
    assert.equal(a.status, 'pass');
  });

  it('max: a probe that changes which element is largest is a kink; a clear maximum is checked', () => {
    const report = gradientCheck(graphOf('input a = [[1, 1.000001, 0], [2, -1, 0.5]]\ny = sum(max(a, axis=1))\n'), clock);
    const a = leaf(report, 'a');
    assert.deepEqual([a.checked, a.skippedKinks, a.kinks], [4, 2, [0, 1]]);
    assert.equal(a.status, 'pass');
  });

  it('a deliberately wrong backward fails, names the leaves and lists the failing entries', () => {
    const graph = graphOf(TEXTBOOK_NET);
    const report = gradientCheck(graph, clock, { ops: withWrongBackward('affine', scaled(1.001)), maxEntriesPerLeaf: 8 });
    assert.equal(report.passed, false);
    const ids = (...names: string[]): number[] => names.map((n) => graph.nodes.find((node) => node.name === n)!.id);
    assert.deepEqual(report.failingLeaves, ids('x', 'W1', 'b1', 'W2', 'b2'));
    const w2 = leaf(report, 'W2');
    assert.equal(w2.status, 'fail');
    assert.ok(w2.failing.length > 0 && w2.failing.length <= 10);
    for (const e of w2.failing) assert.ok(e.absError > report.atol + report.rtol * Math.abs(e.numeric));
  });

  it('only the leaves behind the wrong op fail', () => {
    const graph = graphOf('input a = [1.5, -0.25]\nparam w = [2, 3]\nm = a * w\ny = sum(m + exp(w))\n');
    const report = gradientCheck(graph, clock, { ops: withWrongBackward('exp', shifted(1e-3)) });
    assert.deepEqual(report.failingLeaves, [graph.nodes.find((n) => n.name === 'w')!.id]);
    assert.equal(leaf(report, 'a').status, 'pass');
  });

  it('combines the tolerances as PyTorch does: |num − ana| ≤ atol + rtol·|num|', () => {
    const graph = graphOf('input a = [1.5, -0.25, 3]\ny = sum(a * a)\n');
    // each entry of the gradient 2a = [3, -0.5, 6] comes out 2 · 1e-6 too large (two contributions)
    const off = { ops: withWrongBackward('mul', shifted(1e-6)) };
    const passes = (atol: number, rtol: number): boolean => gradientCheck(graph, clock, { ...off, atol, rtol }).passed;
    assert.equal(passes(2.1e-6, 0), true, 'atol alone, loose enough');
    assert.equal(passes(1.6e-6, 0), false, 'atol alone, too tight');
    assert.equal(passes(0, 1e-6), false, 'rtol alone is too tight for the entry -0.5');
    assert.equal(passes(1.6e-6, 1e-6), true, 'together: 1.6e-6 + 1e-6 · 0.5 ≥ 2e-6');
  });
});
