import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DrawableGraph, DrawableNode } from '../../src/core/render/drawableGraph';
import { layoutGraph, type GraphLayout, type LayoutNode } from '../../src/core/render/layout';
import { generatedDrawable } from '../support/generatedGraphs';
import { loadExample } from '../support/renderFixtures';

/** Whether two shapes' boxes (captions included) overlap. */
function overlaps(a: LayoutNode, b: LayoutNode): boolean {
  const h = (n: LayoutNode): number => n.height / 2 + (n.caption ? 16 : 0);
  return Math.abs(a.x - b.x) < (a.width + b.width) / 2 - 0.5 && Math.abs(a.y - b.y) < h(a) + h(b) - 0.5;
}

function assertWellFormed(layout: GraphLayout): void {
  for (const n of layout.nodes) {
    assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y), `node ${n.graphNode} at ${n.x},${n.y}`);
    assert.ok(n.x - n.width / 2 >= 0 && n.y - n.height / 2 >= 0, `node ${n.graphNode} inside the drawing`);
    assert.ok(n.x + n.width / 2 <= layout.width + 0.5 && n.y + n.height / 2 <= layout.height + 0.5, `node ${n.graphNode} inside the drawing`);
  }
  for (const e of layout.edges) {
    assert.ok(layout.nodes[e.from]!.x < layout.nodes[e.to]!.x, `arrow ${e.from} → ${e.to} runs left to right`);
    assert.match(e.path, /^M[-\d.]+,[-\d.]+([LC][-\d., ]+)+$/);
  }
}

function assertNoOverlap(layout: GraphLayout): void {
  // Sort by x so only neighbours in x are compared (keeps 1,000-node graphs fast).
  const nodes = layout.nodes.slice().sort((a, b) => a.x - b.x);
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length && nodes[j]!.x - nodes[i]!.x < 400; j++) {
      assert.ok(!overlaps(nodes[i]!, nodes[j]!), `nodes ${nodes[i]!.graphNode} and ${nodes[j]!.graphNode} overlap`);
    }
  }
}

describe('layoutGraph', () => {
  it('draws the apple and orange figure left to right: leaves, × and + circles, the output arrow at the right', () => {
    const { drawable } = loadExample('examples/apple_orange.nn');
    const layout = layoutGraph(drawable, 'operations');
    assert.equal(layout.engine, 'layered');
    const ops = layout.nodes.filter((n) => n.role === 'op');
    assert.deepEqual(ops.map((n) => `${n.label}:${n.shape}`), ['×:circle', '×:circle', '+:circle', '×:circle']);
    const leaves = layout.nodes.filter((n) => n.role === 'leaf').map((n) => n.label);
    assert.deepEqual(leaves, ['apple_num', 'apple_price', 'orange_num', 'orange_price', 'tax']);
    const output = layout.nodes.find((n) => n.role === 'output')!;
    assert.equal(output.label, 'total');
    assert.equal(Math.max(...layout.nodes.map((n) => n.x)), output.x, 'the output is rightmost');
    for (const leaf of layout.nodes.filter((n) => n.role === 'leaf' && n.label !== 'tax')) assert.ok(leaf.x < ops[0]!.x);
    // One arrow per argument plus the output's, each with a label slot.
    assert.equal(layout.edges.length, 9);
    assert.ok(layout.edges.every((e) => e.label !== null));
    assertWellFormed(layout);
    assertNoOverlap(layout);
  });

  it('draws wide symbols (Affine, SoftmaxWithLoss) as pills and keeps them apart', () => {
    const { drawable } = loadExample('examples/two_layer_net.nn');
    const layout = layoutGraph(drawable, 'operations');
    const pills = layout.nodes.filter((n) => n.shape === 'pill').map((n) => n.label);
    assert.deepEqual(pills, ['Affine', 'ReLU', 'Affine', 'SoftmaxWithLoss']);
    assertWellFormed(layout);
    assertNoOverlap(layout);
  });

  it('reserves a line under a value used several times for its accumulated gradient', () => {
    const { drawable } = loadExample('test/fixtures/shared_use.nn');
    const layout = layoutGraph(drawable, 'operations');
    const x = layout.nodes.find((n) => n.role === 'leaf' && n.label === 'x')!;
    assert.equal(x.caption, true);
    assert.equal(layout.nodes.filter((n) => n.caption).length, 1);
  });

  it('in the values view draws one record per value and one circle per operation (micrograd style)', () => {
    const { drawable } = loadExample('examples/apple_orange.nn');
    const layout = layoutGraph(drawable, 'values');
    assert.equal(layout.nodes.filter((n) => n.shape === 'record').length, drawable.nodes.length);
    assert.equal(layout.nodes.filter((n) => n.role === 'op').length, 4);
    assert.equal(layout.edges.length, 8 + 4);
    assert.ok(layout.edges.every((e) => e.label === null));
    assertWellFormed(layout);
    assertNoOverlap(layout);
  });

  it('is deterministic: the same graph gets the same drawing (the panel and the export agree)', () => {
    const { drawable } = loadExample('examples/two_layer_net.nn');
    assert.deepEqual(layoutGraph(drawable, 'operations'), layoutGraph(drawable, 'operations'));
    const big = generatedDrawable(500, 'skip');
    assert.deepEqual(layoutGraph(big, 'operations'), layoutGraph(big, 'operations'));
  });

  it('uses the layered layout at every size, and dagre only when asked', () => {
    assert.equal(layoutGraph(generatedDrawable(20, 'chain'), 'operations').engine, 'layered');
    assert.equal(layoutGraph(generatedDrawable(20, 'chain'), 'operations', { engine: 'dagre' }).engine, 'dagre');
  });

  for (const shape of ['chain', 'skip', 'random', 'mlp'] as const) {
    it(`lays out 1,000 nodes (${shape}) without overlaps, every arrow left to right`, () => {
      const layout = layoutGraph(generatedDrawable(1000, shape), 'operations', 'LR');
      assert.equal(layout.engine, 'layered');
      assertWellFormed(layout);
      assertNoOverlap(layout);
    });
  }

  it('lays out any DAG with either engine: finite, inside the drawing, left to right, no overlaps', () => {
    const dag = fc
      .integer({ min: 1, max: 40 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 3 * n }),
          fc.constantFrom<'dagre' | 'layered'>('dagre', 'layered'),
        ),
      );
    fc.assert(
      fc.property(dag, ([n, pairs, engine]) => {
        const inputs: number[][] = Array.from({ length: n }, () => []);
        for (const [a, b] of pairs) {
          const lo = Math.min(a % n, b % n);
          const hi = Math.max(a % n, b % n);
          if (lo !== hi && inputs[hi]!.length < 3) inputs[hi]!.push(lo);
        }
        const nodes = inputs.map((ins, id): DrawableNode => ({
          id,
          name: ins.length ? null : `leaf${id}`,
          kind: ins.length ? 'op' : 'input',
          op: ins.length ? 'add' : 'input',
          label: ins.length ? '+' : `leaf${id}`,
          inputs: ins,
          shape: id % 4 === 0 ? [2, 3] : [],
        }));
        const graph: DrawableGraph = { nodes, output: n - 1, outputName: 'out' };
        for (const view of ['operations', 'values'] as const) {
          const layout = layoutGraph(graph, view, { engine });
          assertWellFormed(layout);
          assertNoOverlap(layout);
        }
      }),
      { numRuns: 60 },
    );
  });
});
