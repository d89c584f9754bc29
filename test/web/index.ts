/**
 * The browser suite's entry, loaded by the web worker extension host of
 * code-server (scripts/run-web.ts opens the workbench with GraphStep made a
 * web extension): runs every test of test/web with mocha's browser build,
 * then prints the counts on one line the runner reads (a Worker has no file
 * system to write them to).
 */
import 'mocha/mocha.js';

/** The line scripts/run-web.ts looks for in the extension host's log. */
export const RESULTS_MARK = 'graphstep-web-results:';

export async function run(): Promise<void> {
  mocha.setup({ ui: 'bdd', reporter: 'spec', timeout: 60_000, color: false });
  // After setup: the files call describe/it as they load (bundled in, by esbuild).
  await import('./webHost.test');
  await import('./loadFiles.test');
  await import('./debugger.test');
  await import('./virtualWorkspace.test');
  await import('./training.test');
  return new Promise((resolve, reject) => {
    const failed: string[] = [];
    const runner = mocha.run((failures) => {
      const stats = runner.stats;
      console.log(`${RESULTS_MARK} ${JSON.stringify({ passes: stats?.passes ?? 0, failures: stats?.failures ?? failures, pending: stats?.pending ?? 0, tests: stats?.tests ?? 0, failed })}`);
      if (failures > 0) reject(new Error(`${failures} web test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test) => failed.push(test.fullTitle()));
  });
}
