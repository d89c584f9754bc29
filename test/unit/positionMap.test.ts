import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { mapPosition, matchNodes } from '../../src/core/engine/positionMap';
import { Stepper } from '../../src/core/engine/stepper';
import type { Graph } from '../../src/core/graph/graph';

function graphOf(text: string): Graph {
  const r = checkSource(text, { evaluate: false });
  assert.ok(r.graph, r.diagnostics.map((d) => d.message).join('\n'));
  return r.graph;
}

const APPLE_ORANGE = fs.readFileSync(path.resolve(__dirname, '../../examples/apple_orange.nn'), 'utf8');

/** The text with `line` inserted before line number `at` (0-based). */
function insertLine(text: string, at: number, line: string): string {
  const lines = text.split('\n');
  lines.splice(at, 0, line);
  return lines.join('\n');
}

/** "backward 3/3" and the like, at position p of a graph. */
function describe_(graph: Graph, p: number): string {
  const s = new Stepper(graph);
  s.goTo(p);
  return s.describePosition();
}

/** The name of the node run by the step that reached position p. */
function nodeAt(graph: Graph, p: number): string | null {
  const id = new Stepper(graph).nodeAtStep(p);
  return id === null ? null : (graph.nodes[id]!.name ?? graph.nodes[id]!.op);
}

describe('positions follow nodes across edits (mapPosition)', () => {
  const before = graphOf(APPLE_ORANGE);

  it('an unrelated statement added during the backward pass keeps the backward step and its node (not the index)', () => {
    // Kept by index, position 7 would read "backward 2/4" after the edit: the new statement adds a forward step.
    const s = new Stepper(before);
    const p = s.forwardSteps + 3;
    assert.equal(describe_(before, p), 'backward 3/4');
    const after = graphOf(insertLine(APPLE_ORANGE, 6, 'input unrelated = 7\nalso = unrelated * 2'));
    const q = mapPosition(before, p, after);
    assert.equal(describe_(after, q), 'backward 3/4');
    assert.equal(nodeAt(after, q), nodeAt(before, p));
  });

  it('a statement added before the node in the forward pass moves the index but keeps the node', () => {
    const p = 3; // fruit_sum
    assert.equal(nodeAt(before, p), 'fruit_sum');
    const after = graphOf(insertLine(APPLE_ORANGE, 7, 'extra = tax * 3'));
    const q = mapPosition(before, p, after);
    assert.equal(q, 4, 'one more forward step before fruit_sum');
    assert.equal(nodeAt(after, q), 'fruit_sum');
  });

  it('keeps the node when a leaf value or a constant changes', () => {
    const p = new Stepper(before).total - 1;
    const after = graphOf(APPLE_ORANGE.replace('input tax = 1.1', 'input tax = 1.25').replace('input apple_num = 2', 'input apple_num = 5'));
    const q = mapPosition(before, p, after);
    assert.equal(q, p);
    assert.equal(nodeAt(after, q), nodeAt(before, p));
  });

  it('when the node is gone, stands after the latest earlier step of the same phase whose node remains', () => {
    const text = 'input a = 2\ninput b = 3\nc = a * b\nd = c + a\ne = d * b\noutput e\n';
    const g = graphOf(text);
    const p = 3; // e
    assert.equal(nodeAt(g, p), 'e');
    const after = graphOf('input a = 2\ninput b = 3\nc = a * b\nd = c + a\ne = d - b\noutput e\n');
    // e is now a sub whose identity differs (another op): d (forward 2) is the latest that remains.
    const q = mapPosition(g, p, after);
    assert.equal(nodeAt(after, q), 'd');
    assert.equal(q, 2);
  });

  it('in the backward pass, falls back to the latest earlier backward step whose node is still run backward', () => {
    const text = 'input a = 2\ninput b = 3\nc = a * b\nd = c + a\noutput d\n';
    const g = graphOf(text);
    const total = new Stepper(g).total; // F = 2, B = 2: backward runs d, then c
    assert.equal(nodeAt(g, total), 'c');
    // c is no longer on the output's path: the backward pass of the new graph does not run it.
    const after = graphOf('input a = 2\ninput b = 3\nc = a * b\nd = a + b\noutput d\n');
    const q = mapPosition(g, total, after);
    assert.equal(describe_(after, q), 'backward 1/1');
    assert.equal(nodeAt(after, q), 'd');
  });

  it('a node whose inputs changed is still found by its name and op', () => {
    const g = graphOf('input a = 2\ninput b = 3\ny = a * b\nz = y + 1\n');
    const after = graphOf('input a = 2\ninput b = 3\ny = b * b\nz = y + 1\n');
    const match = matchNodes(g, after);
    const y = g.nodes.find((n) => n.name === 'y')!.id;
    assert.equal(after.nodes[match[y]!]!.name, 'y');
    assert.equal(mapPosition(g, 1, after), 1);
  });

  it('tells rebound names apart by order: c = c + c + 1 twice', () => {
    const text = 'input c = 1\nc = c + c + 1\nc = c + c + 1\noutput c\n';
    const g = graphOf(text);
    const after = graphOf(`# a comment\n${text}`);
    const s = new Stepper(g);
    for (let p = 0; p <= s.total; p++) assert.equal(mapPosition(g, p, after), p, `position ${p}`);
  });

  it('position 0 stays 0 and a position past the end is read as the end', () => {
    const after = graphOf(insertLine(APPLE_ORANGE, 0, '# heading'));
    assert.equal(mapPosition(before, 0, after), 0);
    const total = new Stepper(before).total;
    assert.equal(mapPosition(before, total + 10, after), total);
  });
});

describe('positions follow nodes when a composite op is opened or closed', () => {
  const NET = 'input x = [[0.6, 0.9], [0.1, -0.3]]\nconst t = [[0, 0, 1], [1, 0, 0]]\nparam W1 = randn(2, 4, seed=1) * 0.01\nparam b1 = zeros(4)\nparam W2 = randn(4, 3, seed=2) * 0.01\nparam b2 = zeros(3)\na1 = relu(affine(x, W1, b1))\nloss = softmax_with_loss(affine(a1, W2, b2), t)\n';
  const closed = graphOf(NET);
  const firstAffine = closed.nodes.find((n) => n.op === 'affine')!;
  const open = (() => {
    const r = checkSource(NET, { evaluate: false, expand: new Set([firstAffine.expandKey!]) });
    assert.ok(r.graph);
    return r.graph;
  })();

  it('the nodes after an opened affine keep their identity, and the affine is its last elementary op', () => {
    const match = matchNodes(closed, open);
    for (const node of closed.nodes) assert.notEqual(match[node.id], null, `${node.name ?? node.op} (node ${node.id}) lost`);
    assert.equal(open.nodes[match[firstAffine.id]!]!.op, 'add');
  });

  it('opening: a position after the relu stays after the relu; in the backward pass the same step of the loss', () => {
    const s = new Stepper(closed);
    const relu = s.forwardPlan.indexOf(closed.nodes.find((n) => n.op === 'relu')!.id) + 1;
    assert.equal(nodeAt(open, mapPosition(closed, relu, open)), 'a1');
    const first = s.forwardSteps + 1;
    const q = mapPosition(closed, first, open);
    assert.equal(describe_(open, q), 'backward 1/5');
    assert.equal(nodeAt(open, q), 'loss');
  });

  it('closing: a position inside the opened affine goes back to before it', () => {
    const s = new Stepper(open);
    const matmul = s.forwardPlan.indexOf(open.nodes.find((n) => n.op === 'matmul')!.id) + 1;
    assert.equal(mapPosition(open, matmul, closed), 0);
    assert.equal(mapPosition(open, matmul + 1, closed), 1, 'after its last op: after the affine');
  });
});
