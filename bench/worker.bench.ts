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
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { checkSource } from '../src/core/check';
import { bindingHoverMarkdown } from '../src/core/editor/hoverMarkdown';
import { gradientCheckSteps } from '../src/core/engine/gradcheck';
import { mapPosition } from '../src/core/engine/positionMap';
import { Stepper } from '../src/core/engine/stepper';
import { drawableGraph } from '../src/core/render/drawableGraph';
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

/** The longest the host's thread was held while it ran: the event-loop delay histogram's maximum. */
class HostClock {
  private readonly histogram = monitorEventLoopDelay({ resolution: 1 });
  constructor() {
    this.histogram.enable();
  }
  stop(): number {
    this.histogram.disable();
    // The histogram counts the 1 ms timer's own period in each delay.
    return Math.max(0, this.histogram.max / 1e6 - 1);
  }
}

/**
 * A second instrument: the longest single run of the host's own handlers
 * (the thread's messages, the slices that read a check or take a tape, the
 * panel's work), timed around each call. Unlike the event-loop delay it
 * leaves out the time this thread waits for a core on a loaded machine,
 * and garbage collection between handlers.
 */
let longestHandler = 0;
function timeHandlers(proto: object, names: readonly string[]): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  for (const name of names) {
    const f = target[name]!;
    target[name] = function (this: unknown, ...args: unknown[]): unknown {
      const t0 = performance.now();
      try {
        return f.apply(this, args);
      } finally {
        const d = performance.now() - t0;
        longestHandler = Math.max(longestHandler, d);
        if (process.env.GRAPHSTEP_BENCH_TRACE && d > 40) console.error(`  ${name} ${d.toFixed(0)} ms`);
      }
    };
  }
}

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
   * What the panel does on a change (as GraphPanel): a new graph whole (a
   * large one without labels, which follow in slices), a move as the patch
   * of what it changed (sliced too on a large graph).
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
      JSON.stringify({ graph: drawableGraph(m.graph), state: large ? blank(m) : drawingState(m) });
      if (large) this.queue(m.graph.nodes.map((n) => n.id), m.graph.nodes.filter((n) => n.inputs.length > 0).map((n) => n.id));
    } else {
      const changed = this.sent && this.sent.source === m && hasChangeLog(m) ? m.changedSince(this.sent.mark) : null;
      if (large) {
        if (changed) this.queue(changed.nodes, changed.consumers);
        else {
          JSON.stringify(blank(m));
          this.queue(m.graph.nodes.map((n) => n.id), m.graph.nodes.filter((n) => n.inputs.length > 0).map((n) => n.id));
        }
      } else JSON.stringify(changed && changed.nodes.length + changed.consumers.length < m.graph.nodes.length / 2 ? drawingPatch(m, changed) : drawingState(m));
    }
    this.sent = { source: m, mark: hasChangeLog(m) ? m.changeMark : 0 };
  }

  private graphTurn = false;
  private readonly labels = { nodes: new Set<number>(), consumers: new Set<number>(), scheduled: false };

  private queue(nodes: readonly number[], consumers: readonly number[]): void {
    for (const id of nodes) this.labels.nodes.add(id);
    for (const id of consumers) this.labels.consumers.add(id);
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
    JSON.stringify(drawingPatch(m, { nodes, consumers }));
    if (this.labels.nodes.size + this.labels.consumers.size > 0) this.queue([], []);
  }

  /** Labels still to send (the bench waits for them as for the tape). */
  get labelling(): boolean {
    return this.labels.nodes.size + this.labels.consumers.size > 0;
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
    while ((this.tape.loadedGraph && !this.tape.isSettled) || this.labelling || this.graphTurn) await new Promise((r) => setTimeout(r, 2));
  }

  dispose(): void {
    this.tape.dispose();
  }
}

function blank(m: StepSource): unknown {
  return { position: m.position, nodes: m.graph.nodes.map((n) => ({ value: null, grad: null, arrived: 0, expected: m.contributions(n.id).expected })), edgeGrads: m.graph.nodes.map((n) => n.inputs.map(() => null)) };
}

/** Runs a scenario `runs` times on a fresh host (its setup unmeasured); each run's longest host slice, and its longest handler. */
async function slices(runs: number, setup: (host: Host) => Promise<void>, scenario: (host: Host) => Promise<void>): Promise<Figures> {
  const out: Figures = { slices: [], handlers: [] };
  for (let i = 0; i < runs; i++) {
    if (process.env.GRAPHSTEP_BENCH_TRACE) console.error(`run ${i}`);
    const host = new Host();
    try {
      await setup(host);
      await host.settled();
      const clock = new HostClock();
      longestHandler = 0;
      await scenario(host);
      out.slices.push(clock.stop());
      out.handlers.push(longestHandler);
    } finally {
      host.dispose();
    }
  }
  return out;
}

interface Figures {
  readonly slices: number[];
  readonly handlers: number[];
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
    onThread(() => JSON.stringify(drawableGraph(checkSource(big, { evaluate: false }).graph!))),
    'check + drawable graph',
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
  console.log(`  (${cpus().length} cores, load average ${load} while it ran: on a loaded machine every figure includes waiting for a core)`);
  console.log(`  (graph panel open; median of runs · worst run; budget ${BUDGET_MS} ms. "slice": event-loop delay maximum (perf_hooks.monitorEventLoopDelay), which also counts`);
  console.log('  waiting for a core on a loaded machine and garbage collection; "handler": the longest single run of the host\'s own handlers)');
  console.log(`  ${'work'.padEnd(68)} ${'slice'.padStart(19)} ${'handler'.padStart(19)}   before, on the host's thread`);
  for (const [name, figures, before, what] of rows) {
    const cell = (xs: readonly number[]): string => `${fmt(median(xs)).padStart(8)} · ${fmt(Math.max(...xs)).padStart(8)}`;
    const m = median(figures.slices);
    const on = before === null ? '' : `${fmt(before).padStart(8)} (${what})`;
    console.log(`  ${name.padEnd(68)} ${cell(figures.slices)} ${cell(figures.handlers)}   ${on}${m > BUDGET_MS ? '  OVER BUDGET' : ''}`);
  }
}
