import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource, type CheckOptions } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import type { Graph } from '../../src/core/graph/graph';

const examples = path.resolve(__dirname, '../../examples');

function run(text: string, options: CheckOptions = {}): { graph: Graph; stepper: Stepper } {
  const r = checkSource(text, options);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const stepper = new Stepper(r.graph!);
  stepper.runBackward();
  return { graph: r.graph!, stepper };
}

function nodeOf(graph: Graph, name: string): number {
  const b = [...graph.bindings].reverse().find((x) => x.name === name);
  assert.ok(b, `no binding ${name}`);
  return b.nodeId;
}

function valueOf(r: { graph: Graph; stepper: Stepper }, name: string): number[] {
  return Array.from(r.stepper.value(nodeOf(r.graph, name))!.data);
}

function gradOf(r: { graph: Graph; stepper: Stepper }, name: string): number[] {
  return Array.from(r.stepper.grad(nodeOf(r.graph, name))!.data);
}

function close(actual: number[], expected: number[], relative: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    assert.ok(Math.abs(a - e) <= relative * Math.max(Math.abs(e), 1e-300), `${what}[${i}]: ${a} vs ${e} (relative tolerance ${relative})`);
  });
}

const LEAVES = 'input x = randn(3, 4, seed=1)\nparam W = randn(4, 2, seed=2)\nparam b = randn(2, seed=3)\nconst c = randn(3, 4, seed=4)\ninput p = rand(3, 4, seed=5) + 0.05\nconst t = onehot([2, 0, 3], 4)\nconst k = [2, 0, 3]\ninput q = randn(4, seed=6)\n';

/**
 * Each composite as the one node and opened. Forward values must be equal
 * to the last bit; gradients within `tolerance` of the composite's (its
 * closed-form backward and the chain of elementary backwards round
 * differently; softmax_with_loss also by the 1e-7 inside the log, which
 * its closed form (y − t)/batch leaves out: up to 1e-7 / y_t relative).
 */
const CASES: { name: string; body: string; leaves: string[]; tolerance: number; inner: string[] }[] = [
  { name: 'affine', body: 'y = affine(x, W, b)', leaves: ['x', 'W', 'b'], tolerance: 0, inner: ['matmul', 'add'] },
  { name: 'sigmoid', body: 'y = sum(sigmoid(x) * c)', leaves: ['x'], tolerance: 1e-14, inner: ['neg', 'exp', 'const', 'add', 'const', 'div'] },
  { name: 'softmax', body: 'y = sum(softmax(x) * c)', leaves: ['x'], tolerance: 1e-12, inner: ['max', 'sub', 'exp', 'sum', 'div'] },
  { name: 'cross_entropy (one-hot)', body: 'y = cross_entropy(p, t)', leaves: ['p'], tolerance: 1e-15, inner: ['const', 'add', 'log', 'mul', 'sum', 'neg', 'const', 'div'] },
  { name: 'cross_entropy (class indices)', body: 'y = cross_entropy(p, k)', leaves: ['p'], tolerance: 1e-15, inner: ['pick', 'const', 'add', 'log', 'sum', 'neg', 'const', 'div'] },
  { name: 'softmax_with_loss (one-hot)', body: 'y = softmax_with_loss(x, t)', leaves: ['x'], tolerance: 1e-5, inner: ['max', 'sub', 'exp', 'sum', 'div', 'const', 'add', 'log', 'mul', 'sum', 'neg', 'const', 'div'] },
  { name: 'softmax_with_loss (class indices)', body: 'y = softmax_with_loss(x, k)', leaves: ['x'], tolerance: 1e-5, inner: ['max', 'sub', 'exp', 'sum', 'div', 'pick', 'const', 'add', 'log', 'sum', 'neg', 'const', 'div'] },
  { name: 'mse (broadcast)', body: 'y = mse(x, q)', leaves: ['x', 'q'], tolerance: 1e-14, inner: ['sub', 'const', 'pow', 'mean'] },
];

describe('opening composite ops into elementary ops', () => {
  for (const c of CASES) {
    it(`${c.name}: the same value to the last bit, gradients within ${c.tolerance}, every inner arrow computed`, () => {
      const text = `${LEAVES}${c.body}\n`;
      const closed = run(text);
      const open = run(text, { expand: 'all' });
      const group = open.graph.groups.find((g) => g.kind === 'composite');
      assert.ok(group, 'a composite group');
      const inner = open.graph.nodes.filter((n) => n.group === group.id);
      assert.deepEqual(inner.map((n) => n.op), c.inner);
      for (const n of inner) assert.ok(open.stepper.value(n.id), `${n.op} #${n.id} has a value`);
      for (const n of inner.filter((n) => n.kind === 'op')) assert.ok(open.stepper.grad(n.id), `${n.op} #${n.id} has a gradient`);
      assert.deepEqual(valueOf(open, 'y'), valueOf(closed, 'y'), 'forward value bit-identical');
      for (const leaf of c.leaves) {
        if (c.tolerance === 0) assert.deepEqual(gradOf(open, leaf), gradOf(closed, leaf), `d/d${leaf} bit-identical`);
        else close(gradOf(open, leaf), gradOf(closed, leaf), c.tolerance, `d/d${leaf}`);
      }
    });
  }

  it('the two-layer net opened: every value equal, gradients equal to numpy through the elementary ops', () => {
    const text = fs.readFileSync(path.join(examples, 'two_layer_net.nn'), 'utf8');
    const closed = run(text);
    const open = run(text, { expand: 'all' });
    assert.deepEqual(valueOf(open, 'loss'), [1.0986990903562392]);
    assert.deepEqual(valueOf(open, 'a1'), valueOf(closed, 'a1'));
    // numpy 2.4: dy = -t / (y + 1e-7) / N, then softmax's, affine's and relu's backward
    const numpy: Record<string, number[]> = {
      W1: [0.0037998691148601717, -0.0009858954779271695, 0.001373825556822251, 0.000776916827352382, 0.005699803672290258, 0.0029576864337815087, 0.0020607383352333765, -0.002330750482057146],
      b1: [0.00633311519143362, -0.009858954779271695, 0.0022897092613704184, 0.00776916827352382],
      W2: [
        0.0029230921043800107, 0.0029226364029146324, -0.005845728507294643, -0.0020975088450528915, 0.001048711967438103, 0.0010487968776147886, 0.002089500020199698,
        0.0020891742732895386, -0.004178674293489237, -0.0004035293296744643, 0.00020175649711322915, 0.00020177283256123511,
      ],
      b2: [-0.16661278936905818, 0.3333280057615436, -0.16671521639248538],
      x: [9.077806545998569e-5, 9.475837859933209e-5, -2.3047949596367635e-5, 0.00016776821431264993],
    };
    for (const [name, expected] of Object.entries(numpy)) close(gradOf(open, name), expected, 1e-13, `d/d${name}`);
  });

  it("an opened sigmoid is Fig. 5-19's graph: the same values and gradients as writing 1 / (1 + exp(-x)) out", () => {
    const { graph, stepper } = run(fs.readFileSync(path.join(examples, 'sigmoid.nn'), 'utf8'), { expand: 'all' });
    const y = nodeOf(graph, 'y');
    const yGraph = nodeOf(graph, 'y_graph');
    const chain = (end: number): number[] => {
      const ids: number[] = [];
      for (let id = end; graph.nodes[id]!.kind === 'op'; id = graph.nodes[id]!.inputs[graph.nodes[id]!.op === 'div' || graph.nodes[id]!.op === 'add' ? 1 : 0]!) ids.push(id);
      return ids;
    };
    const opened = chain(y);
    const written = chain(yGraph);
    assert.deepEqual(opened.map((id) => graph.nodes[id]!.op), ['div', 'add', 'exp', 'neg']);
    assert.deepEqual(written.map((id) => graph.nodes[id]!.op), ['div', 'add', 'exp', 'neg']);
    opened.forEach((id, i) => {
      assert.deepEqual(Array.from(stepper.value(id)!.data), Array.from(stepper.value(written[i]!)!.data));
      assert.deepEqual(Array.from(stepper.grad(id)!.data), Array.from(stepper.grad(written[i]!)!.data));
    });
  });

  it('steps through the inner nodes: F and B count the elementary ops', () => {
    const text = fs.readFileSync(path.join(examples, 'two_layer_net.nn'), 'utf8');
    const closed = run(text).stepper;
    assert.deepEqual([closed.forwardSteps, closed.backwardSteps], [4, 4]);
    const open = run(text, { expand: 'all' }).stepper;
    // affine 2 + relu 1 + affine 2 + softmax 5 + cross-entropy 6
    assert.deepEqual([open.forwardSteps, open.backwardSteps], [16, 16]);
    open.goTo(7);
    assert.equal(open.graph.nodes[open.currentNode!]!.op, 'sub', 'the 7th forward step is the max-subtraction');
  });

  it('keeps the name, binding and output on the node that replaces the composite', () => {
    const { graph } = run('input x = [[1, 2], [3, 4]]\nparam W = [[1, 0], [0, 1]]\nparam b = [1, 1]\nz = affine(x, W, b)\nw = z * 2\noutput z\n', { expand: 'all' });
    const z = nodeOf(graph, 'z');
    assert.equal(graph.nodes[z]!.op, 'add');
    assert.equal(graph.nodes[z]!.name, 'z');
    assert.equal(graph.output, z);
    assert.deepEqual(graph.nodes[nodeOf(graph, 'w')]!.inputs[0], z);
    graph.nodes.forEach((n, i) => {
      assert.equal(n.id, i, 'ids are indices');
      for (const input of n.inputs) assert.ok(input < i, 'inputs come first');
    });
  });

  it('opens only the composites whose keys are given, and the keys survive an unrelated edit', () => {
    const text = 'input x = [[1, 2]]\nparam W = [[1], [2]]\nparam b = [0.5]\nh = sigmoid(affine(x, W, b))\nloss = mse(h, 1)\n';
    const before = checkSource(text).graph!;
    const keys = before.nodes.filter((n) => n.expandKey).map((n) => n.expandKey!);
    assert.deepEqual(keys, ['composite:h/affine', 'composite:h/sigmoid', 'composite:loss/mse']);
    const edited = checkSource(`# a comment\ninput u = 7\nv = u * 2\n\n${text.replace('loss = mse(h, 1)', 'loss = mse(h, 1)\nextra = loss + 1')}`).graph!;
    assert.deepEqual(
      edited.nodes.filter((n) => n.expandKey && n.name !== 'extra').map((n) => n.expandKey),
      keys,
      'lines added above and below leave the keys as they were',
    );
    const one = checkSource(text, { expand: new Set(['composite:h/sigmoid']) }).graph!;
    assert.deepEqual(one.groups.map((g) => [g.kind, g.key, g.label]), [['composite', 'composite:h/sigmoid', 'Sigmoid']]);
    assert.deepEqual(one.nodes.filter((n) => n.expandKey).map((n) => n.expandKey), ['composite:h/affine', 'composite:loss/mse']);
  });

  it('numbers repeated composites of one statement and rebindings apart', () => {
    const g = checkSource('input x = [1, 2]\ny = sigmoid(x) + sigmoid(x)\ny = sigmoid(y)\n').graph!;
    assert.deepEqual(g.nodes.filter((n) => n.expandKey).map((n) => n.expandKey), ['composite:y/sigmoid', 'composite:y/sigmoid#2', 'composite:y@2/sigmoid']);
  });

  it('leaves a graph with nothing to open as it is', () => {
    const text = fs.readFileSync(path.join(examples, 'apple.nn'), 'utf8');
    const closed = checkSource(text).graph!;
    const open = checkSource(text, { expand: 'all' }).graph!;
    assert.deepEqual(open.nodes.map((n) => n.op), closed.nodes.map((n) => n.op));
    assert.deepEqual(open.groups, []);
  });

  it('reports a bad class index of an opened loss at the call', () => {
    const r = checkSource('input x = [[1, 2, 3]]\nconst k = [5]\nloss = softmax_with_loss(x, k)\n', { expand: 'all' });
    const [e] = r.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(e?.range.start.line, 2);
    assert.match(e!.message, /expected class indices in 0\.\.2, found t\[0\] = 5/);
  });
});
