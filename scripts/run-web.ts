/**
 * Runs the browser suite (out/test/web, built by scripts/build-tests.mjs)
 * inside the web worker extension host of a private code-server: the
 * browser's own extension host, the one VS Code for the Web runs
 * extensions in. The setting `remote.extensionKind` makes GraphStep a web
 * extension (its `browser` entry, out/web/extension.js, in a Worker of the
 * page) instead of a workspace one (`main`, in the Node extension host);
 * the workbench is opened with a `payload` naming the extension under
 * development and the suite's entry, as for the integration suite.
 *
 *   node --import tsx scripts/run-web.ts
 *
 * The workspace is a temp folder: apple.nn, test/fixtures/load, a file
 * outside it and symbolic links, for load()'s rules. Writes
 * test-results/web.json ({passes, failures, ...}, from the suite itself) and
 * exits 0 only if every test passed.
 * Env: GRAPHSTEP_EXTENSION_DIR (default: the repository), GRAPHSTEP_WEB_TIMEOUT (s, default 240), GRAPHSTEP_DEBUG=1.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchChromium, repoRoot, runSuite, startCodeServer, type CodeServer } from '../test/support/codeServer';

const extensionDir = path.resolve(process.env.GRAPHSTEP_EXTENSION_DIR ?? repoRoot);
const testsEntry = path.join(repoRoot, 'out/test/web/index.js');
const resultsFile = path.join(repoRoot, 'test-results/web.json');
const timeoutMs = Number(process.env.GRAPHSTEP_WEB_TIMEOUT ?? 240) * 1000;
/** What the suite prints with its counts (test/web/index.ts). */
const RESULTS_MARK = 'graphstep-web-results:';
const verbose = Boolean(process.env.GRAPHSTEP_DEBUG);
/** The workbench's own chatter (and the gallery this machine cannot reach), printed only when verbose. */
const workbenchChatter = /Resolving connection token|Resolved connection token|Creating a socket|additional builtin|\[Service Worker\]|ChatSessionStore|workbench contribution|same-origin iframe|allow-same-origin|Overwriting extension|Failed to load resource|ENOTFOUND|ERR_NAME_NOT_RESOLVED|open-vsx|punycode/;

/** The workspace the suite runs in, and a file beside it (outside it). */
function makeWorkspace(dir: string): string {
  const ws = path.join(dir, 'workspace');
  fs.mkdirSync(ws, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'examples/apple.nn'), path.join(ws, 'apple.nn'));
  fs.cpSync(path.join(repoRoot, 'test/fixtures/load'), path.join(ws, 'load'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'outside.csv'), '1,2\n');
  fs.mkdirSync(path.join(dir, 'elsewhere'));
  fs.writeFileSync(path.join(dir, 'elsewhere', 'x.csv'), '3,4\n');
  // a link that stays inside and one to a folder outside: the browser refuses both (it cannot tell where a link leads)
  fs.symlinkSync(path.join(ws, 'load', 'u8.npy'), path.join(ws, 'link.csv'));
  fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(ws, 'linked'));
  return ws;
}

async function main(): Promise<number> {
  for (const needed of [path.join(extensionDir, 'out/web/extension.js'), testsEntry]) {
    if (!fs.existsSync(needed)) throw new Error(`missing ${needed}: run \`npm run build && node scripts/build-tests.mjs\``);
  }
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-web-'));
  const started = Date.now();
  const server: CodeServer = await startCodeServer({ settings: { 'remote.extensionKind': { 'graphstep.graphstep': ['web'] } } });
  try {
    const workspace = makeWorkspace(dir);
    const context = await launchChromium(path.join(server.dir, 'chromium'));
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      let results: unknown;
      const take = (text: string, print: boolean): void => {
        const at = text.indexOf(RESULTS_MARK);
        if (at >= 0) results = JSON.parse(text.slice(text.indexOf('{', at), text.lastIndexOf('}') + 1));
        else if (print && (verbose || !workbenchChatter.test(text))) process.stdout.write(`${text}\n`);
      };
      await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => take(format(...args), false));
      // The web worker extension host logs (mocha's reporter among it) to the page's console, as
      // console.log('%c[level]', 'color: …', format, ...args): formatted here as Node would.
      page.on('console', (message) => {
        void Promise.all(message.args().map((a) => a.jsonValue().catch(() => String(a)))).then(
          (args: unknown[]) => {
            const [first, ...rest] = args;
            const styled = typeof first === 'string' && first.startsWith('%c');
            take(styled ? format(...rest.slice(first.split('%c').length - 1)) : message.text(), true);
          },
          () => take(message.text(), true),
        );
      });
      const code = await runSuite(page, server, { workspace, extensionDir, testsEntry, timeoutMs, label: 'web' });
      // The counts are printed just before the host exits: give the console a moment.
      for (let i = 0; i < 20 && results === undefined; i++) await new Promise((r) => setTimeout(r, 100));
      if (results !== undefined) fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
      console.log(`web: the web worker extension host finished with ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return code;
    } finally {
      await context.close();
    }
  } catch (error) {
    console.error(`web: server log (${server.logFile}):\n${fs.readFileSync(server.logFile, 'utf8').slice(-4000)}`);
    throw error;
  } finally {
    await server.stop();
    if (!process.env.GRAPHSTEP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
