import * as assert from 'node:assert/strict';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import type { Graph } from '../../src/core/graph/graph';
import { Tensor } from '../../src/core/tensor';
import { CheckAssembler, encodeCheck, type CheckCodec } from '../../src/extension/worker/checkTransfer';
import { documentFiles } from '../../src/extension/worker/documentFiles';
import { SentTape } from '../../src/extension/worker/sentTape';
import { TapeMirror } from '../../src/extension/worker/tapeMirror';
import { TapeService } from '../../src/extension/worker/tapeService';
import type { FromWorker, LoadMessage, TapeUpdate } from '../../src/extension/worker/workerProtocol';
import { v8Codec } from '../../src/node/v8Codec';
import { devalueCodec } from '../../src/web/devalueCodec';

const TWO_LAYER = [
  'input x  = [[0.6, 0.9], [0.1, -0.3]]',
  'const t  = [[0, 0, 1], [1, 0, 0]]',
  'param W1 = randn(2, 4, seed=1) * 0.01',
  'param b1 = zeros(4)',
  'param W2 = randn(4, 3, seed=2) * 0.01',
  'param b2 = zeros(3)',
  'a1   = relu(affine(x, W1, b1))',
  'loss = softmax_with_loss(affine(a1, W2, b2), t)',
].join('\n');

const APPLE = 'input apple_num = 2\ninput apple_price = 100\ninput tax = 1.1\napple_sum = apple_num * apple_price\ntotal = apple_sum * tax\n';

function graphOf(text: string): Graph {
  const r = checkSource(text, { evaluate: false });
  assert.ok(r.graph, r.diagnostics.map((d) => d.message).join('\n'));
  return r.graph;
}

/** Every value, gradient, edge gradient and count, as exact bit patterns. */
function snapshot(s: Pick<Stepper, 'graph' | 'value' | 'grad' | 'edgeGrad' | 'contributions' | 'position'>): string {
  const bits = (t: Tensor | null): string => (t ? `${t.shape.join('x')}:${Array.from(new Uint32Array(new Float64Array(t.data).buffer)).join('.')}` : '-');
  const nodes = s.graph.nodes.map((n) =>
    [bits(s.value(n.id)), bits(s.grad(n.id)), n.inputs.map((_, k) => bits(s.edgeGrad(n.id, k))).join(','), JSON.stringify(s.contributions(n.id))].join('|'),
  );
  return `${s.position}\n${nodes.join('\n')}`;
}

/** How many tensors an update carries. */
function tensorCount(update: TapeUpdate): number {
  let n = 0;
  for (let d = 0; d < update.shapes.length; d += 1 + update.shapes[d]!) n++;
  return n;
}

/** Structured clone, as postMessage does (the buffers would be transferred). */
function overTheWire(update: TapeUpdate): TapeUpdate {
  return structuredClone(update);
}

describe('the evaluation thread protocol: tape updates', () => {
  it('the host mirror equals the thread stepper bit for bit at every position, forward, backward and back again', () => {
    const graph = graphOf(TWO_LAYER);
    const stepper = new Stepper(graph);
    const sent = new SentTape(graph);
    const mirror = new TapeMirror(graphOf(TWO_LAYER)); // the host's own check of the same text
    const moves = [...Array(stepper.total).fill('next'), ...Array(3).fill('previous'), 'next'];
    for (const move of moves) {
      if (move === 'next') stepper.next();
      else stepper.previous();
      mirror.apply(overTheWire(sent.update(stepper).update));
      const host = snapshot(mirror);
      assert.equal(host, snapshot(stepper), `after ${move} to ${stepper.position}`);
      assert.equal(mirror.describePosition(), stepper.describePosition());
      assert.equal(mirror.currentNode, stepper.currentNode);
    }
  });

  it('an update carries only what the step changed: one value for a forward step, nothing when nothing moved', () => {
    const graph = graphOf(APPLE);
    const stepper = new Stepper(graph);
    const sent = new SentTape(graph);
    stepper.next();
    const first = sent.update(stepper).update;
    assert.deepEqual(Array.from(first.values), [3, 0], 'apple_sum (node 3) holds tensor 0');
    assert.deepEqual([first.grads.length, first.edges.length, first.arrived.length, tensorCount(first)], [0, 0, 0, 1]);
    assert.deepEqual(Array.from(first.packed), [200]);
    const none = sent.update(stepper).update;
    assert.deepEqual([none.values.length, none.grads.length, none.edges.length, none.arrived.length, tensorCount(none)], [0, 0, 0, 0, 0]);
  });

  it('a tensor held by several slots travels once (an edge gradient that is also the sum)', () => {
    const graph = graphOf(APPLE);
    const stepper = new Stepper(graph);
    stepper.runForward();
    const sent = new SentTape(graph);
    sent.update(stepper);
    stepper.next();
    stepper.next();
    const { update, transfer } = sent.update(stepper);
    const slots = update.grads.length / 2 + update.edges.length / 3;
    assert.ok(tensorCount(update) < slots, `${tensorCount(update)} tensors for ${slots} slots`);
    assert.ok(transfer.length > 0);
  });

  it('packs small tensors into one buffer and sends each large one in its own, shapes and bits intact', () => {
    const graph = graphOf('input a = randn(100, 100, seed=1)\ninput s = 2\nb = a * s\nc = s * 3\n');
    const stepper = new Stepper(graph);
    stepper.runForward();
    const { update } = new SentTape(graph).update(stepper);
    assert.equal(update.large.length, 1, 'the 10,000-element product');
    assert.equal(update.packed.length, 1, 'the scalar');
    const mirror = new TapeMirror(graph);
    mirror.apply(overTheWire(update));
    assert.equal(snapshot(mirror), snapshot(stepper));
  });

  it('sends copies, so transferring them leaves the thread its own tensors', () => {
    const graph = graphOf(APPLE);
    const stepper = new Stepper(graph);
    stepper.next();
    const { update, transfer } = new SentTape(graph).update(stepper);
    const received = structuredClone(update, { transfer });
    assert.equal(update.packed.length, 0, 'the sent copy moved');
    assert.deepEqual(Array.from(received.packed), [200]);
    assert.deepEqual(Array.from(stepper.value(3)!.data), [200]);
  });
});

/** A TapeService without a thread: its messages land in `posted`. */
function service(): { svc: TapeService; posted: FromWorker[] } {
  const posted: FromWorker[] = [];
  return { svc: new TapeService((m) => posted.push(m), { documentFiles, codec: v8Codec }), posted };
}

function load(text: string, target: number, extra: Partial<LoadMessage> = {}): LoadMessage {
  return { type: 'load', generation: 1, checked: 0, text, check: {}, files: null, nodeCount: graphOf(text).nodes.length, target, request: 0, evaluate: false, ...extra };
}

describe('the evaluation thread protocol: the thread side (TapeService)', () => {
  it('loads a text, runs to the target, and reports once settled', async () => {
    const { svc, posted } = service();
    svc.receive(load(APPLE, 3));
    await svc.whenIdle();
    const tapes = posted.filter((m) => m.type === 'tape');
    assert.equal(tapes.length, 1);
    assert.ok(tapes[0]!.type === 'tape' && tapes[0]!.settled && tapes[0]!.update.position === 3);
  });

  it('answers a hover at the target asked before it, not at an older position', async () => {
    const { svc, posted } = service();
    svc.receive(load(APPLE, 0));
    svc.receive({ type: 'goTo', generation: 1, target: 4, request: 1 });
    svc.receive({ type: 'hover', generation: 1, request: 2, binding: 0, maxItems: 100 });
    await svc.whenIdle();
    const kinds = posted.map((m) => m.type);
    assert.ok(kinds.indexOf('tape') < kinds.indexOf('hover'), kinds.join(','));
    const hover = posted.find((m) => m.type === 'hover');
    assert.ok(hover?.type === 'hover');
    assert.match(hover.markdown!, /∂total\/∂apple_num \(complete, 1 of 1 contribution\) `110.00000000000001`/);
  });

  it('a newer target supersedes an older one: the settled report names the newest request', async () => {
    const { svc, posted } = service();
    svc.receive(load(APPLE, 0));
    svc.receive({ type: 'goTo', generation: 1, target: 4, request: 1 });
    svc.receive({ type: 'goTo', generation: 1, target: 1, request: 2 });
    await svc.whenIdle();
    const settled = posted.filter((m) => m.type === 'tape' && m.settled);
    assert.equal(settled.length, 1);
    assert.ok(settled[0]!.type === 'tape' && settled[0]!.request === 2 && settled[0]!.update.position === 1);
  });

  it('ignores moves of an older text and answers its questions with null', async () => {
    const { svc, posted } = service();
    svc.receive(load(APPLE, 0, { generation: 2 }));
    svc.receive({ type: 'goTo', generation: 1, target: 4, request: 1 });
    svc.receive({ type: 'inlineLabels', generation: 1, request: 2 });
    await svc.whenIdle();
    const labels = posted.find((m) => m.type === 'inlineLabels');
    assert.ok(labels?.type === 'inlineLabels' && labels.labels === null);
    assert.ok(!posted.some((m) => m.type === 'tape' && m.update.position !== 0));
  });

  it('runs the background check when asked and reports the first NaN', async () => {
    const { svc, posted } = service();
    svc.receive(load('input x = -1\ny = sqrt(x)\nz = y * 2\n', 0, { evaluate: true }));
    await svc.whenIdle();
    const found = posted.find((m) => m.type === 'evaluationProblems');
    assert.ok(found?.type === 'evaluationProblems');
    const value = found.diagnostics.find((d) => /expected finite values, found NaN/.test(d.message));
    assert.equal(value?.severity, 'warning');
    assert.equal(value?.range.start.line, 1);
  });

  it('Gradient Check: a report with progress, or null when cancelled or when a new text arrives', async () => {
    const { svc, posted } = service();
    svc.receive(load(TWO_LAYER, 0));
    svc.receive({ type: 'gradCheck', generation: 1, request: 5 });
    await svc.whenIdle();
    const report = posted.find((m) => m.type === 'gradCheck');
    assert.ok(report?.type === 'gradCheck' && report.report?.passed === true);
    assert.deepEqual(report.report.leaves.map((l) => l.name), ['x', 'W1', 'b1', 'W2', 'b2']);

    const second = service();
    second.svc.receive(load(TWO_LAYER, 0));
    second.svc.receive({ type: 'gradCheck', generation: 1, request: 6 });
    second.svc.receive({ type: 'cancel', request: 6 });
    second.svc.receive(load(APPLE, 0, { generation: 2 }));
    second.svc.receive({ type: 'gradCheck', generation: 2, request: 7 });
    second.svc.receive(load(APPLE, 0, { generation: 3 }));
    await second.svc.whenIdle();
    const answers = second.posted.filter((m) => m.type === 'gradCheck');
    assert.deepEqual(answers.map((m) => m.type === 'gradCheck' && [m.request, m.report]), [[6, null], [7, null]]);
  });

  it('a text whose graph differs from the host\'s (a loaded file changed in between) is refused with a message', async () => {
    const { svc, posted } = service();
    svc.receive(load(APPLE, 0, { nodeCount: 99 }));
    await svc.whenIdle();
    const failed = posted.find((m) => m.type === 'failed');
    assert.ok(failed?.type === 'failed');
    assert.match(failed.message, /changed while it was checked/);
  });

  it('an op that cannot take its values is an error found by the background check, at the op', async () => {
    // The class index 5 is out of range for 3 classes: only running the tape shows it.
    const { svc, posted } = service();
    svc.receive(load('input x = [[1, 2, 3]]\nconst t = [5]\nloss = softmax_with_loss(x, t)\n', 0, { evaluate: true }));
    await svc.whenIdle();
    const found = posted.find((m) => m.type === 'evaluationProblems');
    assert.ok(found?.type === 'evaluationProblems');
    assert.equal(found.diagnostics[0]?.severity, 'error');
    assert.equal(found.diagnostics[0]?.range.start.line, 2);
  });
});

describe('the evaluation thread protocol: a large update taken a slice at a time', () => {
  it('applySome with no time to spare takes the update in many calls, shows the new position only at the end, and ends equal to the stepper', () => {
    const lines = ['input x0 = [1.5, -0.5]'];
    for (let i = 1; i <= 1500; i++) lines.push(`x${i} = relu(x${i - 1} * 1.0001)`);
    const text = lines.join('\n');
    const graph = graphOf(text);
    const stepper = new Stepper(graph);
    stepper.runBackward();
    const update = overTheWire(new SentTape(graph).update(stepper).update);
    const mirror = new TapeMirror(graphOf(text));
    const mark = mirror.changeMark;
    let calls = 1;
    while (!mirror.applySome(update, 0)) {
      assert.equal(mirror.position, 0, 'the position moves only once the update is whole');
      calls++;
    }
    assert.ok(calls > 10, `taken in ${calls} calls`);
    assert.equal(snapshot(mirror), snapshot(stepper));
    const changed = mirror.changedSince(mark)!;
    assert.equal(changed.nodes.length, graph.nodes.filter((n) => n.kind !== 'const').length, 'every node but the constants changed (a value, a gradient or a count)');
    assert.equal(changed.consumers.length, graph.nodes.filter((n) => n.inputs.length > 0).length);
  });
});

const codecs: ReadonlyArray<readonly [string, CheckCodec]> = [['V8 bytes (Node)', v8Codec], ['devalue text (the browser)', devalueCodec]];

for (const [codecName, codec] of codecs) describe(`the evaluation thread protocol: a check on its way to the host (CheckTransfer, ${codecName})`, () => {
  /** A file with every kind of list: statements, bindings, references, a warning and a function. */
  function longFile(statements: number): string {
    const lines = ['def twice(v) = v * 2', 'input x0 = [1.5, -2]', 'unused = x0 * 3'];
    for (let i = 1; i <= statements; i++) lines.push(`x${i} = twice(relu(x${i - 1} * 1.0001))`);
    return lines.join('\n');
  }

  it('read back a batch at a time, it is the same check: every list, in order, leaf values as tensors', () => {
    const check = checkSource(longFile(700), { evaluate: false });
    assert.ok(check.graph && check.diagnostics.length > 0);
    const { transfer } = encodeCheck(check, codec);
    const assembler = new CheckAssembler(structuredClone(transfer), codec);
    let slices = 0;
    while (!assembler.step(0)) slices++;
    assert.ok(slices > 10, `read in ${slices} slices`);
    const back = assembler.result();
    const plain = (x: unknown): string => JSON.stringify(x, (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));
    for (const key of ['diagnostics', 'bindings', 'references', 'cost', 'memoryBytes', 'evaluationSkipped'] as const) assert.equal(plain(back[key]), plain(check[key]), key);
    // Statements come as the outline reads them: kind, names and ranges, not their expressions.
    assert.equal(back.statements.length, check.statements.length);
    check.statements.forEach((s, i) => {
      const b = back.statements[i]!;
      assert.equal(b.kind, s.kind);
      assert.deepEqual([b.range, b.nameRange], [s.range, s.nameRange]);
      if (s.kind === 'assign' && b.kind === 'assign') assert.deepEqual([b.name, b.declaration], [s.name, s.declaration]);
      if (s.kind === 'def' && b.kind === 'def') assert.deepEqual([b.name, b.params], [s.name, s.params]);
      assert.ok(!('expr' in b) && !('body' in b), `statement ${i} came without its expression`);
    });
    assert.deepEqual(back.statements.map((s) => s.kind).slice(0, 3), ['def', 'assign', 'assign']);
    assert.equal(plain(back.graph), plain(check.graph));
    assert.equal(back.bindings, back.graph!.bindings, 'one list, as in the thread');
    const leaf = back.graph!.nodes.find((n) => n.name === 'x0')!;
    assert.ok(leaf.value instanceof Tensor);
    assert.deepEqual(Array.from(leaf.value.data), [1.5, -2]);
  });

  it('a file that trains keeps what its params are updated with (the update drawn at each param, Train)', () => {
    const check = checkSource('param w = 0.5\nloss = (w * 3 - 2) ** 2\ntrain loss with sgd(lr=0.1) for 3 steps\n', { evaluate: false });
    assert.ok(check.graph?.training);
    const assembler = new CheckAssembler(structuredClone(encodeCheck(check, codec).transfer), codec);
    while (!assembler.step(1000));
    assert.deepEqual(assembler.result().graph!.training, check.graph.training);
  });

  it('a file with errors travels without a graph, its bindings and references kept for the editor', () => {
    const check = checkSource('input a = 2\nb = a @ \nc = nope + 1\n', { evaluate: false });
    const assembler = new CheckAssembler(structuredClone(encodeCheck(check, codec).transfer), codec);
    assembler.step(1000);
    const back = assembler.result();
    assert.equal(back.graph, null);
    assert.deepEqual(back.diagnostics.map((d) => d.range.start.line), check.diagnostics.map((d) => d.range.start.line));
    assert.deepEqual(back.bindings.map((b) => b.name), check.bindings.map((b) => b.name));
    assert.equal(back.references.length, check.references.length);
  });
});
