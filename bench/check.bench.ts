/**
 * Figures of checking: parse + check of large files, cold and warm, and the
 * hostile inputs that must each check in under a second.
 *
 * Cold: the first checkSource call in a fresh Node process, after the bundle
 * is loaded (the JIT has compiled nothing of the checker yet, as when the CLI
 * or a just-activated extension checks its first file); the time of that one
 * call, wall and CPU (CPU counts V8's compiler and GC threads too). Medians
 * over several fresh processes, each running this bundle with
 * GRAPHSTEP_COLD_CASE. The whole `graphstep check` of the same file (process
 * start, loading, reading the file, checking) is shown beside it. Warm: the
 * median of many calls in one process.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkSource, type CheckOptions } from '../src/core/check';
import { Stepper } from '../src/core/engine/stepper';
import { loadTensor } from '../src/core/ops/loadFile';
import { medianMs } from './timing';

/** The files of the parse + check figures. */
function caseText(name: string): string {
  if (name === '10k') {
    const lines = ['input x0 = 1.5'];
    for (let i = 1; i < 5001; i++) lines.push(`x${i} = relu(x${i - 1} * 1.0001)`);
    return lines.join('\n');
  }
  const lines: string[] = ['input x0 = 1'];
  for (let i = 1, size = 0; size < 1_000_000; i++) size += lines[lines.push(`x${i} = x${i - 1} * 1.0001 + ${i}`) - 1]!.length + 1;
  return lines.join('\n');
}

const CHECK_ONLY: CheckOptions = { evaluate: false };
/** What `graphstep check` asks for: the problems, without the groups a drawing needs. */
const PROBLEMS_ONLY: CheckOptions = { evaluate: false, groups: false };

/**
 * The least any checker written in JavaScript does with a file, as a yardstick
 * for the cold figures: one pass over the characters splitting words, numbers
 * and operators; one Map lookup per word; one small object per operator or
 * number. No syntax, no shapes, no ranges, no messages. Returns the count of
 * objects made (so nothing is optimized away).
 */
function bareScan(text: string): number {
  const word = (d: number): boolean => (d >= 97 && d <= 122) || (d >= 65 && d <= 90) || d === 95;
  const digit = (d: number): boolean => d >= 48 && d <= 57;
  const n = text.length;
  const starts = new Int32Array(n + 1);
  const kinds = new Uint8Array(n);
  let tokens = 0;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10) {
      i++;
      continue;
    }
    starts[tokens] = i;
    let j = i + 1;
    if (word(c)) {
      while (j < n && (word(text.charCodeAt(j)) || digit(text.charCodeAt(j)))) j++;
      kinds[tokens++] = 1;
    } else if (digit(c)) {
      while (j < n && (digit(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      kinds[tokens++] = 2;
    } else kinds[tokens++] = 3;
    i = j;
  }
  starts[tokens] = n;
  const names = new Map<string, number>();
  const made: { id: number; inputs: number[]; start: number }[] = [];
  for (let t = 0; t < tokens; t++) {
    if (kinds[t] === 1) {
      const word = text.slice(starts[t]!, starts[t + 1]!).trim();
      if (!names.has(word)) names.set(word, made.length);
    } else made.push({ id: made.length, inputs: [made.length - 1], start: starts[t]! });
  }
  return made.length + names.size;
}

/** In a child process: time the first check of one case and print its wall and CPU milliseconds (GRAPHSTEP_COLD_GROUPS=0: without groups; GRAPHSTEP_COLD_BARE=1: the bare scan instead). */
export function runColdCase(name: string): void {
  const text = caseText(name);
  const options = process.env.GRAPHSTEP_COLD_GROUPS === '0' ? PROBLEMS_ONLY : CHECK_ONLY;
  const bare = process.env.GRAPHSTEP_COLD_BARE === '1';
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (bare) bareScan(text);
  else checkSource(text, options);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  process.stdout.write(`${wall} ${(cpu.user + cpu.system) / 1000}\n`);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall and CPU ms of the first check in `runs` fresh processes, with or without the groups. */
function coldMedianMs(name: string, runs: number, groups = true, bare = false): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const env = { ...process.env, GRAPHSTEP_COLD_CASE: name, GRAPHSTEP_COLD_GROUPS: groups ? '1' : '0', GRAPHSTEP_COLD_BARE: bare ? '1' : '0' };
    const out = execFileSync(process.execPath, [process.argv[1]!], { env, encoding: 'utf8' });
    const [wall, cpu] = out.trim().split(' ').map(Number);
    walls.push(wall!);
    cpus.push(cpu!);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

/** Median wall ms of the whole `graphstep check FILE` (a fresh process: start, load, read, check), or null without the CLI bundle. */
function cliCheckMs(file: string, runs: number): number | null {
  const cli = path.resolve(__dirname, '../cli.js');
  if (!fs.existsSync(cli)) return null;
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    try {
      execFileSync(process.execPath, [cli, 'check', file], { stdio: 'ignore' });
    } catch {
      // exit code 1 (warnings or errors) still timed
    }
    walls.push(performance.now() - t0);
  }
  return median(walls);
}

function fmt(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

/** Median of a few runs of something slow (each run is one call). */
function medianOfRuns(fn: () => void, runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function benchCheck(): void {
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`\nparse + check, without running the tape (load average ${load} on ${os.cpus().length} cores):`);
  console.log('  cold = the first checkSource call in a fresh process after loading (median of 7 processes, wall and CPU), with the groups the panel draws;');
  console.log('  no groups = the same without them, as `graphstep check` asks;');
  console.log('  CLI = the whole `graphstep check FILE` in a fresh process (start, load, read, check, and the tape run when it is cheap; median of 5); warm = median in one process;');
  console.log('  bare scan = the least any JavaScript checker does, cold (split the text into tokens, one Map lookup per name, one small object per operator or number: no syntax, shapes, ranges or messages)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-bench-'));
  for (const [name, label, goal] of [
    ['10k', 'generated file, 10,000 op nodes', 20],
    ['1mb', '1 MB file', 150],
  ] as const) {
    const text = caseText(name);
    const file = path.join(dir, `${name}.nn`);
    fs.writeFileSync(file, text);
    const cold = coldMedianMs(name, 7);
    const noGroups = coldMedianMs(name, 7, false);
    const scan = coldMedianMs(name, 7, false, true);
    const cli = cliCheckMs(file, 5);
    const warm = medianMs(() => checkSource(text, CHECK_ONLY), 1000, 20);
    const size = `${(text.length / 1024).toFixed(0)} KiB`;
    console.log(
      `  ${label.padEnd(32)} ${size.padStart(8)}  cold ${fmt(cold.wall).padStart(8)} (cpu ${fmt(cold.cpu)}; goal ${goal} ms)   no groups ${fmt(noGroups.wall)} (cpu ${fmt(noGroups.cpu)})   CLI ${cli === null ? '—' : fmt(cli)}   warm ${fmt(warm)}   bare scan ${fmt(scan.wall)} (${(scan.wall / goal).toFixed(2)} of the goal; cold check ${(cold.wall / scan.wall).toFixed(1)}× it)`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });

  console.log('\nhostile inputs, each checked (and where it builds, run forward and backward); goal under 1 s, median of 5:');
  const x100k = Array(100_000).fill('x').join(' + ');
  const statements = ['input x0 = 1'];
  for (let i = 1; i <= 100_000; i++) statements.push(`x${i} = x${i - 1} + 1`);
  const unknown = ['input x = 1'];
  for (let i = 0; i < 10_000; i++) unknown.push(`y${i} = x + zz${i}`);
  const cases: [string, () => void][] = [
    ['100,000 + in one statement', () => runAll(`input x = 1\ny = ${x100k}`)],
    ['100,000 .T in one statement', () => runAll(`input x = [[1, 2]]\ny = x${'.T'.repeat(100_000)}`)],
    ['100,000 statements', () => runAll(statements.join('\n'))],
    ['10,000 unknown names', () => checkSource(unknown.join('\n'))],
    ['a 1 MB misspelt name', () => checkSource(`input x = 1\ny = x + ${'a'.repeat(1_000_000)}`)],
    ['100,000 call arguments', () => checkSource(`input x = 1\ny = reshape(x, ${Array(100_000).fill('1').join(', ')})`)],
    ['JSON nested 10,000 deep', () => loadTensor('deep.json', new TextEncoder().encode('['.repeat(10_000) + '1' + ']'.repeat(10_000)), 1e7)],
    ['zeros(10^11, 0) then .T', () => checkSource('input x = zeros(100000000000, 0)\ny = x.T')],
    ['a literal of 11,000,000 numbers', () => checkSource(`input x = [${'1,'.repeat(11_000_000)}1]`)],
  ];
  for (const [label, fn] of cases) console.log(`  ${label.padEnd(34)} ${fmt(medianOfRuns(fn)).padStart(9)}`);
}

/** Checks and, when the file builds, runs both passes. */
function runAll(text: string): void {
  const r = checkSource(text, CHECK_ONLY);
  if (!r.graph) throw new Error(r.diagnostics[0]?.message ?? 'no graph');
  new Stepper(r.graph).runBackward();
}
