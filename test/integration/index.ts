/**
 * The integration suite's entry, loaded by the extension host of VS Code
 * (code-server via scripts/run-integration.ts, or VS Code desktop via
 * runTestElectron.ts): runs every bundled `*.test.js` next to it with mocha.
 * When GRAPHSTEP_TEST_RESULTS names a file, the counts are written there, so
 * the runner outside the host can report them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** What scripts/test.sh reads from every layer. */
interface LayerResults {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly tests: number;
  readonly failed: readonly string[];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000 });
  const failed: string[] = [];
  const files = fs.readdirSync(__dirname, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    // GRAPHSTEP_INTEGRATION_FILES=a,b runs only the files whose names contain one of these (while working on them).
    .filter((file) => !process.env.GRAPHSTEP_INTEGRATION_FILES || process.env.GRAPHSTEP_INTEGRATION_FILES.split(',').some((part) => file.includes(part)))
    .sort();
  for (const file of files) mocha.addFile(path.join(__dirname, file));

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats;
        writeResults({
          passes: stats?.passes ?? 0,
          failures: stats?.failures ?? failures,
          pending: stats?.pending ?? 0,
          tests: stats?.tests ?? 0,
          failed,
        });
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
      runner.on('fail', (test) => failed.push(test.fullTitle()));
    } catch (error) {
      // A test file that does not load: the runner outside sees no results and counts a failure.
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

function writeResults(results: LayerResults): void {
  const file = process.env.GRAPHSTEP_TEST_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
}
