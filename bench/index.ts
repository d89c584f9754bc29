/**
 * `npm run bench`: times the engine (and the renderer) and sets each figure
 * beside the same computation in numpy, run in this process tree when python3
 * with numpy is present. Figures are medians; ratios are GraphStep / numpy.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../src/core/check';
import { Stepper } from '../src/core/engine/stepper';
import { benchCheck, runColdCase } from './check.bench';
import { twoLayerSource } from './engine.bench';
import { benchStages } from './stages.bench';
import { benchCheckpoints, benchTraining } from './train.bench';
import { medianMs } from './timing';

// Bundled into out/bench/ so it runs the code exactly as the extension does.
const root = path.resolve(__dirname, '../..');

function fmt(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(2)} µs`;
}

function numpyFigures(): Record<string, number> | null {
  try {
    const out = execFileSync('python3', [path.join(root, 'bench/numpy_reference.py')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out) as Record<string, number>;
  } catch {
    return null;
  }
}

function forwardBackward(text: string): () => void {
  const r = checkSource(text, { evaluate: false });
  if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const graph = r.graph;
  return () => new Stepper(graph).runBackward();
}

async function main(): Promise<void> {
  const numpy = numpyFigures();
  console.log(`GraphStep benchmarks — node ${process.version}; numpy: ${numpy ? String(numpy['numpy']) : 'not found (figures without ratios)'}\n`);
  console.log('forward + backward pass (median):');
  const rows: [string, number, number | undefined][] = [];
  for (const name of ['apple', 'apple_orange']) {
    const text = fs.readFileSync(path.join(root, 'examples', `${name}.nn`), 'utf8');
    rows.push([name, medianMs(forwardBackward(text)), numpy?.[name]]);
  }
  rows.push(['two_layer_net 784→50→10, batch 100', medianMs(forwardBackward(twoLayerSource(100, 784, 50, 10)), 2000, 200), numpy?.['two_layer_net']]);
  for (const [name, ms, np] of rows) {
    const ratio = np ? `  numpy ${fmt(np)}  ratio ${(ms / np).toFixed(2)}×` : '';
    console.log(`  ${name.padEnd(38)} ${fmt(ms).padStart(10)}${ratio}`);
  }

  console.log('\nundo history after the whole two-layer net (784→50→10, batch 100):');
  {
    const graph = checkSource(twoLayerSource(100, 784, 50, 10), { evaluate: false }).graph!;
    const stepper = new Stepper(graph);
    let snapshots = 0;
    const stateBytes = (): number => graph.nodes.reduce((n, node) => n + (stepper.value(node.id)?.data.byteLength ?? 0) + (stepper.grad(node.id)?.data.byteLength ?? 0), 0);
    snapshots += stateBytes();
    while (stepper.next()) snapshots += stateBytes();
    const history = stepper.historyFootprint();
    const mib = (b: number): string => `${(b / 1048576).toFixed(2)} MiB`;
    console.log(`  ${history.changes} change records holding ${mib(history.bytes)} of earlier tensors (a step's record keeps only the slots it overwrote);`);
    console.log(`  a copy of every tensor at every position would hold ${mib(snapshots)}`);
  }

  benchCheck();
  benchStages();
  (await import('./cliStages.bench')).benchCliStages(root);
  benchTraining(root);
  benchCheckpoints(root);

  console.log('');
  // in a fresh process, as numpy's figures beside them are: after the benchmarks above, this
  // process's heap and compiled code would weigh on the microsecond rows
  execFileSync(process.execPath, [__filename], { env: { ...process.env, GRAPHSTEP_ENGINE_BENCH: '1' }, stdio: 'inherit' });

  const layoutBench = path.join(root, 'bench/layout.bench.ts');
  if (fs.existsSync(layoutBench)) {
    const { benchLayout } = (await import('./layout.bench')) as { benchLayout: () => Promise<void> };
    console.log('');
    await benchLayout();
  }

  console.log('');
  await (await import('./worker.bench')).benchWorker();

  const renderBench = path.join(root, 'bench/render.bench.ts');
  if (fs.existsSync(renderBench)) {
    const { benchRender } = (await import('./render.bench')) as { benchRender: () => Promise<void> };
    console.log('');
    await benchRender();
  }
}

// a fresh process timing one first check (the cold figures of benchCheck)
if (process.env['GRAPHSTEP_COLD_CASE']) runColdCase(process.env['GRAPHSTEP_COLD_CASE']);
else if (process.env['GRAPHSTEP_ENGINE_BENCH']) void import('./engine.bench').then(({ benchEngine }) => benchEngine(root)).then(() => process.exit(0));
else void main();
