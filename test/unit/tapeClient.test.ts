import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import type { Diagnostic } from '../../src/core/language/range';
import { TapeClient } from '../../src/extension/worker/tapeClient';
import { nodeEvaluationThreads } from '../../src/node/nodeThreads';

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
  const tape = new TapeClient(nodeEvaluationThreads(SCRIPT), {
    changed: () => heard.changes++,
    problems: (found) => heard.problems.push(...found),
    died: (message) => heard.died.push(message),
  });
  return { tape, heard };
}

/** As a session does: the thread checks the text, then its graph is loaded. */
async function load(tape: TapeClient, text: string): Promise<void> {
  const answer = await tape.check(text, {}, null);
  assert.ok(answer?.check.graph, 'a good graph');
  tape.load(answer.check.graph, text, {}, null, false, answer);
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), `never: ${what}`);
}

describe('the host side of the evaluation thread (TapeClient, with a real thread)', () => {
  it('moves the tape in the thread and mirrors it exactly: the apple graph', async () => {
    const { tape } = client();
    try {
      await load(tape, APPLE);
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
      await load(tape, APPLE);
      await tape.step({ goTo: 3 });
      await load(tape, `input unrelated = 5\nu = unrelated * 2\n${APPLE}`);
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
      await load(tape, APPLE);
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

  it('checks the text in the thread: the same check as on the host, leaf values as tensors, errors ranged', async () => {
    const { tape } = client();
    try {
      const answer = await tape.check(APPLE, {}, null);
      const direct = checkSource(APPLE, { evaluate: false });
      assert.ok(answer?.check.graph && direct.graph);
      assert.deepEqual(answer.check.graph.nodes.map((n) => [n.op, n.name, n.inputs, n.shape, n.range]), direct.graph.nodes.map((n) => [n.op, n.name, n.inputs, n.shape, n.range]));
      assert.equal(answer.check.graph.nodes[1]!.value!.data[0], 100);
      assert.equal(answer.check.graph.nodes[1]!.value!.size, 1, 'a Tensor again, not a plain object');
      assert.deepEqual(answer.check.bindings.map((b) => b.name), direct.bindings.map((b) => b.name));
      const bad = await tape.check('input x = 2\ny = x @ \n', {}, null);
      assert.equal(bad?.check.graph, null);
      assert.equal(bad?.check.diagnostics[0]!.range.start.line, 1);
      assert.match(bad!.check.diagnostics[0]!.message, /expected/);
    } finally {
      tape.dispose();
    }
  });

  it('a newer text supersedes a check still under way: only the newest is answered', async () => {
    const { tape } = client();
    try {
      const first = tape.check(APPLE, {}, null);
      const second = tape.check(`${APPLE}more = total * 2\n`, {}, null);
      assert.equal(await first, null);
      assert.equal((await second)?.check.bindings.at(-1)?.name, 'more');
    } finally {
      tape.dispose();
    }
  });

  it('an edit while the thread is deep in one long product abandons it: a new thread computes the new text', async () => {
    const { tape, heard } = client();
    try {
      await load(tape, COSTLY.replace(/790/g, '1400')); // seconds of one product
      const long = tape.step('next');
      const first = tape.thread.worker!;
      await until('the thread to be inside the product', () => tape.thread.busyMs() > 100);
      await load(tape, APPLE);
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
