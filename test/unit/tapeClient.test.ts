import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import type { Diagnostic } from '../../src/core/language/range';
import { TapeClient } from '../../src/extension/worker/tapeClient';

/** The evaluation thread run from source (the extension runs the bundle, out/evalWorker.js). */
const SCRIPT = path.resolve(__dirname, '../support/evalWorker.cjs');

const APPLE = 'input apple_num = 2\ninput apple_price = 100\ninput tax = 1.1\napple_sum = apple_num * apple_price\ntotal = apple_sum * tax\n';
/** One product of 790×790 matrices: about half a second to a second of one thread here. */
const COSTLY = 'input a = randn(790, 790, seed=1)\ninput b = randn(790, 790, seed=2)\nc = a @ b\ns = sum(c)\n';

interface Heard {
  changes: number;
  problems: Diagnostic[];
  died: string[];
}

function client(): { tape: TapeClient; heard: Heard } {
  const heard: Heard = { changes: 0, problems: [], died: [] };
  const tape = new TapeClient(SCRIPT, {
    changed: () => heard.changes++,
    problems: (found) => heard.problems.push(...found),
    died: (message) => heard.died.push(message),
  });
  return { tape, heard };
}

function load(tape: TapeClient, text: string): void {
  const graph = checkSource(text, { evaluate: false }).graph;
  assert.ok(graph);
  tape.load(graph, text, {}, null, false);
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), `never: ${what}`);
}

describe('the host side of the evaluation thread (TapeClient, with a real thread)', () => {
  it('moves the tape in the thread and mirrors it exactly: the apple graph', async () => {
    const { tape } = client();
    try {
      load(tape, APPLE);
      assert.equal(tape.shown?.position, 0, 'position 0 is shown at once');
      assert.equal(await tape.step('runBackward'), true);
      const m = tape.shown!;
      assert.equal(m.describePosition(), 'backward 2/2');
      assert.equal(m.value(4)!.data[0], 220.00000000000003);
      assert.equal(m.grad(0)!.data[0], 110.00000000000001);
      assert.equal(await tape.step('runBackward'), false, 'already there');
    } finally {
      tape.dispose();
    }
  });

  it('an edit keeps the position on the same node: a statement added at backward 1/2 stays at backward 1/2', async () => {
    const { tape } = client();
    try {
      load(tape, APPLE);
      await tape.step({ goTo: 3 });
      load(tape, `input unrelated = 5\nu = unrelated * 2\n${APPLE}`);
      await until('the new tape', () => tape.isSettled);
      assert.equal(tape.shown!.describePosition(), 'backward 1/2');
      assert.equal(tape.shown!.graph.nodes[tape.shown!.currentNode!]!.name, 'total');
    } finally {
      tape.dispose();
    }
  });

  it('a thread that dies is reported, the last tape stays shown, and the next move starts a new thread at the same position', async () => {
    const { tape, heard } = client();
    try {
      load(tape, APPLE);
      await tape.step('runForward');
      const first = tape.thread.worker!;
      void first.terminate(); // as a crash would end it
      await until('the death to be heard', () => heard.died.length === 1);
      assert.match(heard.problems.at(-1)!.message, /the evaluation stopped/);
      assert.equal(tape.shown!.position, 2, 'the last values are kept');
      assert.equal(await tape.hoverMarkdown(0, 100), null, 'a hover does not restart it');
      assert.equal(await tape.step('next'), true);
      assert.notEqual(tape.thread.worker, first);
      assert.equal(tape.shown!.position, 3);
      assert.equal(tape.shown!.grad(4)!.data[0], 1);
    } finally {
      tape.dispose();
    }
  });

  it('an edit while the thread is deep in one long product abandons it: a new thread computes the new text', async () => {
    const { tape, heard } = client();
    try {
      load(tape, COSTLY);
      const long = tape.step('next');
      const first = tape.thread.worker!;
      await until('the thread to be inside the product', () => tape.thread.busyMs() > 100);
      load(tape, APPLE);
      assert.notEqual(tape.thread.worker, first, 'a new thread');
      assert.equal(await long, true, 'the superseded move resolves with the new text');
      await until('the new tape', () => tape.isSettled);
      assert.equal(tape.shown!.graph.nodes.length, 5);
      assert.deepEqual(heard.died, [], 'abandoning is not dying');
    } finally {
      tape.dispose();
    }
  });
});
