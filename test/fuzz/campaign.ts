/**
 * `npm run fuzz [-- --count N --workers W --seed S]`: the long fuzzing
 * campaign. Inputs (random bytes, token mutations of the examples, programs
 * generated from the grammar) run in worker threads; an input that takes
 * more than 2 s is a hang: its worker is stopped and replaced. Prints the
 * counts ok / diagnostic / exception / over 2 s, and writes every exception
 * and hang to out/fuzz/failures/. Exits 1 when there is any.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { anyInput, exampleTokens, exercise } from './programs';

const HANG_MS = 2000;
const BATCH = 1000;

interface Job {
  readonly index: number;
  readonly text: string;
}

type Answer = { readonly index: number; readonly outcome: 'ok' | 'diagnostic' } | { readonly index: number; readonly outcome: 'exception'; readonly message: string };

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`expected a whole number after ${name}, found ${process.argv[i + 1]}`);
  return v;
}

function runWorker(): void {
  // warm up before the first timed input: loading and compiling is not a hang
  exercise('input x = 1\ny = x * 2\n');
  parentPort!.postMessage('ready');
  parentPort!.on('message', (job: Job) => {
    let answer: Answer;
    try {
      answer = { index: job.index, outcome: exercise(job.text) };
    } catch (e) {
      answer = { index: job.index, outcome: 'exception', message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    parentPort!.postMessage(answer);
  });
}

async function runCampaign(): Promise<void> {
  const count = option('--count', 100_000);
  const workers = option('--workers', 1);
  const seed = option('--seed', 2026);
  const root = path.resolve(__dirname, '../..');
  const failures = path.join(root, 'out/fuzz/failures');
  fs.rmSync(failures, { recursive: true, force: true });
  fs.mkdirSync(failures, { recursive: true });
  const inputs = anyInput(exampleTokens(path.join(root, 'examples')));
  const counts = { ok: 0, diagnostic: 0, exception: 0, 'over 2 s': 0 };
  let batch: string[] = [];
  let batchStart = 0;
  let nextIndex = 0;
  let done = 0;
  let slowest = 0;
  const started = performance.now();
  const take = (): Job | null => {
    if (nextIndex >= count) return null;
    if (nextIndex - batchStart >= batch.length) {
      batchStart = nextIndex;
      batch = fc.sample(inputs, { numRuns: Math.min(BATCH, count - nextIndex), seed: seed + nextIndex });
    }
    const job = { index: nextIndex, text: batch[nextIndex - batchStart]! };
    nextIndex++;
    return job;
  };
  const record = (kind: 'exception' | 'over 2 s', job: Job, detail: string): void => {
    counts[kind]++;
    const file = path.join(failures, `${kind === 'exception' ? 'exception' : 'hang'}-${job.index}`);
    fs.writeFileSync(`${file}.nn`, job.text);
    fs.writeFileSync(`${file}.txt`, detail);
  };

  await new Promise<void>((resolve) => {
    let running = 0;
    const start = (): void => {
      const worker = new Worker(__filename);
      running++;
      let current: Job | null = null;
      let since = 0;
      const feed = (): void => {
        current = take();
        if (current === null) {
          clearInterval(watch);
          void worker.terminate();
          return;
        }
        since = performance.now();
        worker.postMessage(current);
      };
      const watch = setInterval(() => {
        if (current !== null && performance.now() - since > HANG_MS) {
          record('over 2 s', current, `no answer after ${HANG_MS} ms`);
          done++;
          current = null;
          clearInterval(watch);
          void worker.terminate();
          start();
        }
      }, 100);
      worker.on('message', (answer: Answer | 'ready') => {
        if (answer === 'ready') {
          feed();
          return;
        }
        if (current === null || answer.index !== current.index) return;
        slowest = Math.max(slowest, performance.now() - since);
        done++;
        if (answer.outcome === 'exception') record('exception', current, answer.message);
        else counts[answer.outcome]++;
        if (done % 10_000 === 0) console.log(`  ${done} inputs, ${((performance.now() - started) / 1000).toFixed(0)} s`);
        feed();
      });
      worker.on('error', (e) => {
        if (current !== null) {
          record('exception', current, `worker died: ${e.stack ?? e.message}`);
          done++;
          current = null;
        }
        clearInterval(watch);
        start();
      });
      worker.on('exit', () => {
        if (--running === 0) resolve();
      });
    };
    for (let i = 0; i < workers; i++) start();
  });

  const seconds = (performance.now() - started) / 1000;
  console.log(`\nfuzz campaign: ${done} inputs in ${seconds.toFixed(0)} s (${workers} workers, seed ${seed}; slowest answer ${slowest.toFixed(0)} ms)`);
  console.log(`  ok ${counts.ok} / diagnostic ${counts.diagnostic} / exception ${counts.exception} / over 2 s ${counts['over 2 s']}`);
  if (counts.exception + counts['over 2 s'] > 0) console.log(`  failing inputs in ${path.relative(root, failures)}/`);
  process.exitCode = counts.exception + counts['over 2 s'] > 0 ? 1 : 0;
}

if (isMainThread) void runCampaign();
else runWorker();
