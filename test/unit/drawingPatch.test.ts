import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { applyDrawingPatch, drawingPatch, drawingState } from '../../src/core/render/drawingState';
import { generatedSource } from '../support/generatedGraphs';
import { loadExample } from '../support/renderFixtures';

type Move = 'next' | 'previous' | 'reset' | 'runForward' | 'runBackward' | number;

function move(s: Stepper, m: Move): void {
  if (typeof m === 'number') s.goTo(m);
  else s[m]();
}

const moves = fc.array(fc.oneof(fc.constantFrom<Move>('next', 'next', 'next', 'previous', 'reset', 'runForward', 'runBackward'), fc.nat(40)), { maxLength: 12 });

describe('step patches: a move sends only what it changed', () => {
  const graph = checkSource(generatedSource(40, 'skip')).graph!;

  it('changedSince lists every node and arrow a move changed: the patch applied to the old state is the new state', () => {
    fc.assert(
      fc.property(moves, moves, (before, after) => {
        const s = new Stepper(graph);
        for (const m of before) move(s, m);
        const old = drawingState(s);
        const mark = s.changeMark;
        for (const m of after) move(s, m);
        const changed = s.changedSince(mark);
        assert.ok(changed);
        assert.deepEqual(applyDrawingPatch(old, drawingPatch(s, changed)), drawingState(s));
      }),
      { numRuns: 150 },
    );
  });

  it('a step forward names the node it computed; a step back names it again', () => {
    const { stepper } = loadExample('examples/apple_orange.nn');
    const mark = stepper.changeMark;
    stepper.next();
    const first = stepper.currentNode!;
    assert.deepEqual(stepper.changedSince(mark), { nodes: [first], consumers: [] });
    const back = stepper.changeMark;
    stepper.previous();
    assert.deepEqual(stepper.changedSince(back), { nodes: [first], consumers: [] });
  });

  it('a backward step names the inputs whose gradient it added to and the consumer whose arrows carry it', () => {
    const { stepper, graph: g } = loadExample('examples/apple_orange.nn');
    stepper.runForward();
    stepper.next();
    const mark = stepper.changeMark;
    stepper.next();
    const node = stepper.currentNode!;
    const changed = stepper.changedSince(mark)!;
    assert.deepEqual(changed.consumers, [node]);
    assert.deepEqual([...changed.nodes].sort(), [...g.nodes[node]!.inputs].sort());
  });

  it('a step at 10,000 op nodes patches a handful of nodes, not the graph', () => {
    const big = new Stepper(checkSource(generatedSource(15000, 'chain')).graph!);
    big.goTo(5000);
    const mark = big.changeMark;
    big.next();
    const patch = drawingPatch(big, big.changedSince(mark)!);
    assert.equal(patch.nodes.length, 1);
    assert.ok(JSON.stringify(patch).length < 1000);
  });

  it('an unknown or forgotten mark gives null (then the whole state is sent)', () => {
    const s = new Stepper(graph);
    assert.equal(s.changedSince(s.changeMark + 1), null);
    assert.equal(s.changedSince(-1), null);
    assert.deepEqual(s.changedSince(s.changeMark), { nodes: [], consumers: [] });
  });
});
