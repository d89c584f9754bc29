import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../src/core/check';
import { CheckpointedTraining } from '../src/core/train/checkpointedTraining';
import { Training } from '../src/core/train/training';
import { createFileAccess } from '../src/node/fileAccess';

/**
 * `graphstep train examples/train_digits.nn` in process: 2,000 steps of a
 * 64 → 50 → 10 net on batches of 100 and the accuracy every 15 steps, as wall
 * and CPU time (medians of 3; the CPU time is the figure to read on a busy
 * machine), beside numpy running the same steps (bench/train_numpy.py).
 */
export function benchTraining(root: string): void {
  const file = path.join(root, 'examples', 'train_digits.nn');
  const walls: number[] = [];
  const cpus: number[] = [];
  let accuracy = 0;
  for (let run = 0; run < 3; run++) {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const result = checkSource(fs.readFileSync(file, 'utf8'), { files: createFileAccess(file, path.dirname(file)) });
    const training = new Training(result.graph!, result.training!);
    for (let k = 0; k < result.training!.steps; k++) training.next();
    accuracy = training.epochs[training.epochs.length - 1]!.testAccuracy!;
    walls.push((performance.now() - wall) / 1000);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1e6);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
  const numpy = numpyTraining(root);
  const line = (who: string, wall: number, cpu: number, acc: number): string => `  ${who.padEnd(10)} wall ${wall.toFixed(2)} s  cpu ${cpu.toFixed(2)} s  test accuracy ${(acc * 100).toFixed(2)}%`;
  console.log('\ntraining examples/train_digits.nn (2,000 steps, batches of 100; medians of 3):');
  console.log(line('GraphStep', median(walls), median(cpus), accuracy));
  if (numpy) console.log(`${line('numpy', numpy.wall, numpy.cpu, numpy.test_accuracy)}\n  ratio (cpu) ${(median(cpus) / numpy.cpu).toFixed(2)}×`);
}

/**
 * GraphStep: Train's checkpoints on examples/train_digits.nn: what keeping
 * them costs over the plain run (CPU, medians of 3), the memory they hold,
 * and the CPU time to put the graph at an iteration (recomputed from the
 * checkpoint before it), median over 200 iterations drawn at random.
 */
export function benchCheckpoints(root: string): void {
  const file = path.join(root, 'examples', 'train_digits.nn');
  const result = checkSource(fs.readFileSync(file, 'utf8'), { files: createFileAccess(file, path.dirname(file)) });
  const graph = result.graph!;
  const plan = result.training!;
  const cpuOf = (run: () => void): number => {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const plain: number[] = [];
  const kept: number[] = [];
  let run: CheckpointedTraining | null = null;
  for (let r = 0; r < 3; r++) {
    plain.push(cpuOf(() => {
      const t = new Training(graph, plan);
      for (let k = 0; k < plan.steps; k++) t.next();
    }));
    kept.push(cpuOf(() => {
      run = new CheckpointedTraining(graph, plan, plan.steps);
      while (!run.done) run.next();
    }));
  }
  const trained = run!;
  let seed = 1;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const goTo: number[] = [];
  for (let i = 0; i < 200; i++) {
    const k = Math.floor(random() * plan.steps);
    goTo.push(cpuOf(() => trained.leavesAt(k)) * 1000);
  }
  const step = median(plain) / plan.steps;
  console.log('\nGraphStep: Train on examples/train_digits.nn (checkpoints; CPU time, medians):');
  console.log(`  training with checkpoints ${median(kept).toFixed(2)} s  plain ${median(plain).toFixed(2)} s  ratio ${(median(kept) / median(plain)).toFixed(2)}×`);
  console.log(`  a checkpoint every ${trained.interval} steps, ${(trained.memoryBytes / 1048576).toFixed(2)} MiB kept`);
  console.log(`  going to an iteration: ${median(goTo).toFixed(2)} ms (${(median(goTo) / (step * 1000)).toFixed(1)} training steps' time; at most ${trained.interval - 1} steps recomputed)`);
}

interface NumpyFigures {
  readonly wall: number;
  readonly cpu: number;
  readonly test_accuracy: number;
}

function numpyTraining(root: string): NumpyFigures | null {
  try {
    return JSON.parse(execFileSync('python3', [path.join(root, 'bench', 'train_numpy.py')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as NumpyFigures;
  } catch {
    return null;
  }
}
