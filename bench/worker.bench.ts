/**
 * Extension-host figures for `npm run bench`: the longest synchronous slice
 * the host's thread runs while the evaluation thread (out/evalWorker.js)
 * steps, checks and runs Gradient Check, for the costly files of the
 * robustness work. The host side is driven exactly as in the extension
 * (TapeClient: the host's check, position mapping, mirror), and each tape
 * message is answered as the graph panel answers it (drawing state + the
 * JSON VS Code sends). A 1 ms timer on the host measures the gaps between
 * its ticks: the longest gap is the longest the host was held. Each scenario
 * runs several times; the figures are medians of its runs' longest slices
 * (and the worst run), beside what the same work holds the host for when it
 * runs on the host's thread.
 */
import * as path from 'node:path';
import { checkSource } from '../src/core/check';
import { gradientCheck } from '../src/core/engine/gradcheck';
import { Stepper } from '../src/core/engine/stepper';
import { drawableGraph } from '../src/core/render/drawableGraph';
import { drawingState } from '../src/core/render/drawingState';
import { TapeClient } from '../src/extension/worker/tapeClient';

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

/** Counts the longest gap between ticks of a 1 ms timer on this thread. */
class HostClock {
  private last = performance.now();
  private longest = 0;
  private readonly timer = setInterval(() => this.tick(), 1);

  private tick(): void {
    const now = performance.now();
    this.longest = Math.max(this.longest, now - this.last);
    this.last = now;
  }

  /** The longest the thread was held (a gap minus the timer's own 1 ms). */
  stop(): number {
    this.tick();
    clearInterval(this.timer);
    return Math.max(0, this.longest - 1);
  }
}

/** The host side as the extension runs it: the check, the client, and the panel's work on every change. */
function host(): { tape: TapeClient; changes: () => number } {
  let changes = 0;
  const tape = new TapeClient(SCRIPT, {
    changed: () => {
      changes++;
      const m = tape.shown;
      if (m) JSON.stringify(drawingState(m, { precision: 4 }));
    },
    problems: () => {},
    died: (message) => {
      throw new Error(message);
    },
  });
  return { tape, changes: () => changes };
}

/** What a rebuild does on the host: check, hand over, and send the panel the new graph. */
function rebuild(tape: TapeClient, text: string, evaluate = true): void {
  const r = checkSource(text, { evaluate: false });
  if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  tape.load(r.graph, text, {}, null, evaluate);
  JSON.stringify({ graph: drawableGraph(r.graph), state: tape.shown ? drawingState(tape.shown) : null });
}

async function settled(tape: TapeClient): Promise<void> {
  while (!tape.isSettled) await new Promise((r) => setTimeout(r, 2));
}

/** Runs a scenario `runs` times on a fresh host; each run's longest host slice. */
async function slices(runs: number, scenario: (tape: TapeClient) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { tape } = host();
    try {
      const clock = new HostClock();
      await scenario(tape);
      out.push(clock.stop());
    } finally {
      tape.dispose();
    }
  }
  return out;
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

/** Milliseconds the same work holds a thread when it runs there. */
function onThread(work: () => void): number {
  const t0 = performance.now();
  work();
  return performance.now() - t0;
}

export async function benchWorker(): Promise<void> {
  const runs = 3;
  const big = chainFile(10_000);
  const bigEdited = `input unrelated = 2\n${big}`;
  const rows: [string, number[], number | null][] = [];

  rows.push([
    '10,000-statement file: rebuild after an edit',
    await slices(runs, async (tape) => {
      rebuild(tape, big);
      await tape.step('runBackward');
      rebuild(tape, bigEdited);
      await settled(tape);
    }),
    null,
  ]);
  // One rebuild's own synchronous work, timed directly (the clock above also sees it, among the rest).
  {
    const { tape } = host();
    rebuild(tape, big);
    await settled(tape);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(onThread(() => rebuild(tape, i % 2 ? big : bigEdited)));
      await settled(tape);
    }
    tape.dispose();
    // Before, a rebuild also recomputed the tape up to the old position on the host: here the end.
    const before = onThread(() => new Stepper(checkSource(bigEdited, { evaluate: false }).graph!).runBackward());
    rows.push(['  of which the rebuild call itself (check + map + hand over + panel graph)', times, before]);
  }
  rows.push([
    '10,000-statement file: run to the far end (goTo F+B)',
    await slices(runs, async (tape) => {
      rebuild(tape, big, false);
      await tape.step('runBackward');
    }),
    onThread(() => new Stepper(checkSource(big, { evaluate: false }).graph!).runBackward()),
  ]);
  rows.push([
    '10,000-statement file: typing (10 edits, 150 ms apart)',
    await slices(3, async (tape) => {
      rebuild(tape, big);
      await tape.step('runBackward');
      for (let i = 0; i < 10; i++) {
        rebuild(tape, `input typed${i} = ${i}\n${big}`);
        await new Promise((r) => setTimeout(r, 150));
      }
      await settled(tape);
    }),
    null,
  ]);
  const matmulGraph = checkSource(MATMUL, { evaluate: false }).graph!;
  rows.push([
    '790×790 matmul: one step',
    await slices(runs, async (tape) => {
      rebuild(tape, MATMUL);
      await tape.step('next');
    }),
    onThread(() => new Stepper(matmulGraph).next()),
  ]);
  rows.push([
    '790×790 matmul: an edit during the step (abandoned)',
    await slices(runs, async (tape) => {
      rebuild(tape, MATMUL);
      const step = tape.step('next');
      while (tape.thread.busyMs() < 100) await new Promise((r) => setTimeout(r, 5));
      rebuild(tape, `# edited\n${MATMUL}`);
      await step;
      await settled(tape);
    }),
    null,
  ]);
  const netGraph = checkSource(TWO_LAYER, { evaluate: false }).graph!;
  rows.push([
    'Gradient Check, two-layer net 784→50→10, batch 100',
    await slices(3, async (tape) => {
      rebuild(tape, TWO_LAYER);
      const report = await tape.gradientCheck(new AbortController().signal, () => {});
      if (!report) throw new Error('no report');
    }),
    onThread(() => gradientCheck(netGraph, () => performance.now())),
  ]);
  rows.push([
    'hover on the 790×790 product (value + stats)',
    await slices(runs, async (tape) => {
      rebuild(tape, MATMUL);
      await tape.step('next');
      const binding = checkSource(MATMUL, { evaluate: false }).bindings.findIndex((b) => b.name === 'c');
      if (!(await tape.hoverMarkdown(binding, 100))) throw new Error('no hover');
    }),
    null,
  ]);

  console.log(`extension host: longest synchronous slice on the host's thread, evaluation in its thread (median of runs · worst run; budget ${BUDGET_MS} ms):`);
  for (const [name, xs, before] of rows) {
    const m = median(xs);
    const worst = Math.max(...xs);
    const on = before === null ? '' : `  on the host's thread it would hold it ${fmt(before)} (${(before / Math.max(m, 0.1)).toFixed(0)}× longer)`;
    console.log(`  ${name.padEnd(74)} ${fmt(m).padStart(8)} · ${fmt(worst).padStart(8)}  ${(m / BUDGET_MS).toFixed(2)}× budget${on}`);
  }
}
