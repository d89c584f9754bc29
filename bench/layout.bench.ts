/**
 * Layout figures for `npm run bench`: edge crossings and times of
 * GraphStep's layered layout beside ELK (elkjs, layered) and dagre on the
 * same 1,000-node graphs in one run, then the layered layout alone at 10,000
 * and 30,000 nodes. Crossings are counted on the drawings by one function
 * (`countCrossings`); ELK and dagre run once each, in a worker stopped at a
 * time limit; GraphStep's figures are medians. Every time is given as wall
 * clock and, in brackets, CPU time: on a machine shared with other work the
 * CPU time is the steadier figure of the work done.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { layeredLayout } from '../src/core/render/layeredLayout';
import { layoutEngineInput, layoutGraph } from '../src/core/render/layout';
import { countCrossings } from '../src/core/render/layoutCrossings';
import { edgePolylines, type LayoutEngineInput, type Point } from '../src/core/render/layoutEngine';
import { generatedDrawable, type GraphShape } from '../test/support/generatedGraphs';
import { medianMs } from './timing';

const TIME_LIMIT_MS = Number(process.env.GRAPHSTEP_BENCH_LAYOUT_LIMIT_MS ?? 300_000);
/** Crossings are counted (in time growing with the square of the segments per strip) only up to this many segments. */
const MAX_COUNTED_SEGMENTS = 120_000;
const BUDGET_MS: Record<number, number> = { 1000: 100, 10000: 1000, 30000: 3000 };
const SHAPES: readonly [GraphShape, string][] = [
  ['skip', 'chain with skips'],
  ['random', 'random DAG'],
  ['mlp', 'two-layer net (scalars)'],
  ['chain', 'chain'],
];

/** Median CPU milliseconds of one call (process CPU time: includes the collector's threads). */
function cpuMedianMs(fn: () => void, runs: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function fmt(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

/** One ELK or dagre layout in a worker: its time and crossings, or null past the time limit. */
function thirdParty(engine: 'elk' | 'dagre', input: LayoutEngineInput): Promise<{ ms: number; cpuMs: number; crossings: number } | null> {
  return new Promise((resolve) => {
    const worker = new Worker(path.join(__dirname, 'layoutWorker.js'), { workerData: { engine, input }, resourceLimits: { stackSizeMb: 64 } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve(null);
    }, TIME_LIMIT_MS);
    worker.once('message', (m: { ms: number; cpuMs: number; lines: Point[][] }) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve({ ms: m.ms, cpuMs: m.cpuMs, crossings: countCrossings(m.lines) });
    });
    worker.once('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

export async function benchLayout(): Promise<void> {
  console.log(`layout quality at 1,000 nodes: edge crossings and layout time, same boxes for every engine`);
  console.log(`(GraphStep: median; ELK 0.12.1 and dagre 3.1.3: one run each in a worker, limit ${fmt(TIME_LIMIT_MS)}; ratio = GraphStep / ELK):`);
  console.log(`  ${'graph'.padEnd(26)} ${'GraphStep'.padStart(28)} ${'ELK'.padStart(28)} ${'dagre'.padStart(28)}   crossings ratio   GraphStep time / ${fmt(BUDGET_MS[1000]!)}`);
  for (const [shape, name] of SHAPES) {
    const input = layoutEngineInput(generatedDrawable(1000, shape), 'operations');
    const ms = medianMs(() => layeredLayout(input), 1000, 15);
    const cpuMs = cpuMedianMs(() => layeredLayout(input), 7);
    const ours = countCrossings(edgePolylines(input, layeredLayout(input)));
    const elk = await thirdParty('elk', input);
    const dagre = await thirdParty('dagre', input);
    const cell = (r: { ms: number; cpuMs: number; crossings: number } | null): string => (r ? `${r.crossings} in ${fmt(r.ms)} (${fmt(r.cpuMs)})` : 'timeout').padStart(28);
    const ratio = elk ? (elk.crossings === 0 ? (ours === 0 ? '1.00×' : '∞') : `${(ours / elk.crossings).toFixed(2)}×`) : '–';
    const budget = BUDGET_MS[1000]!;
    console.log(`  ${name.padEnd(26)} ${cell({ ms, cpuMs, crossings: ours })} ${cell(elk)} ${cell(dagre)}   ${ratio.padEnd(15)} ${(ms / budget).toFixed(2)}× (${(cpuMs / budget).toFixed(2)}×)`);
  }
  console.log('\nGraphStep layout and arrow paths (layoutGraph, what the panel waits for; median wall (CPU); ratio = figure / budget):');
  for (const nodes of [1000, 10000, 30000]) {
    for (const [shape, name] of SHAPES) {
      const graph = generatedDrawable(nodes, shape);
      const lay = (): unknown => layoutGraph(graph, 'operations', 'LR', { collapsed: new Set() });
      const ms = medianMs(lay, nodes >= 10000 ? 3000 : 1000, nodes >= 10000 ? 3 : 15);
      const cpuMs = cpuMedianMs(lay, nodes >= 10000 ? 3 : 7);
      const budget = BUDGET_MS[nodes]!;
      const lines = layoutGraph(graph, 'operations', 'LR', { collapsed: new Set() }).edges.map((e) => e.points);
      const segments = lines.reduce((n, l) => n + l.length, 0);
      const crossings = segments <= MAX_COUNTED_SEGMENTS ? `, ${countCrossings(lines)} crossings` : '';
      console.log(`  ${String(nodes).padStart(6)} nodes, ${name.padEnd(24)} ${fmt(ms).padStart(9)} (${fmt(cpuMs)})   ${(ms / budget).toFixed(2)}× (${(cpuMs / budget).toFixed(2)}×) of ${fmt(budget)}${crossings}`);
    }
  }
}
