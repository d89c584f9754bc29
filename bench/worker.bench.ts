/**
 * Extension-host figures for `npm run bench`: the longest synchronous slice
 * the host's thread runs while the evaluation thread (out/evalWorker.js)
 * checks, steps and runs Gradient Check, for the costly files of the
 * robustness work. The host side is driven as the extension drives it
 * (quickCheck or the thread's check read a slice at a time, TapeClient, the
 * mirror), and each change is answered as the open graph panel answers it
 * (a new graph: its drawable graph and state as JSON; a move: the patch of
 * the nodes it changed). The instrument is Node's own event-loop delay
 * histogram (`perf_hooks.monitorEventLoopDelay`, 1 ms resolution): its
 * maximum is the longest the host's thread was held. Each scenario runs
 * several times on a fresh host; the figures are medians of the runs'
 * maxima (and the worst run), beside what the same work holds the thread
 * for when it runs there, as it did before the evaluation thread.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { checkSource } from '../src/core/check';
import { bindingHoverMarkdown } from '../src/core/editor/hoverMarkdown';
import { gradientCheckSteps } from '../src/core/engine/gradcheck';
import { mapPosition } from '../src/core/engine/positionMap';
import { Stepper } from '../src/core/engine/stepper';
import { drawableGraph } from '../src/core/render/drawableGraph';
import { blankDrawingState, encodedDrawableOf, splitBytes } from '../src/core/render/drawableTransfer';
import { nodesAt } from '../src/extension/panel/nodesAt';
import { drawingPatch, drawingState, hasChangeLog, type StepSource } from '../src/core/render/drawingState';
import { quickCheck } from '../src/extension/worker/quickCheck';
import { CheckAssembler } from '../src/extension/worker/checkTransfer';
import { TapeClient } from '../src/extension/worker/tapeClient';
import { nodeEvaluationThreads } from '../src/node/nodeThreads';
import type { CheckResult } from '../src/core/check';

const root = path.resolve(__dirname, '../..');
const SCRIPT = path.join(root, 'out/evalWorker.js');
const BUDGET_MS = 50;

function median(xs: readonly number[]): number {
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function fmt(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

/**
 * The longest the host's thread was held while it ran: the event-loop
 * delay histogram's maximum; and the most CPU time the thread spent
 * between two turns of a 1 ms timer (`threadCpuMs`), which leaves out
 * waiting for a core but keeps garbage collection.
 */
class HostClock {
  private readonly histogram = monitorEventLoopDelay({ resolution: 1 });
  private readonly timer: NodeJS.Timeout;
  private last = threadCpuMs();
  private maxCpu = 0;
  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => {
      const now = threadCpuMs();
      if (now !== null && this.last !== null) this.maxCpu = Math.max(this.maxCpu, now - this.last);
      this.last = now;
    }, 1);
  }
  stop(): { wall: number; cpu: number | null } {
    this.histogram.disable();
    clearInterval(this.timer);
    // The histogram counts the 1 ms timer's own period in each delay.
    return { wall: Math.max(0, this.histogram.max / 1e6 - 1), cpu: this.last === null ? null : this.maxCpu };
  }
}

/**
 * The CPU time of this thread so far, in ms (Linux's per-thread
 * schedstat; null elsewhere): unlike a wall-clock figure it leaves out
 * the time the thread waits for a core on a loaded machine.
 */
function threadCpuMs(): number | null {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

/**
 * A second instrument: each run of the host's own handlers (the thread's
 * messages, the slices that read a check or take a tape, the panel's
 * work), timed around each call, in wall-clock and in this thread's CPU
 * time. Unlike the event-loop delay it leaves out garbage collection
 * between handlers.
 */
let handlerMs: number[] = [];
let handlerCpuMs: number[] = [];
let depth = 0;
function timeHandlers(proto: object, names: readonly string[]): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  for (const name of names) {
    const f = target[name]!;
    target[name] = function (this: unknown, ...args: unknown[]): unknown {
      // A handler called from another is part of that one's slice.
      if (depth++ > 0) {
        try {
          return f.apply(this, args);
        } finally {
          depth--;
        }
      }
      const t0 = performance.now();
      const c0 = threadCpuMs();
      try {
        return f.apply(this, args);
      } finally {
        depth--;
        const d = performance.now() - t0;
        const c1 = threadCpuMs();
        handlerMs.push(d);
        if (c0 !== null && c1 !== null) handlerCpuMs.push(c1 - c0);
        if (process.env.GRAPHSTEP_BENCH_TRACE && d > 40) console.error(`  ${name} ${d.toFixed(0)} ms`);
      }
    };
  }
}

/**
 * What VS Code's `webview.postMessage` costs the extension host (as in
 * VS Code 1.100): the message to JSON with a replacer that takes out its
 * buffers, the JSON to UTF-8 for the RPC, each buffer copied into it.
 */
function vscodePost(message: unknown): void {
  const buffers: ArrayBufferLike[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: buffers.push(value) - 1 };
    if (ArrayBuffer.isView(value)) return { $$vscode_array_buffer_reference$$: true, index: buffers.push(value.buffer) - 1, view: { byteLength: value.byteLength, byteOffset: value.byteOffset } };
    return value;
  });
  Buffer.from(json);
  for (const b of buffers) Buffer.from(new Uint8Array(b));
}

const PART_BYTES = 256 * 1024;

/** The host as the extension runs it, with the graph panel open. */
class Host {
  readonly tape: TapeClient;
  private sent: { source: StepSource; mark: number } | null = null;
  private sentGraph: unknown = null;
  private requests = 0;
  check: CheckResult | null = null;

  constructor() {
    this.tape = new TapeClient(nodeEvaluationThreads(SCRIPT), {
      changed: () => this.panel(),
      problems: () => {},
      died: (message) => {
        throw new Error(message);
      },
    });
  }

  /**
   * What the panel does on a change (as GraphPanel): a small graph whole,
   * a large one as the parts of its drawable form (encoded in the thread),
   * one per turn, then its blank state, the highlight in a turn of its own
   * and the labels in slices; a move as the patch of what it changed
   * (sliced too on a large graph). Every message costs what VS Code's
   * postMessage costs the host (`vscodePost`).
   */
  private panel(): void {
    const m = this.tape.shown;
    if (!m) return;
    const large = m.graph.nodes.length > 2000;
    if (m.graph !== this.sentGraph) {
      if (large && !this.graphTurn) {
        // A large graph is drawn in a turn of its own (as GraphPanel does).
        this.graphTurn = true;
        return void setImmediate(() => this.panel());
      }
      this.graphTurn = false;
      this.sentGraph = m.graph;
      if (!large) vscodePost({ type: 'setGraph', graph: drawableGraph(m.graph), state: drawingState(m) });
      else {
        this.parts = splitBytes(encodedDrawableOf(m.graph), PART_BYTES);
        this.partTurn = true;
        return void setImmediate(() => this.sendPart(m.graph, 0));
      }
    } else {
      if (this.partTurn) return;
      const changed = this.sent && this.sent.source === m && hasChangeLog(m) ? m.changedSince(this.sent.mark) : null;
      if (large) {
        if (changed) this.queue(changed.nodes, changed.consumers);
        else {
          vscodePost({ type: 'setState', state: blankDrawingState(m) });
          this.queueAll();
        }
      } else vscodePost({ type: 'patchState', patch: changed && changed.nodes.length + changed.consumers.length < m.graph.nodes.length / 2 ? drawingPatch(m, changed) : drawingState(m) });
    }
    this.sent = { source: m, mark: hasChangeLog(m) ? m.changeMark : 0 };
  }

  private parts: Uint8Array[] = [];
  private partTurn = false;

  private sendPart(graph: object, index: number): void {
    const m = this.tape.shown;
    if (!m || m.graph !== graph) {
      this.partTurn = false;
      return this.panel();
    }
    if (index < this.parts.length) {
      vscodePost({ type: 'graphPart', transfer: 1, index, count: this.parts.length, bytes: this.parts[index] });
      return void setImmediate(() => this.sendPart(graph, index + 1));
    }
    this.partTurn = false;
    vscodePost({ type: 'setGraph', graph: null, graphParts: { transfer: 1, count: this.parts.length }, state: blankDrawingState(m), diagnostics: [] });
    this.sent = { source: m, mark: hasChangeLog(m) ? m.changeMark : 0 };
    setImmediate(() => vscodePost({ type: 'highlight', nodes: nodesAt(m.graph, { line: 5000, character: 3 }) }));
    this.queueAll();
  }

  private graphTurn = false;
  private readonly labels = { nodes: new Set<number>(), consumers: new Set<number>(), allFrom: null as number | null, scheduled: false };

  private queue(nodes: readonly number[], consumers: readonly number[]): void {
    for (const id of nodes) this.labels.nodes.add(id);
    for (const id of consumers) this.labels.consumers.add(id);
    this.schedule();
  }

  private queueAll(): void {
    this.labels.nodes.clear();
    this.labels.consumers.clear();
    this.labels.allFrom = 0;
    this.schedule();
  }

  private schedule(): void {
    if (this.labels.scheduled) return;
    this.labels.scheduled = true;
    setImmediate(() => this.sendLabels());
  }

  private sendLabels(): void {
    this.labels.scheduled = false;
    const m = this.tape.shown;
    if (!m) return;
    const nodes = [...this.labels.nodes].slice(0, 1000);
    for (const id of nodes) this.labels.nodes.delete(id);
    const consumers = [...this.labels.consumers].slice(0, 1000 - nodes.length);
    for (const id of consumers) this.labels.consumers.delete(id);
    if (this.labels.allFrom !== null) {
      let id = this.labels.allFrom;
      for (; id < m.graph.nodes.length && nodes.length + consumers.length < 1000; id++) {
        nodes.push(id);
        if (m.graph.nodes[id]!.inputs.length > 0) consumers.push(id);
      }
      this.labels.allFrom = id < m.graph.nodes.length ? id : null;
    }
    vscodePost({ type: 'patchState', patch: drawingPatch(m, { nodes, consumers }) });
    if (this.labelling) this.schedule();
  }

  /** Labels still to send (the bench waits for them as for the tape). */
  get labelling(): boolean {
    return this.labels.nodes.size + this.labels.consumers.size > 0 || this.labels.allFrom !== null;
  }

  /** A rebuild as the session makes it: a small text checked here, any other in the thread; then the tape gets the graph. */
  async rebuild(text: string, evaluate = true): Promise<void> {
    const request = ++this.requests;
    const quick = quickCheck(text, {});
    if (quick) {
      this.tape.cancelCheck();
      return this.loaded(quick, text, evaluate, null);
    }
    const answer = await this.tape.check(text, {}, null);
    if (request !== this.requests || !answer) return;
    this.loaded(answer.check, text, evaluate, answer);
  }

  private loaded(check: CheckResult, text: string, evaluate: boolean, answer: Parameters<TapeClient['load']>[5]): void {
    this.check = check;
    if (!check.graph) throw new Error(check.diagnostics.map((d) => d.message).join('\n'));
    this.tape.load(check.graph, text, {}, null, evaluate, answer);
    this.panel();
  }

  async settled(): Promise<void> {
    while ((this.tape.loadedGraph && !this.tape.isSettled) || this.labelling || this.graphTurn || this.partTurn) await new Promise((r) => setTimeout(r, 2));
  }

  dispose(): void {
    this.tape.dispose();
  }
}

/** Runs a scenario `runs` times on a fresh host (its setup unmeasured); each run's figures. */
async function slices(runs: number, setup: (host: Host) => Promise<void>, scenario: (host: Host) => Promise<void>): Promise<Figures> {
  const out: Figures = { slices: [], sliceCpu: [], handlers: [], handlerCpu: [], medianHandler: [] };
  for (let i = 0; i < runs; i++) {
    if (process.env.GRAPHSTEP_BENCH_TRACE) console.error(`run ${i}`);
    const host = new Host();
    try {
      await setup(host);
      await host.settled();
      const clock = new HostClock();
      handlerMs = [];
      handlerCpuMs = [];
      await scenario(host);
      const held = clock.stop();
      out.slices.push(held.wall);
      if (held.cpu !== null) out.sliceCpu.push(held.cpu);
      out.handlers.push(Math.max(0, ...handlerMs));
      if (handlerCpuMs.length > 0) out.handlerCpu.push(Math.max(0, ...handlerCpuMs));
      if (handlerMs.length > 0) out.medianHandler.push(median(handlerMs));
    } finally {
      host.dispose();
    }
  }
  return out;
}

interface Figures {
  /** Per run: the event-loop delay's maximum. */
  readonly slices: number[];
  /** Per run: the most CPU time the thread spent between two turns of a 1 ms timer. */
  readonly sliceCpu: number[];
  /** Per run: the longest handler (wall clock), its CPU time, and the median handler. */
  readonly handlers: number[];
  readonly handlerCpu: number[];
  readonly medianHandler: number[];
}

function chainFile(statements: number): string {
  const lines = ['input x0 = 1.5'];
  for (let i = 1; i <= statements; i++) lines.push(`x${i} = relu(x${i - 1} * 1.0001)`);
  return lines.join('\n');
}

const MATMUL = 'input a = randn(790, 790, seed=1)\ninput b = randn(790, 790, seed=2)\nc = a @ b\ns = sum(c)\n';
const TWO_LAYER = [
  'input x = randn(100, 784, seed=0)',
  'const t = onehot(zeros(100), 10)',
  'param W1 = randn(784, 50, seed=1) * 0.01',
  'param b1 = zeros(50)',
  'param W2 = randn(50, 10, seed=2) * 0.01',
  'param b2 = zeros(10)',
  'a1 = relu(affine(x, W1, b1))',
  'loss = softmax_with_loss(affine(a1, W2, b2), t)',
].join('\n');

/** Milliseconds `work` holds the thread it runs on (median of `runs`). */
function onThread(work: () => void, runs = 3): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    work();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const none = async (): Promise<void> => {};
const nothing = (): void => {};

export async function benchWorker(): Promise<void> {
  timeHandlers(TapeClient.prototype, ['receive', 'takeTapes', 'check', 'load', 'step', 'hoverMarkdown']);
  timeHandlers(CheckAssembler.prototype, ['step']);
  timeHandlers(Host.prototype, ['panel', 'sendLabels', 'rebuild']);
  const runs = 5;
  const big = chainFile(10_000);
  const edited = (i: number): string => `input typed${i} = ${i}\n${big}`;
  const bigGraph = checkSource(big, { evaluate: false }).graph!;
  const rows: [string, Figures, number | null, string][] = [];

  rows.push([
    '10,000-statement file: opened (checked, graph drawn)',
    await slices(runs, none, async (h) => {
      await h.rebuild(big);
      await h.settled();
    }),
    onThread(() => {
      const graph = checkSource(big, { evaluate: false }).graph!;
      vscodePost({ type: 'setGraph', graph: drawableGraph(graph), state: oldBlankState(new Stepper(graph)) });
    }),
    'check + the drawable graph posted whole',
  ]);
  rows.push([
    '10,000-statement file: rebuilt after an edit at the end of backward',
    await slices(runs, async (h) => {
      await h.rebuild(big, false);
      await h.tape.step('runBackward');
    }, async (h) => {
      await h.rebuild(edited(0), false);
      await h.settled();
    }),
    onThread(() => {
      const graph = checkSource(edited(0), { evaluate: false }).graph!;
      new Stepper(graph).goTo(mapPosition(bigGraph, 2 * 30_001, graph));
    }),
    'check + map + recompute to the position',
  ]);
  rows.push([
    '10,000-statement file: run to its end (goTo F+B)',
    await slices(runs, (h) => h.rebuild(big, false), async (h) => {
      await h.tape.step('runBackward');
      await h.settled();
    }),
    onThread(() => new Stepper(bigGraph).runBackward()),
    'the whole tape',
  ]);
  rows.push([
    '10,000-statement file: typed into (12 edits, 150 ms apart)',
    await slices(3, async (h) => {
      await h.rebuild(big, true);
      await h.tape.step('runBackward');
    }, async (h) => {
      for (let i = 0; i < 12; i++) {
        void h.rebuild(edited(i));
        await new Promise((r) => setTimeout(r, 150));
      }
      await h.rebuild(edited(99));
      await h.settled();
    }),
    onThread(() => checkSource(edited(1), { evaluate: false })),
    'one check per edit',
  ]);
  const matmulGraph = checkSource(MATMUL, { evaluate: false }).graph!;
  rows.push([
    '790×790 product: one step',
    await slices(runs, (h) => h.rebuild(MATMUL), async (h) => {
      await h.tape.step('next');
    }),
    onThread(() => new Stepper(matmulGraph).next()),
    'the product',
  ]);
  rows.push([
    '790×790 product: edited during its step (thread abandoned)',
    await slices(runs, (h) => h.rebuild(MATMUL), async (h) => {
      const step = h.tape.step('next');
      while (h.tape.thread.busyMs() < 30) await new Promise((r) => setTimeout(r, 2));
      await h.rebuild(`# edited\n${MATMUL}`);
      await step;
      await h.settled();
    }),
    onThread(() => {
      const graph = checkSource(`# edited\n${MATMUL}`, { evaluate: false }).graph!;
      new Stepper(graph).next();
    }),
    'check + the product',
  ]);
  const matmulCheck = checkSource(MATMUL, { evaluate: false });
  const matmulStepped = new Stepper(matmulGraph);
  matmulStepped.next();
  const c = matmulCheck.bindings.findIndex((b) => b.name === 'c');
  rows.push([
    '790×790 product: hovered during its step',
    await slices(runs, (h) => h.rebuild(MATMUL), async (h) => {
      const step = h.tape.step('next');
      if (!(await h.tape.hoverMarkdown(c, 100))) throw new Error('no hover');
      await step;
    }),
    onThread(() => bindingHoverMarkdown(matmulStepped, matmulCheck.bindings[c]!, { maxItems: 100 })),
    'the hover of the computed product',
  ]);
  const netGraph = checkSource(TWO_LAYER, { evaluate: false }).graph!;
  let longestUnit = 0;
  onThread(() => {
    const steps = gradientCheckSteps(netGraph, () => performance.now());
    for (;;) {
      const t0 = performance.now();
      const r = steps.next();
      longestUnit = Math.max(longestUnit, performance.now() - t0);
      if (r.done) break;
    }
  }, 1);
  rows.push([
    'Gradient Check, textbook net 784→50→10, batch 100',
    await slices(3, (h) => h.rebuild(TWO_LAYER, false), async (h) => {
      const report = await h.tape.gradientCheck(new AbortController().signal, nothing);
      if (!report) throw new Error('no report');
    }),
    longestUnit,
    'its longest single unit, in slices on the host',
  ]);

  const load = loadavg().map((x) => x.toFixed(1)).join(', ');
  console.log("extension host: the longest synchronous slice on the host's thread, evaluation and checks in the document's evaluation thread");
  console.log(`  (${cpus().length} cores, load average ${load} while it ran: on a loaded machine every wall-clock figure includes waiting for a core)`);
  console.log(`  (graph panel open; median of the runs · worst run; budget ${BUDGET_MS} ms. "slice": event-loop delay maximum (perf_hooks.monitorEventLoopDelay), which also`);
  console.log('  counts waiting for a core and garbage collection; "slice CPU": the most CPU time the host\'s thread spent between two turns of a 1 ms timer (Linux');
  console.log('  schedstat: garbage collection in, waiting for a core out); "handler": the longest single run of the host\'s own handlers; "median": the median handler run)');
  console.log(`  ${'work'.padEnd(68)} ${'slice'.padStart(19)} ${'slice CPU'.padStart(19)} ${'handler'.padStart(19)} ${'median'.padStart(8)}   before, on the host's thread`);
  for (const [name, figures, before, what] of rows) {
    const cell = (xs: readonly number[]): string => (xs.length === 0 ? '–'.padStart(19) : `${fmt(median(xs)).padStart(8)} · ${fmt(Math.max(...xs)).padStart(8)}`);
    const m = median(figures.slices);
    const on = before === null ? '' : `${fmt(before).padStart(8)} (${what})`;
    const mid = figures.medianHandler.length ? fmt(median(figures.medianHandler)) : '–';
    const cpu = figures.sliceCpu.length ? median(figures.sliceCpu) : m;
    console.log(`  ${name.padEnd(68)} ${cell(figures.slices)} ${cell(figures.sliceCpu)} ${cell(figures.handlers)} ${mid.padStart(8)}   ${on}${cpu > BUDGET_MS ? '  OVER BUDGET' : ''}`);
  }
}

/** The state the panel sent with a large graph before its labels, one object per node and arrow (before `BlankDrawingState`). */
function oldBlankState(m: StepSource): unknown {
  return { position: m.position, nodes: m.graph.nodes.map((n) => ({ value: null, grad: null, arrived: 0, expected: m.contributions(n.id).expected })), edgeGrads: m.graph.nodes.map((n) => n.inputs.map(() => null)) };
}
