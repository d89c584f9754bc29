import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DrawableGraph, DrawableGroup, DrawableNode } from '../../src/core/render/drawableGraph';
import { defaultCollapsed, layoutGraph, type GraphLayout, type LayoutFrame, type LayoutNode } from '../../src/core/render/layout';
import { renderSvg } from '../../src/core/render/renderSvg';

function node(id: number, inputs: number[], group: number | null): DrawableNode {
  return { id, name: `v${id}`, kind: inputs.length ? 'op' : 'input', op: inputs.length ? 'add' : 'input', label: inputs.length ? '+' : `v${id}`, inputs, shape: [], group };
}

function group(id: number, label: string, parent: number | null, kind: DrawableGroup['kind'] = 'block'): DrawableGroup {
  return { id, key: `${kind}:${label}`, kind, label, parent };
}

/**
 * Two blocks of source: `a` (leaves 0, 1 and the chain 2–5) and `b` (6–9,
 * using 5 and, twice, 3), then an op at the top level. `b` holds a function
 * call `f` (nodes 7 and 8).
 */
function twoBlocks(): DrawableGraph {
  const nodes = [
    node(0, [], 0),
    node(1, [], 0),
    node(2, [0, 1], 0),
    node(3, [2, 1], 0),
    node(4, [3, 0], 0),
    node(5, [4, 2], 0),
    node(6, [5, 3], 1),
    node(7, [6, 3], 2),
    node(8, [7, 6], 2),
    node(9, [8, 5], 1),
    node(10, [9, 0], null),
  ];
  return { nodes, output: 10, outputName: 'v10', groups: [group(0, 'a', null), group(1, 'b', null), group(2, 'f', 1, 'function')] };
}

function inside(n: LayoutNode, f: LayoutFrame): boolean {
  return n.x - n.width / 2 >= f.x - f.width / 2 && n.x + n.width / 2 <= f.x + f.width / 2 && n.y - n.height / 2 >= f.y - f.height / 2 && n.y + n.height / 2 <= f.y + f.height / 2;
}

function disjoint(a: LayoutFrame, b: LayoutFrame): boolean {
  return Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
}

function frame(layout: GraphLayout, label: string): LayoutFrame {
  const f = layout.frames.find((x) => x.label === label);
  assert.ok(f, `a frame "${label}" in ${layout.frames.map((x) => x.label).join(', ')}`);
  return f;
}

describe('layoutGraph: groups', () => {
  for (const direction of ['LR', 'TB'] as const) {
    it(`draws expanded groups as frames around exactly their nodes, nested inside their parents (${direction})`, () => {
      const graph = twoBlocks();
      const layout = layoutGraph(graph, 'operations', direction, { collapsed: new Set() });
      assert.equal(layout.frames.length, 3);
      const [a, b, f] = [frame(layout, 'a'), frame(layout, 'b'), frame(layout, 'f')];
      assert.equal(f.depth, 1);
      assert.ok(disjoint(a, b), 'the two blocks do not overlap');
      assert.ok(inside({ ...f, role: 'op', graphNode: 0, kind: 'op', shape: 'box', label: '', caption: false }, b), 'the call sits inside its block');
      for (const n of layout.nodes) {
        if (n.role === 'output') continue;
        const g = graph.nodes[n.graphNode]!.group;
        for (const [id, fr] of [[0, a], [1, b], [2, f]] as const) {
          const member = g === id || (id === 1 && g === 2);
          assert.equal(inside(n, fr), member, `node ${n.graphNode} ${member ? 'inside' : 'outside'} frame ${fr.label}`);
        }
      }
      // Every arrow is still drawn, into the frames and out of them.
      assert.equal(layout.edges.length, graph.nodes.reduce((c, n) => c + n.inputs.length, 0) + 1);
      for (const e of layout.edges) assert.match(e.path, /^M[-\d.]+,[-\d.]+([LC][-\d., ]+)+$/);
    });
  }

  it('draws a collapsed group as one box with its label, arrows attached to the box', () => {
    const graph = twoBlocks();
    const layout = layoutGraph(graph, 'operations', 'LR', { collapsed: new Set(['block:a']) });
    const boxes = layout.nodes.filter((n) => n.role === 'group');
    assert.equal(boxes.length, 1);
    const box = boxes[0]!;
    assert.equal(box.label, 'a');
    assert.equal(box.groupKey, 'block:a');
    assert.equal(box.group, 0);
    // Nodes 0–5 are inside the box, so not drawn; the rest are.
    const drawn = layout.nodes.filter((n) => n.role !== 'group' && n.role !== 'output').map((n) => n.graphNode).sort((x, y) => x - y);
    assert.deepEqual(drawn, [6, 7, 8, 9, 10]);
    const index = layout.nodes.indexOf(box);
    // Out of the box: 5 and 3 into 6, 3 into 7, 5 into 9, 0 into 10; nothing into it.
    const out = layout.edges.filter((e) => e.from === index).map((e) => `${e.source}>${e.consumer}`).sort();
    assert.deepEqual(out, ['0>10', '3>6', '3>7', '5>6', '5>9']);
    assert.equal(layout.edges.filter((e) => e.to === index).length, 0);
    assert.equal(box.values, false, 'several outputs: no single value to show');
    assert.equal(layout.frames.map((f) => f.label).join(), 'b,f');
  });

  it('shows the value of a collapsed group with one output, and merges arrows from one value into the box', () => {
    const graph = twoBlocks();
    const layout = layoutGraph(graph, 'operations', 'LR', { collapsed: new Set(['function:f']) });
    const box = layout.nodes.find((n) => n.role === 'group')!;
    assert.equal(box.graphNode, 8, 'the group\'s one output');
    assert.equal(box.values, true);
    const index = layout.nodes.indexOf(box);
    // 6 feeds 7 and 8 inside f: one arrow into the box, standing for both (no single consumer).
    const from6 = layout.edges.filter((e) => e.to === index && e.source === 6);
    assert.equal(from6.length, 1);
    assert.equal(from6[0]!.consumer, null);
    assert.ok(inside(box, frame(layout, 'b')), 'the box sits in the frame of its block');
  });

  it('renders frames and boxes as well-formed SVG with the keys the panel toggles', () => {
    const graph = twoBlocks();
    const state = { position: 0, total: 0, forwardSteps: 0, phase: 'start' as const, currentNode: null, description: 'start', nodes: [], edgeGrads: [] };
    const svg = renderSvg(graph, layoutGraph(graph, 'operations', 'LR', { collapsed: new Set(['function:f']) }), state);
    assert.equal((svg.match(/<g class="gs-frame gs-frame-block" data-group="\d+" data-key="block:[ab]">/g) ?? []).length, 2);
    assert.match(svg, /<g class="gs-node gs-collapsed gs-role-group[^"]*" data-node="8" data-index="\d+" data-group="2" data-key="function:f">/);
    assert.match(svg, /<text class="gs-frame-title"[^>]*>b<\/text>/);
  });

  it('opens small graphs expanded, and large ones with the innermost groups collapsed first', () => {
    // 8 blocks of 50 ops, each op chain split into 5 function calls of 10.
    const build = (blocks: number, calls: number, size: number): DrawableGraph => {
      const groups: DrawableGroup[] = [];
      const nodes: DrawableNode[] = [node(0, [], null)];
      for (let b = 0; b < blocks; b++) {
        const block = groups.push(group(groups.length, `block ${b}`, null)) - 1;
        for (let c = 0; c < calls; c++) {
          const call = groups.push(group(groups.length, `f${b}.${c}`, block, 'function')) - 1;
          for (let i = 0; i < size; i++) nodes.push(node(nodes.length, [nodes.length - 1], call));
        }
      }
      return { nodes, output: nodes.length - 1, outputName: 'out', groups };
    };
    assert.equal(defaultCollapsed(build(2, 5, 10)).size, 0, '100 ops open expanded');
    const calls = defaultCollapsed(build(8, 5, 10));
    assert.equal(calls.size, 40, '400 ops: the 40 calls close, 40 boxes in 8 open blocks are readable');
    assert.ok([...calls].every((k) => k.startsWith('function:')));
    const both = defaultCollapsed(build(100, 5, 2));
    assert.ok(both.has('block:block 0') && both.has('function:f0.0'), '500 calls are still too many: the blocks close too');
    const layout = layoutGraph(build(100, 5, 2), 'operations', 'LR');
    assert.equal(layout.nodes.filter((n) => n.role === 'group').length, 100, 'by default a 1,000-op file draws 100 boxes');
  });

  it('falls back to a flat drawing when collapsing would make arrows run backwards', () => {
    // Node 2 (top level) sits between two nodes of group g and depends on one, feeding the other.
    const nodes = [node(0, [], 0), node(1, [0], 0), node(2, [1], null), node(3, [2], 0)];
    const graph: DrawableGraph = { nodes, output: 3, outputName: 'v3', groups: [group(0, 'g', null)] };
    const layout = layoutGraph(graph, 'operations', 'LR', { collapsed: new Set(['block:g']) });
    assert.equal(layout.nodes.filter((n) => n.role === 'group').length, 0);
    assert.equal(layout.nodes.length, 5);
    const expanded = layoutGraph(graph, 'operations', 'LR', { collapsed: new Set() });
    assert.equal(expanded.frames.length, 0, 'no frame either: the group is not a contiguous piece of the drawing');
  });

  it('measures every node of a collapse that falls back (the nodes inside a box are otherwise left unmeasured)', () => {
    const nodes = [node(0, [], 0), node(1, [0], 0), node(2, [1], null), node(3, [2], 0)];
    const graph: DrawableGraph = { nodes, output: 3, outputName: 'v3', groups: [group(0, 'g', null)] };
    const box = (n: LayoutNode): string => `${n.role} ${n.graphNode} ${n.label} ${n.width}×${n.height}`;
    for (const view of ['operations', 'values'] as const) {
      const fallback = layoutGraph(graph, view, 'LR', { collapsed: new Set(['block:g']) });
      const expanded = layoutGraph(graph, view, 'LR', { collapsed: new Set() });
      assert.deepEqual(fallback.nodes.map(box).sort(), expanded.nodes.map(box).sort(), view);
      assert.equal(fallback.edges.length, expanded.edges.length, `${view}: every arrow, those inside the group too`);
    }
  });

  it('draws a collapsed box the same whatever its inside holds', () => {
    // the same boxes and arrows, whether the collapsed group holds a chain of 3 or of 300 ops
    const chain = (length: number): DrawableGraph => {
      const nodes = [node(0, [], null)];
      for (let i = 1; i <= length; i++) nodes.push(node(i, [i - 1], 0));
      nodes.push({ ...node(length + 1, [length, 0], null), name: 'y' });
      return { nodes, output: length + 1, outputName: 'y', groups: [group(0, 'g', null)] };
    };
    for (const view of ['operations', 'values'] as const) {
      const small = layoutGraph(chain(3), view, 'LR', { collapsed: new Set(['block:g']) });
      const large = layoutGraph(chain(300), view, 'LR', { collapsed: new Set(['block:g']) });
      const box = (n: LayoutNode): string => `${n.role} ${n.label} ${n.width}×${n.height} ${n.x},${n.y}`;
      assert.deepEqual(large.nodes.map(box), small.nodes.map(box), view);
      assert.deepEqual(large.edges.map((e) => e.path), small.edges.map((e) => e.path), view);
      assert.equal(large.nodes.filter((n) => n.role === 'group').length, 1);
    }
  });
});

describe('layoutGraph: groups on any graph (fast-check)', () => {
  it('draws random graphs with random nested groups, any collapsed, with no overlaps and every node inside its frames', () => {
    let framed = 0;
    const arb = fc.integer({ min: 2, max: 40 }).chain((n) =>
      fc.tuple(
        fc.constant(n),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 * n }),
        // Group boundaries: sorted cut points make contiguous top-level blocks; a second level splits some of them.
        fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 4 }),
        fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.constantFrom<'LR' | 'TB'>('LR', 'TB'),
      ),
    );
    fc.assert(
      fc.property(arb, ([n, pairs, cuts, inner, collapse, direction]) => {
        const inputs: number[][] = Array.from({ length: n }, () => []);
        for (const [a, b] of pairs) {
          const lo = Math.min(a % n, b % n);
          const hi = Math.max(a % n, b % n);
          if (lo !== hi && inputs[hi]!.length < 3 && !inputs[hi]!.includes(lo)) inputs[hi]!.push(lo);
        }
        const bounds = [0, ...cuts.sort((a, b) => a - b), n];
        const groups: DrawableGroup[] = [];
        const groupOf: (number | null)[] = new Array(n).fill(null);
        for (let b = 0; b + 1 < bounds.length; b++) {
          if (b % 2 === 1) continue; // every other block stays at the top level
          const id = groups.push(group(groups.length, `block ${b}`, null)) - 1;
          for (let i = bounds[b]!; i < bounds[b + 1]!; i++) groupOf[i] = id;
          // A nested group: the block's first half, when `inner` asks for it.
          const half = Math.floor((bounds[b]! + bounds[b + 1]!) / 2);
          if (inner.includes(bounds[b]!) && half > bounds[b]!) {
            const child = groups.push(group(groups.length, `call ${b}`, id, 'function')) - 1;
            for (let i = bounds[b]!; i < half; i++) groupOf[i] = child;
          }
        }
        const nodes = inputs.map((ins, id) => node(id, ins, groupOf[id]!));
        const graph: DrawableGraph = { nodes, output: n - 1, outputName: 'out', groups };
        const collapsed = new Set(groups.filter((_, i) => collapse[i % 8]).map((g) => g.key));
        const layout = layoutGraph(graph, 'operations', direction, { collapsed });
        // No two node shapes overlap, and all lie inside the drawing.
        layout.nodes.forEach((a, i) => {
          assert.ok(a.x - a.width / 2 >= -0.5 && a.x + a.width / 2 <= layout.width + 0.5 && a.y - a.height / 2 >= -0.5 && a.y + a.height / 2 <= layout.height + 0.5, `node ${a.graphNode} inside the drawing`);
          for (const b of layout.nodes.slice(i + 1)) {
            const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 - 0.5 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2 - 0.5;
            assert.ok(apart, `${a.label} (${a.graphNode}) and ${b.label} (${b.graphNode}) overlap`);
          }
        });
        // Each drawn node lies inside the frame of every expanded group that holds it, and outside the others.
        const holds = (g: number, v: number): boolean => {
          for (let c = nodes[v]!.group ?? null; c !== null; c = groups[c]!.parent) if (c === g) return true;
          return false;
        };
        for (const f of layout.frames) {
          for (const v of layout.nodes) {
            if (v.role === 'output') continue;
            // A collapsed group's box stands for its output node, which its frame's group holds too.
            const member = holds(f.group, v.graphNode);
            assert.equal(inside(v, f), member, `node ${v.graphNode} (${v.role}) and frame ${f.label}`);
          }
        }
        for (const e of layout.edges) assert.match(e.path, /^M[-\d.]+,[-\d.]+([LC][-\d., ]+)+$/);
        framed += layout.frames.length;
      }),
      { numRuns: 80 },
    );
    assert.ok(framed > 20, 'the runs drew frames');
  });
});
