import * as assert from 'node:assert/strict';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { drawableGraph, type DrawableGraph } from '../../src/core/render/drawableGraph';
import { drawingState } from '../../src/core/render/drawingState';
import { layeredLayout } from '../../src/core/render/layeredLayout';
import { layoutGraph, resolveDirection, type GraphLayout } from '../../src/core/render/layout';
import { countCrossings } from '../../src/core/render/layoutCrossings';
import { edgePolylines, type LayoutEngineInput } from '../../src/core/render/layoutEngine';
import { renderSvg } from '../../src/core/render/renderSvg';
import { FONT_SIZE, textWidth } from '../../src/core/render/textMetrics';
import { generatedDrawable } from '../support/generatedGraphs';
import { loadExample } from '../support/renderFixtures';

const p = (x: number, y: number) => ({ x, y });

/** Boxes of one size and plain edges, for the engine alone. */
function engineInput(nodes: number, edges: [number, number][]): LayoutEngineInput {
  return { nodes: Array.from({ length: nodes }, () => ({ width: 30, height: 20 })), edges: edges.map(([from, to]) => ({ from, to, label: { width: 20, height: 10 } })) };
}

function crossingsOf(input: LayoutEngineInput): number {
  return countCrossings(edgePolylines(input, layeredLayout(input)));
}

function graphOf(source: string): DrawableGraph {
  const { graph, diagnostics } = checkSource(source);
  assert.ok(graph, diagnostics.map((d) => d.message).join('; '));
  return drawableGraph(graph);
}

function assertNoOverlap(layout: GraphLayout): void {
  const nodes = layout.nodes.slice().sort((a, b) => a.x - b.x);
  const h = (n: (typeof nodes)[number]): number => n.height / 2 + (n.caption ? 16 : 0);
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length && nodes[j]!.x - nodes[i]!.x < 600; j++) {
      const a = nodes[i]!;
      const b = nodes[j]!;
      const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 - 0.5 || Math.abs(a.y - b.y) >= h(a) + h(b) - 0.5;
      assert.ok(apart, `nodes ${a.graphNode} (${a.label}) and ${b.graphNode} (${b.label}) overlap`);
    }
  }
}

function assertInside(layout: GraphLayout): void {
  for (const n of layout.nodes) {
    assert.ok(n.x - n.width / 2 >= 0 && n.x + n.width / 2 <= layout.width + 0.5, `node ${n.graphNode} inside across`);
    assert.ok(n.y - n.height / 2 >= 0 && n.y + n.height / 2 <= layout.height + 0.5, `node ${n.graphNode} inside down`);
  }
}

describe('countCrossings: crossings of drawn edges', () => {
  it('counts an X once, and nothing for parallel edges', () => {
    assert.equal(countCrossings([[p(0, 0), p(10, 10)], [p(0, 10), p(10, 0)]]), 1);
    assert.equal(countCrossings([[p(0, 0), p(10, 0)], [p(0, 5), p(10, 5)]]), 0);
  });

  it('does not count edges meeting at a node, touching at an end, or sharing a route', () => {
    assert.equal(countCrossings([[p(0, 0), p(10, 10)], [p(0, 20), p(10, 10)]]), 0, 'meeting at their target');
    assert.equal(countCrossings([[p(0, 0), p(10, 0)], [p(5, 0), p(5, 10)]]), 0, 'a T');
    assert.equal(countCrossings([[p(0, 0), p(10, 0)], [p(2, 0), p(8, 0)]]), 0, 'collinear');
  });

  it('counts each crossing of two polylines, and every pair among several', () => {
    const zigzag = [p(0, 0), p(10, 10), p(20, 0), p(30, 10)];
    assert.equal(countCrossings([zigzag, [p(0, 5), p(30, 5)]]), 3);
    // Three lines through one region, each pair crossing once.
    assert.equal(countCrossings([[p(0, 0), p(10, 10)], [p(0, 10), p(10, 0)], [p(0, 4), p(10, 6)]]), 3);
  });

  it('agrees with a brute force over many random segments', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 100;
    const lines = Array.from({ length: 60 }, () => [p(rnd(), rnd()), p(rnd(), rnd()), p(rnd(), rnd())]);
    let brute = 0;
    const segs = lines.flatMap((l, e) => [[l[0]!, l[1]!, e], [l[1]!, l[2]!, e]] as const);
    const o = (a: { x: number; y: number }, b: { x: number; y: number }, c: { x: number; y: number }): number => Math.sign((b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x));
    for (let i = 0; i < segs.length; i++) {
      for (let j = i + 1; j < segs.length; j++) {
        const [a, b, e] = segs[i]!;
        const [c, d, f] = segs[j]!;
        if (e !== f && o(a, b, c) * o(a, b, d) < 0 && o(c, d, a) * o(c, d, b) < 0) brute++;
      }
    }
    assert.equal(countCrossings(lines), brute);
  });
});

describe('layeredLayout: crossings', () => {
  it('draws trees and a crossed pair without crossings (the optimum is 0)', () => {
    // a→d, b→c given in the "wrong" order.
    assert.equal(crossingsOf(engineInput(4, [[0, 3], [1, 2]])), 0);
    // A binary tree of 31 nodes, leaves first: each level's pairs feed the next level's nodes.
    const edges: [number, number][] = [];
    for (let start = 0, size = 16; size > 1; start += size, size /= 2) {
      for (let i = 0; i < size; i++) edges.push([start + i, start + size + Math.floor(i / 2)]);
    }
    assert.equal(crossingsOf(engineInput(31, edges)), 0);
  });

  it('draws K(3,3) between two layers with its minimum, 9 crossings', () => {
    const edges: [number, number][] = [];
    for (let a = 0; a < 3; a++) for (let b = 3; b < 6; b++) edges.push([a, b]);
    assert.equal(crossingsOf(engineInput(6, edges)), 9);
  });

  it('untangles a ladder whose rungs arrive crossed (optimum 0)', () => {
    // Two chains 0→2→4→… and 1→3→5→…, with the second chain's inputs swapped at every step.
    const edges: [number, number][] = [];
    for (let i = 0; i + 2 < 20; i += 2) edges.push([i + 1, i + 2], [i, i + 3]);
    assert.equal(crossingsOf(engineInput(20, edges)), 0);
  });

  for (const shape of ['chain', 'skip', 'random', 'mlp'] as const) {
    it(`lays out 1,000 nodes (${shape}) with no two nodes overlapping, inside the drawing`, () => {
      const layout = layoutGraph(generatedDrawable(1000, shape), 'operations', 'LR', { collapsed: new Set() });
      assertNoOverlap(layout);
      assertInside(layout);
    });
  }
});

describe('layoutGraph: fitting the panel', () => {
  it('draws leaves in source order: apples above oranges, left of them top to bottom', () => {
    const { drawable } = loadExample('examples/apple_orange.nn');
    const order = ['apple_num', 'apple_price', 'orange_num', 'orange_price'];
    const lr = layoutGraph(drawable, 'operations', 'LR');
    const ys = order.map((name) => lr.nodes.find((n) => n.label === name)!.y);
    assert.deepEqual(ys.slice().sort((a, b) => a - b), ys, `${order.join(', ')} at ${ys.join(', ')}`);
    const tb = layoutGraph(drawable, 'operations', 'TB');
    const xs = order.map((name) => tb.nodes.find((n) => n.label === name)!.x);
    assert.deepEqual(xs.slice().sort((a, b) => a - b), xs);
  });

  it('picks the direction from the panel: left to right when wide (or unknown), top to bottom when tall; a setting forces it', () => {
    assert.equal(resolveDirection('auto', { width: 1600, height: 900 }), 'LR');
    assert.equal(resolveDirection('auto', { width: 800, height: 900 }), 'TB');
    assert.equal(resolveDirection('auto'), 'LR');
    assert.equal(resolveDirection('LR', { width: 800, height: 900 }), 'LR');
    assert.equal(resolveDirection('TB', { width: 1600, height: 900 }), 'TB');
    const { drawable } = loadExample('examples/apple_orange.nn');
    assert.equal(layoutGraph(drawable, 'operations', 'auto', { viewport: { width: 500, height: 900 } }).direction, 'TB');
    assert.equal(layoutGraph(drawable, 'operations', { direction: 'auto', viewport: { width: 900, height: 500 } }).direction, 'LR');
  });

  it('fits the two-layer net whole at full size in a panel a little taller than wide, drawn left to right', () => {
    const { drawable } = loadExample('examples/two_layer_net.nn');
    // Top to bottom it is 848 px across, wider than the panel; folded left to right it is whole.
    assert.ok(layoutGraph(drawable, 'operations', 'TB', { viewport: { width: 800, height: 900 } }).width > 800);
    const layout = layoutGraph(drawable, 'operations', 'auto', { viewport: { width: 800, height: 900 } });
    assert.equal(layout.direction, 'LR');
    assert.ok(layout.width <= 800 && layout.height <= 900, `whole drawing ${layout.width}×${layout.height} at full size (text ${FONT_SIZE.label} px)`);
    assertNoOverlap(layout);
    assertInside(layout);
    // A setting still forces the direction.
    assert.equal(layoutGraph(drawable, 'operations', 'TB', { viewport: { width: 800, height: 900 } }).direction, 'TB');
  });

  it('folds a long chain into bands near the viewport\'s shape, and leaves it unfolded without a viewport', () => {
    const chain = generatedDrawable(1000, 'chain');
    const flat = layoutGraph(chain, 'operations', 'LR');
    assert.equal(flat.bands, 1);
    assert.ok(flat.width / flat.height > 20, 'unfolded it is a long row');
    for (const viewport of [{ width: 1600, height: 900 }, { width: 800, height: 900 }, { width: 400, height: 1000 }]) {
      const layout = layoutGraph(chain, 'operations', 'auto', { viewport });
      assert.ok(layout.bands > 1, `folded for ${viewport.width}×${viewport.height}`);
      const ratio = layout.width / layout.height / (viewport.width / viewport.height);
      assert.ok(ratio > 0.5 && ratio < 2, `shape ${layout.width}×${layout.height} near ${viewport.width}×${viewport.height} (ratio ${ratio.toFixed(2)})`);
      assertNoOverlap(layout);
      assertInside(layout);
      // Every arrow still starts at its source and ends at its target.
      for (const e of layout.edges) {
        const a = e.points[0]!;
        const b = e.points[e.points.length - 1]!;
        const from = layout.nodes[e.from]!;
        const to = layout.nodes[e.to]!;
        assert.ok(Math.abs(a.x - from.x) <= from.width / 2 + 3 && Math.abs(a.y - from.y) <= from.height / 2 + 3, 'starts at its source');
        assert.ok(Math.abs(b.x - to.x) <= to.width / 2 + 3 && Math.abs(b.y - to.y) <= to.height / 2 + 3, 'ends at its target');
      }
    }
  });

  it('folds the two-layer net into as many more bands as make it whole in a half-width panel', () => {
    const { drawable } = loadExample('examples/two_layer_net.nn');
    for (const viewport of [{ width: 725, height: 650 }, { width: 700, height: 675 }]) {
      const layout = layoutGraph(drawable, 'operations', 'auto', { viewport });
      assert.ok(layout.width <= viewport.width && layout.height <= viewport.height, `${layout.width}×${layout.height} within ${viewport.width}×${viewport.height} (${layout.bands} bands)`);
      assertNoOverlap(layout);
    }
  });

  it('does not fold a graph that already fits the viewport\'s shape', () => {
    const { drawable } = loadExample('examples/apple_orange.nn');
    assert.equal(layoutGraph(drawable, 'operations', 'auto', { viewport: { width: 1200, height: 800 } }).bands, 1);
  });
});

describe('layoutGraph and renderSvg: labels', () => {
  it('draws an unnamed literal exactly: 1.0001, not a rounding of it', () => {
    const graph = graphOf('input x = 2\ny = x * 1.0001 + 0.1\n');
    const labels = graph.nodes.filter((n) => n.kind === 'const').map((n) => n.label);
    assert.deepEqual(labels.sort(), ['0.1', '1.0001']);
  });

  it('keeps the partial sum Σ under a narrow leaf inside the drawing', () => {
    const { drawable, stepper } = loadExample('test/fixtures/shared_use.nn');
    stepper.runForward();
    stepper.next();
    for (const direction of ['LR', 'TB'] as const) {
      const layout = layoutGraph(drawable, 'operations', direction);
      const x = layout.nodes.find((n) => n.caption)!;
      const text = `Σ ${drawingState(stepper).nodes[x.graphNode]!.grad!.short} (3/3)`;
      const half = textWidth(text, FONT_SIZE.caption) / 2;
      assert.ok(x.x - half >= 0 && x.x + half <= layout.width, `${text} within 0..${layout.width} at ${x.x}`);
    }
  });

  it('keeps the SVG well-formed when the file name holds control characters or a lone surrogate', () => {
    const { drawable, stepper } = loadExample('examples/apple_orange.nn');
    const svg = renderSvg(drawable, layoutGraph(drawable, 'operations'), drawingState(stepper), { heading: 'a\u0001b\u001b[31m\ud800.nn' });
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(svg, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udfff]/);
    assert.match(svg, /a\ufffdb\ufffd\[31m\ufffd\.nn/);
  });

  it('draws every node of a generated 400-op file, literals exact, once its groups are open', () => {
    const lines = ['input x0 = 1.5'];
    for (let i = 1; i <= 200; i++) lines.push(`x${i} = x${i - 1} * 1.0001 + x${Math.max(0, i - 3)}`);
    const graph = graphOf(lines.join('\n') + '\n');
    const layout = layoutGraph(graph, 'operations', 'auto', { viewport: { width: 1600, height: 900 }, collapsed: new Set() });
    const { graph: g } = checkSource(lines.join('\n') + '\n');
    const svg = renderSvg(graph, layout, drawingState(new Stepper(g!)));
    assert.equal((svg.match(/class="gs-node /g) ?? []).length, layout.nodes.length);
    assert.ok(layout.nodes.some((n) => n.label === '1.0001'));
  });
});
