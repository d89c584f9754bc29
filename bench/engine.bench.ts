/**
 * The engine's matmul-heavy figures, each beside the same computation in numpy
 * run in the same `npm run bench` (numpy pinned to one thread), the BLAS
 * kernel numpy used printed with them. Ratios are GraphStep / numpy.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkSource } from '../src/core/check';
import { gradientCheck } from '../src/core/engine/gradcheck';
import { Stepper } from '../src/core/engine/stepper';
import type { Graph } from '../src/core/graph/graph';
import { Tensor } from '../src/core/tensor';
import { matmul } from '../src/core/tensorMath';
import { optimizerByName } from '../src/core/train/optimizers';
import { kernelPaths } from '../src/core/tensorMath/gemmWasm';
import { useNodeKernels } from '../src/node/engineKernels';
import { medianMs } from './timing';

interface NumpyFigures {
  readonly numpy: string;
  readonly blas: string;
  readonly threads_env: string | null;
  readonly ms: Record<string, number>;
  readonly cpu_ms: Record<string, number>;
}

/**
 * As medianMs, in CPU time of this process: what the work costs, which a busy
 * machine (other processes on the same cores) stretches far less than wall time.
 * Measured with the helper threads off, so it is one core's work.
 */
function medianCpuMs(fn: () => void, minTime = 300, maxRuns = 2000): number {
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  fn();
  let batch = 1;
  for (;;) {
    const t0 = cpu();
    for (let i = 0; i < batch; i++) fn();
    if (cpu() - t0 >= 2 || batch >= 1 << 20) break;
    batch *= 2;
  }
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < minTime && times.length < maxRuns)) {
    const t0 = cpu();
    for (let i = 0; i < batch; i++) fn();
    times.push((cpu() - t0) / batch);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** numpy on one thread: OPENBLAS_NUM_THREADS=1, and the core-type and L2 overrides removed for that run only. */
function numpyFigures(root: string): NumpyFigures | null {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  delete env['OPENBLAS_CORETYPE'];
  delete env['OPENBLAS_L2_SIZE'];
  try {
    const out = execFileSync('python3', [path.join(root, 'bench/engine_numpy.py')], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out) as NumpyFigures;
  } catch {
    return null;
  }
}

export function twoLayerSource(batch: number, inputs: number, hidden: number, classes: number): string {
  return [
    `input x = randn(${batch}, ${inputs}, seed=0)`,
    `const t = onehot(zeros(${batch}), ${classes})`,
    `param W1 = randn(${inputs}, ${hidden}, seed=1) * 0.01`,
    `param b1 = zeros(${hidden})`,
    `param W2 = randn(${hidden}, ${classes}, seed=2) * 0.01`,
    `param b2 = zeros(${classes})`,
    'a1 = relu(affine(x, W1, b1))',
    'loss = softmax_with_loss(affine(a1, W2, b2), t)',
  ].join('\n');
}

function chainSource(): string {
  const lines = ['input x = randn(64, 64, seed=0)'];
  for (let i = 1; i <= 8; i++) lines.push(`param W${i} = randn(64, 64, seed=${i}) * 0.125`);
  lines.push('h1 = x @ W1');
  for (let i = 2; i <= 8; i++) lines.push(`h${i} = h${i - 1} @ W${i}`);
  lines.push('loss = sum(h8)');
  return lines.join('\n');
}

function reluLayersSource(): string {
  const lines = ['input x = randn(256, 256, seed=0)'];
  for (let i = 1; i <= 6; i++) lines.push(`param W${i} = randn(256, 256, seed=${i}) * 0.0625`);
  lines.push('h1 = relu(x @ W1)');
  for (let i = 2; i <= 6; i++) lines.push(`h${i} = relu(h${i - 1} @ W${i})`);
  lines.push('loss = sum(h6)');
  return lines.join('\n');
}

function graphOf(text: string): Graph {
  const r = checkSource(text, { evaluate: false });
  if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.graph;
}

function forwardBackward(graph: Graph): () => void {
  return () => new Stepper(graph).runBackward();
}

/** The graph with new values for some leaves (the stepper reads leaf values from the graph). */
function withLeaves(graph: Graph, values: ReadonlyMap<number, Tensor>): Graph {
  return { ...graph, nodes: graph.nodes.map((n) => (values.has(n.id) ? { ...n, value: values.get(n.id)! } : n)) };
}

/**
 * Plain SGD on every param, W ← W − lr·∂W by the product's `sgd` optimizer (what
 * a `train` statement runs), after a forward and backward pass stepped as the
 * panel steps it (undo history included, which numpy's loop does not keep).
 */
function sgd(graph: Graph, lr: number, iterations: number): () => void {
  const params = graph.nodes.filter((n) => n.kind === 'param').map((n) => n.id);
  const shapes = params.map((id) => graph.nodes[id]!.shape);
  return () => {
    const optimizer = optimizerByName('sgd')!.create({ lr }, shapes);
    let g = graph;
    for (let it = 0; it < iterations; it++) {
      const stepper = new Stepper(g);
      stepper.runBackward();
      const updated = optimizer.update(
        params.map((id) => stepper.value(id)!),
        params.map((id) => stepper.grad(id)!),
      );
      g = withLeaves(g, new Map(params.map((id, k) => [id, updated[k]!])));
    }
  };
}

function fmt(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(2)} µs`;
}

function randomTensor(n: number, seed: number): Tensor {
  let s = seed >>> 0;
  const data = new Float64Array(n * n);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  return new Tensor([n, n], data);
}

export async function benchEngine(root: string): Promise<void> {
  useNodeKernels();
  const numpy = numpyFigures(root);
  const paths = kernelPaths();
  const load = os.loadavg().map((l) => l.toFixed(1)).join(', ');
  console.log(`engine (matrix kernels; ${os.availableParallelism()} cores, load average ${load}: figures are wall-clock medians, noisy when the machine is busy):`);
  console.log(`  GraphStep kernels: plain ${paths.plain}, fused ${paths.fused}${paths.fusedNote ? ` (${paths.fusedNote})` : ''}, up to ${paths.threads} thread(s)`);
  console.log(numpy ? `  numpy ${numpy.numpy}, BLAS ${numpy.blas}, OPENBLAS_NUM_THREADS=${numpy.threads_env}` : '  numpy: not found (figures without ratios)');
  // let the helper threads start before anything is timed
  matmul(randomTensor(128, 1), randomTensor(128, 2));
  await new Promise((resolve) => setTimeout(resolve, 200));

  const rows: { name: string; ms: number; cpu: number; np?: number; npCpu?: number; flops?: number; goal: string }[] = [];
  const measure = (fn: () => void, minTime: number, maxRuns: number): { ms: number; cpu: number } => {
    const ms = medianMs(fn, minTime, maxRuns);
    useNodeKernels({ threads: 1 });
    const cpu = medianCpuMs(fn, minTime, maxRuns);
    useNodeKernels();
    return { ms, cpu };
  };
  const add = (name: string, t: { ms: number; cpu: number }, npKey: string | null, goal: string, flops?: number): void => {
    rows.push({ name, ...t, np: npKey ? numpy?.ms[npKey] : undefined, npCpu: npKey ? numpy?.cpu_ms[npKey] : undefined, flops, goal });
  };
  for (const name of ['apple', 'apple_orange', 'two_layer_net']) {
    const text = fs.readFileSync(path.join(root, 'examples', `${name}.nn`), 'utf8');
    add(`examples/${name}.nn fwd+bwd`, measure(forwardBackward(graphOf(text)), 300, 2000), name === 'two_layer_net' ? 'two_layer_net_example' : name, '≤ 1×');
  }
  const net = graphOf(twoLayerSource(100, 784, 50, 10));
  add('two-layer net 784→50→10 ×100 fwd+bwd', measure(forwardBackward(net), 1500, 500), 'two_layer_net', '≤ 3×');
  add('eight 64³ products fwd+bwd', measure(forwardBackward(graphOf(chainSource())), 1000, 500), 'chain64', '≤ 3×');
  add('six relu(h @ W) 256² fwd+bwd', measure(forwardBackward(graphOf(reluLayersSource())), 2000, 100), 'relu256', '≤ 3×');
  const a256 = randomTensor(256, 1);
  const b256 = randomTensor(256, 2);
  add('256³ product', measure(() => matmul(a256, b256), 1000, 500), 'matmul256', '≥ 20 GFLOP/s', 2 * 256 ** 3);
  const a32 = randomTensor(32, 3);
  const b32 = randomTensor(32, 4);
  add('32³ product (exact FMA)', measure(() => matmul(a32, b32), 500, 2000), 'matmul32', '≥ 10 GFLOP/s', 2 * 32 ** 3);
  add('100 SGD iterations of the net', measure(sgd(net, 0.1, 100), 3000, 10), 'sgd100', '≤ 3×');

  console.log('  wall-clock medians (GraphStep with its threads, numpy on one):');
  for (const r of rows) {
    const rate = r.flops ? `  ${((r.flops / r.ms) * 1e-6).toFixed(1).padStart(5)} GFLOP/s` : '';
    const vs = r.np ? `  numpy ${fmt(r.np).padStart(9)}${r.flops ? ` ${((r.flops / r.np) * 1e-6).toFixed(0).padStart(4)} GFLOP/s` : ''}  ratio ${(r.ms / r.np).toFixed(2)}×` : '';
    console.log(`  ${r.name.padEnd(38)} ${fmt(r.ms).padStart(9)}${rate}${vs}   (goal ${r.goal})`);
  }
  console.log('  CPU-time medians (both on one thread; what the work costs on a busy machine):');
  for (const r of rows) {
    const rate = r.flops ? `  ${((r.flops / r.cpu) * 1e-6).toFixed(1).padStart(5)} GFLOP/s` : '';
    const vs = r.npCpu ? `  numpy ${fmt(r.npCpu).padStart(9)}  ratio ${(r.cpu / r.npCpu).toFixed(2)}×` : '';
    console.log(`  cpu ${r.name.padEnd(34)} ${fmt(r.cpu).padStart(9)}${rate}${vs}`);
  }

  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const report = gradientCheck(net, () => performance.now());
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(`  Gradient Check of the net: ${fmt(ms)} wall, ${fmt((c.user + c.system) / 1000)} CPU (all threads) for ${report.evaluations} evaluations, ${report.passed ? 'passed' : 'FAILED'} (goal < 0.5 s)`);

  console.log('\n  threads for one product (median ms, 1 thread → all threads; the split pays where the ratio is below 1):');
  const oneThread = (): void => useNodeKernels({ threads: 1 });
  const allThreads = (): void => useNodeKernels();
  for (const n of [32, 48, 64, 80, 96, 128, 192, 256]) {
    const a = randomTensor(n, n);
    const b = randomTensor(n, n + 1);
    oneThread();
    const t1 = medianMs(() => matmul(a, b), 400, 2000);
    allThreads();
    useNodeKernels({ minMacs: 1 });
    const t2 = medianMs(() => matmul(a, b), 400, 2000);
    allThreads();
    console.log(`    ${`${n}³`.padEnd(5)} (${(n ** 3).toExponential(1)} multiply-adds) ${fmt(t1).padStart(9)} → ${fmt(t2).padStart(9)}  ratio ${(t2 / t1).toFixed(2)}`);
  }
}
