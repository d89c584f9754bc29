/**
 * The command line end to end on the hostile inputs of the stage table
 * (`stageInputs`): `graphstep check` and `graphstep render` of each, every
 * run a fresh `node out/cli.js` process as a user starts it. Each figure is
 * the median of a few runs of the process's own CPU time (user + system,
 * all its threads: the collector's too), read as it exits, beside the wall
 * clock: on a machine shared with other work the CPU time is the steadier
 * figure of the work done.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stageInputs } from './stages.bench';

/** Loaded into the timed process before the CLI: prints its CPU time as it exits. */
const REPORT_CPU = "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write(`\\ncpu-ms ${(u.user + u.system) / 1000}\\n`); });";

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median CPU and wall ms of `runs` fresh processes of `node out/cli.js ...args`. */
function cliRun(root: string, preload: string, args: readonly string[], runs: number): { cpu: number; wall: number } {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--require', preload, path.join(root, 'out/cli.js'), ...args], { encoding: 'utf8' });
    wall.push(performance.now() - t0);
    const m = /cpu-ms ([\d.]+)/.exec(r.stderr);
    if (!m) throw new Error(`graphstep ${args.join(' ')}: no CPU figure (exit ${r.status}): ${r.stderr.slice(0, 300)}`);
    cpu.push(Number(m[1]));
  }
  return { cpu: median(cpu), wall: median(wall) };
}

export function benchCliStages(root: string, runs = 5): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-cli-bench-'));
  try {
    const preload = path.join(dir, 'report-cpu.js');
    fs.writeFileSync(preload, REPORT_CPU);
    const tiny = path.join(dir, 'tiny.nn');
    fs.writeFileSync(tiny, 'input x = 1\n');
    console.log(`\nthe command line end to end on the hostile inputs (goal well under 1 s; a fresh process each, median of ${runs}: CPU ms of the process, wall ms):`);
    console.log(`  ${'file'.padEnd(32)}${'graphstep check'.padStart(26)}${'graphstep render'.padStart(26)}`);
    const cell = (m: { cpu: number; wall: number }): string => `cpu ${m.cpu.toFixed(0).padStart(4)} (wall ${m.wall.toFixed(0).padStart(5)})`.padStart(26);
    const rows: { label: string; file: string }[] = [{ label: 'one statement (node startup)', file: tiny }];
    stageInputs().forEach(({ label, text }, i) => {
      const file = path.join(dir, `input${i}.nn`);
      fs.writeFileSync(file, text);
      rows.push({ label, file });
    });
    for (const { label, file } of rows) {
      const check = cliRun(root, preload, ['check', file], runs);
      const render = cliRun(root, preload, ['render', file, '-o', path.join(dir, 'out.svg')], runs);
      console.log(`  ${label.padEnd(32)}${cell(check)}${cell(render)}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
