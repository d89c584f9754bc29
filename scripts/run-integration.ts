/**
 * Runs the integration suite (out/test/integration, built by
 * scripts/build-tests.mjs) inside the real extension host of a private
 * code-server: the workbench is opened with a `payload` naming the extension
 * under development and the suite's entry, exactly what @vscode/test-electron
 * passes to VS Code desktop, and reports mocha's result back through the
 * automation hooks the workbench calls in test mode.
 *
 *   node --import tsx scripts/run-integration.ts
 *
 * Writes test-results/integration.json ({passes, failures, ...}, from the
 * suite itself) and exits 0 only if every test passed.
 * Env: GRAPHSTEP_EXTENSION_DIR (default: the repository), GRAPHSTEP_INTEGRATION_TIMEOUT (s, default 300).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchChromium, repoRoot, runSuite, startCodeServer, type CodeServer } from '../test/support/codeServer';

const extensionDir = path.resolve(process.env.GRAPHSTEP_EXTENSION_DIR ?? repoRoot);
const testsEntry = path.join(repoRoot, 'out/test/integration/index.js');
const workspace = path.join(repoRoot, 'test/fixtures');
const resultsFile = path.join(repoRoot, 'test-results/integration.json');
const timeoutMs = Number(process.env.GRAPHSTEP_INTEGRATION_TIMEOUT ?? 300) * 1000;

async function main(): Promise<number> {
  for (const needed of [path.join(extensionDir, 'package.json'), testsEntry]) {
    if (!fs.existsSync(needed)) throw new Error(`missing ${needed}: run \`npm run build && node scripts/build-tests.mjs\``);
  }
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.rmSync(resultsFile, { force: true });

  const started = Date.now();
  // The extension host inherits the server's environment: that is how the suite learns where to write its counts.
  const server: CodeServer = await startCodeServer({ env: { GRAPHSTEP_TEST_RESULTS: resultsFile } });
  try {
    const context = await launchChromium(path.join(server.dir, 'chromium'));
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => printLog(type, args));
      page.on('pageerror', (error) => {
        if (verbose || !offlineNoise.test(error.message)) console.error(`[workbench] ${error.message}`);
      });
      const code = await runSuite(page, server, { workspace, extensionDir, testsEntry, timeoutMs, label: 'integration' });
      console.log(`integration: extension host finished with ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return code;
    } finally {
      await context.close();
    }
  } catch (error) {
    console.error(`integration: server log (${server.logFile}):\n${fs.readFileSync(server.logFile, 'utf8').slice(-4000)}`);
    throw error;
  } finally {
    await server.stop();
  }
}

/** Set GRAPHSTEP_DEBUG=1 to see the workbench's own chatter too. */
const verbose = Boolean(process.env.GRAPHSTEP_DEBUG);
/** The workbench's connection chatter, printed only when verbose. */
const workbenchChatter = /^(Resolving connection token|Resolved connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore|Creation of workbench contribution|Ignoring fetching additional builtin)/;
/** Requests to the extension gallery, which this machine cannot reach. */
const offlineNoise = /ENOTFOUND|ERR_NAME_NOT_RESOLVED|open-vsx\.org/;

/** Prints what the extension host logged (mocha's reporter among it) as it arrives. */
function printLog(type: string, args: unknown[]): void {
  const text = format(...args);
  if (!verbose && (workbenchChatter.test(text) || offlineNoise.test(text))) return;
  if (type === 'error' || type === 'warn') process.stderr.write(`${text}\n`);
  else process.stdout.write(`${text}\n`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
