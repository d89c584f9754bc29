import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { TapeRun } from '../../src/core/engine/tapeRun';
import type { Graph } from '../../src/core/graph/graph';
import type { Tensor } from '../../src/core/tensor';
import { checkFile } from '../../src/node/checkFile';
import { generatedSource, type GraphShape } from '../support/generatedGraphs';

function bits(t: Tensor | null): string {
  return t === null ? 'null' : `${t.shape.join('x')}:${Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex')}`;
}

/** The run and a stepper at the same position read the same: every value, gradient, arrow gradient and count, to the bit. */
function assertSame(run: TapeRun, stepper: Stepper, graph: Graph, at: string): void {
  assert.equal(run.position, stepper.position, at);
  assert.equal(run.phase, stepper.phase, at);
  assert.equal(run.currentNode, stepper.currentNode, at);
  assert.equal(run.describePosition(), stepper.describePosition(), at);
  for (const n of graph.nodes) {
    assert.equal(bits(run.value(n.id)), bits(stepper.value(n.id)), `${at}: value of node ${n.id}`);
    assert.equal(bits(run.grad(n.id)), bits(stepper.grad(n.id)), `${at}: gradient of node ${n.id}`);
    assert.deepEqual(run.contributions(n.id), stepper.contributions(n.id), `${at}: contributions of node ${n.id}`);
    n.inputs.forEach((_, k) => assert.equal(bits(run.edgeGrad(n.id, k)), bits(stepper.edgeGrad(n.id, k)), `${at}: arrow ${k} of node ${n.id}`));
  }
}

describe('a tape run once, without an undo history (TapeRun)', () => {
  it('steps as a stepper does, to the bit, on generated graphs of every shape', () => {
    fc.assert(
      fc.property(fc.constantFrom<GraphShape>('skip', 'chain', 'random', 'mlp'), fc.integer({ min: 3, max: 40 }), fc.integer({ min: 1, max: 1000 }), (shape, nodes, seed) => {
        const graph = checkSource(generatedSource(nodes, shape, seed), { evaluate: false }).graph!;
        const run = new TapeRun(graph);
        const stepper = new Stepper(graph);
        assert.equal(run.total, stepper.total);
        assertSame(run, stepper, graph, 'start');
        while (stepper.next()) {
          assert.ok(run.next());
          assertSame(run, stepper, graph, `position ${stepper.position}`);
        }
        assert.equal(run.next(), false, 'nothing after the end');
      }),
      { numRuns: 60 },
    );
  });

  // The examples that check here (a training set that has to be downloaded first is left out), up to the large training tapes.
  const examples = fs.readdirSync(path.join(__dirname, '../../examples')).filter((f) => f.endsWith('.nn')).sort();
  for (const file of examples) {
    const checked = checkFile(path.join(__dirname, '../../examples', file), { evaluate: false });
    const graph = checked.graph;
    if (!graph || checked.cost > 1e8) continue;
    it(`ends where a stepper run backward ends: examples/${file}`, () => {
      const stepper = new Stepper(graph);
      stepper.runBackward();
      assertSame(new TapeRun(graph).runToEnd(), stepper, graph, 'the end');
    });
  }

  it('a graph whose output is a leaf seeds its gradient and takes one step back', () => {
    const graph = checkSource('input a = 3\n', { evaluate: false }).graph!;
    const run = new TapeRun(graph).runToEnd();
    const stepper = new Stepper(graph);
    stepper.runBackward();
    assertSame(run, stepper, graph, 'the end');
    assert.equal(run.grad(0)!.data[0], 1);
  });
});
