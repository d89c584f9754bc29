/**
 * Figures of the hostile inputs stage by stage: each stage of the pipeline
 * on a 100,000-operator statement, a 100,000-statement file and a constant
 * expression of 100,000 operators (folded while building), and the `.json`
 * loader on an array nested 10,000 deep. Each figure is the median of a few
 * runs in this process (warm), with the CPU time of the same runs.
 */
import { runJson, runTable } from '../src/cli/commands';
import { checkSource } from '../src/core/check';
import { Stepper } from '../src/core/engine/stepper';
import { buildGraph } from '../src/core/graph/buildGraph';
import { lex } from '../src/core/language/lexer';
import { parse } from '../src/core/language/parser';
import { loadTensor } from '../src/core/ops/loadFile';
import { drawableGraph } from '../src/core/render/drawableGraph';
import { drawingState } from '../src/core/render/drawingState';
import { layoutGraph } from '../src/core/render/layout';
import { renderSvg } from '../src/core/render/renderSvg';

const NO_FILES = { read: () => ({ ok: false as const, message: 'no files here' }) };

/** Median wall and CPU milliseconds of `runs` calls. */
function measure(fn: () => unknown, runs: number): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus) };
}

function cell(m: { wall: number; cpu: number } | null): string {
  return m === null ? '—'.padStart(17) : `${m.wall.toFixed(0).padStart(5)} ms (cpu ${m.cpu.toFixed(0).padStart(4)})`;
}

/** The three `.nn` inputs of the stage table. */
export function stageInputs(): { label: string; text: string }[] {
  const statements = ['input x0 = 1'];
  for (let i = 1; i <= 100_000; i++) statements.push(`x${i} = x${i - 1} * 1.0001`);
  return [
    { label: '100,000 + in one statement', text: `input x = 1\ny = ${Array(100_000).fill('x').join(' + ')}` },
    { label: '100,000 statements', text: statements.join('\n') },
    { label: '100,000 constant + (folded)', text: `input x = 1\nc = 1${' + 1'.repeat(100_000)}\ny = x * c` },
  ];
}

export function benchStages(runs = 3): void {
  console.log(`\nhostile inputs stage by stage (goal under 1 s each; median of ${runs} warm runs, wall and CPU ms):`);
  const stages = ['lex', 'parse', 'build + fold', 'check (all)', 'forward+backward', 'run --json', 'run (table)', 'layout + SVG'];
  console.log(`  ${'stage'.padEnd(18)}${stageInputs().map((i) => i.label.padStart(30)).join('')}`);
  const columns = stageInputs().map(({ text }) => {
    const parsed = parse(text, 1e7);
    const graph = checkSource(text, { evaluate: false }).graph!;
    const stepper = new Stepper(graph);
    stepper.runBackward();
    const drawable = drawableGraph(graph);
    return [
      measure(() => lex(text, [], 1e7), runs),
      measure(() => parse(text, 1e7), runs),
      measure(() => buildGraph(parsed.statements, { maxTensorElements: 1e7, files: NO_FILES }), runs),
      measure(() => checkSource(text, { evaluate: false }), runs),
      measure(() => new Stepper(graph).runBackward(), runs),
      measure(() => JSON.stringify(runJson(stepper)), runs),
      measure(() => runTable(stepper), runs),
      measure(() => renderSvg(drawable, layoutGraph(drawable, 'operations'), drawingState(stepper)), 1),
    ];
  });
  stages.forEach((stage, s) => console.log(`  ${stage.padEnd(18)}${columns.map((c) => cell(c[s]!).padStart(30)).join('')}`));
  const deep = new TextEncoder().encode('['.repeat(10_000) + '1' + ']'.repeat(10_000));
  console.log(`  ${'.json load, 10,000 deep'.padEnd(30)}${cell(measure(() => loadTensor('deep.json', deep, 1e7), runs))}`);
}
