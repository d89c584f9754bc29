/**
 * A private code-server (VS Code 1.100.3: server, extension host and web
 * workbench) and a headless Chromium to drive it, for the integration runner,
 * the UI test harness and nothing else. Everything a run writes (config, user
 * data, extensions, logs, browser profile) stays in one temp directory, and
 * only processes started here are ever stopped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The repository root (this file is test/support/codeServer.ts). */
export const repoRoot = path.resolve(__dirname, '../..');

/** code-server's entry script, installed by scripts/setup.sh. */
export const codeServerEntry = path.join(repoRoot, 'tools/code-server/node_modules/code-server/out/node/entry.js');

/** The Chromium the tests drive: Debian's, unless CHROMIUM_PATH names another. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Settings every private instance starts with: no welcome page, no telemetry, no prompts. */
const baseSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  // VS Code for the web saves a typed-in file after a second by default; a test that types decides when it is saved.
  'files.autoSave': 'off',
};

/** How to start a private code-server. */
export interface CodeServerOptions {
  /** .vsix files to install into the instance's own extensions folder before it starts. */
  readonly vsix?: readonly string[];
  /** An extensions folder to copy in instead of installing (see {@link installExtensions}). */
  readonly extensionsFrom?: string;
  /** User settings, merged over the harness defaults. */
  readonly settings?: Record<string, unknown>;
  /** Extra environment for the server; its extension host inherits it. */
  readonly env?: Record<string, string>;
  /** VS Code's display language (`--locale`), e.g. `ja`; see {@link displayLanguage}. */
  readonly locale?: string;
}

/** A running private code-server. */
export interface CodeServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT`, the authority of its `vscode-remote://` URIs. */
  readonly authority: string;
  /** The temp directory holding everything this instance writes. */
  readonly dir: string;
  /** The instance's server log (stdout and stderr). */
  readonly logFile: string;
  /** The `vscode-remote://` URI of a local path, as the workbench names files. */
  remoteUri(localPath: string): string;
  /** The workbench URL opening `folder`, with an optional `payload` (file to open, extension under test...). */
  workbenchUrl(folder: string, payload?: ReadonlyArray<readonly [string, string]>): string;
  /** Stops the server and everything it started, and deletes its temp directory. */
  stop(): Promise<void>;
}

/** Process groups started here and not yet stopped, with their temp dirs; cleaned up on exit or signal as a last resort. */
const liveGroups = new Map<number, string>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  const killAll = (): void => {
    for (const [pgid, dir] of liveGroups) {
      killGroup(pgid, 'SIGKILL');
      removeDir(dir);
    }
    liveGroups.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (os.constants.signals[signal] ?? 1));
    });
  }
}

/** Deletes a temp dir (unless GRAPHSTEP_KEEP_TMP), retrying while a dying browser still writes into it. */
function removeDir(dir: string): void {
  if (process.env.GRAPHSTEP_KEEP_TMP) return;
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (error) {
    console.error(`could not delete ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The arguments that keep an instance's state inside `dir` (`--config` always, or it writes to ~/.config). */
function privateArgs(dir: string): string[] {
  return ['--config', path.join(dir, 'config.yaml'), '--user-data-dir', path.join(dir, 'user-data'), '--extensions-dir', path.join(dir, 'extensions')];
}

/** The environment that keeps code-server's logs and caches inside `dir`. */
function privateEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dir, 'xdg/config'),
    XDG_DATA_HOME: path.join(dir, 'xdg/data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg/cache'),
    // No extension gallery: this machine cannot reach one, and tests must not depend on it.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}

function assertInstalled(): void {
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed (${codeServerEntry}); run scripts/setup.sh`);
  }
}

/**
 * Installs .vsix files into a fresh extensions folder under `dir` (about 2 s
 * each); pass it as {@link CodeServerOptions.extensionsFrom} to several
 * instances to install once.
 */
export function installExtensions(dir: string, vsix: readonly string[]): string {
  assertInstalled();
  fs.mkdirSync(dir, { recursive: true });
  for (const file of vsix) {
    const result = spawnSync(process.execPath, [codeServerEntry, ...privateArgs(dir), '--force', '--install-extension', file], {
      env: privateEnv(dir),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    if (result.status !== 0) {
      throw new Error(`installing ${file} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
    }
  }
  return path.join(dir, 'extensions');
}

/**
 * Starts a private code-server on a free port of 127.0.0.1, with no auth,
 * telemetry, update check or workspace trust, and resolves once it answers
 * `/healthz` (about 1 s). Its process group is killed by `stop()`, or at the
 * latest when this process exits.
 */
export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  assertInstalled();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-cs-'));
  fs.mkdirSync(path.join(dir, 'user-data/User'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'user-data/User/settings.json'),
    JSON.stringify({ ...baseSettings, ...options.settings }, null, 2),
  );
  if (options.extensionsFrom) fs.cpSync(options.extensionsFrom, path.join(dir, 'extensions'), { recursive: true });
  const localeArgs = options.locale ? displayLanguage(dir, options.locale) : [];
  if (options.vsix?.length) installExtensions(dir, options.vsix);

  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      codeServerEntry,
      ...privateArgs(dir),
      '--bind-addr', authority,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...localeArgs,
    ],
    // Its own process group, so stop() reaches the extension host and every other child.
    { detached: true, stdio: ['ignore', log, log], env: privateEnv(dir, options.env) },
  );
  fs.closeSync(log);
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('code-server did not start');
  liveGroups.set(pgid, dir);
  installExitHooks();
  recordPid(pgid);

  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));

  const stop = async (): Promise<void> => {
    if (liveGroups.delete(pgid)) {
      killGroup(pgid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pgid, 'SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
      // The group may outlive its leader by a moment (extension host shutting down).
      for (let i = 0; i < 50 && killGroup(pgid, 0); i++) await sleep(100);
      killGroup(pgid, 'SIGKILL');
    }
    removeDir(dir);
  };

  const url = `http://${authority}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      const output = fs.readFileSync(logFile, 'utf8');
      await stop();
      throw new Error(`code-server exited at startup:\n${output}`);
    }
    if (await healthy(url)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${url}/healthz within 60 s`);
    }
    await sleep(150);
  }

  const remoteUri = (localPath: string): string => `vscode-remote://${authority}${path.resolve(localPath)}`;
  return {
    url,
    authority,
    dir,
    logFile,
    remoteUri,
    workbenchUrl(folder, payload) {
      let query = `folder=${encodeURIComponent(path.resolve(folder))}`;
      if (payload?.length) query += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return `${url}/?${query}`;
    },
    stop,
  };
}

/**
 * Makes `locale` the display language of the instance in `dir` and returns the
 * server arguments for it. `--locale ja` alone leaves VS Code in English unless a
 * language pack for `ja` is installed (with none, VS Code resolves the language to
 * `en`, and extensions see `vscode.env.language === 'en'`). Installing Microsoft's
 * pack needs the Marketplace; instead this registers an empty pack the way VS Code
 * records installed ones, in `languagepacks.json` of the user data: VS Code's own
 * menus stay English (no translations), and everything an extension localizes —
 * `package.nls.<locale>.json`, `l10n/bundle.l10n.<locale>.json`, walkthrough pages —
 * is shown in `locale`, exactly as with the real pack.
 */
function displayLanguage(dir: string, locale: string): string[] {
  const translations = path.join(dir, 'language-pack', 'main.i18n.json');
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  fs.writeFileSync(translations, JSON.stringify({ contents: {} }));
  const extension = { extensionIdentifier: { id: `graphstep-test.language-pack-${locale}` }, version: '1.0.0' };
  const packs = { [locale]: { hash: `graphstep-test-${locale}`, extensions: [extension], translations: { vscode: translations }, label: locale } };
  fs.writeFileSync(path.join(dir, 'user-data', 'languagepacks.json'), JSON.stringify(packs));
  return ['--locale', locale];
}

/** Lets scripts/test.sh kill, by id, a server whose runner died without cleaning up. */
function recordPid(pgid: number): void {
  const file = process.env.GRAPHSTEP_PID_FILE;
  if (file) fs.appendFileSync(file, `${pgid}\n`);
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Launches headless Chromium with a persistent profile in `profileDir` (a
 * plain context cannot register the workbench's service worker), kept off the
 * network it cannot reach.
 */
export function launchChromium(profileDir: string): Promise<BrowserContext> {
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}; run scripts/setup.sh or set CHROMIUM_PATH`);
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/**
 * Opens the workbench on `workspace` in test mode, with the payload VS Code's
 * test runners pass (the extension under development and the suite's entry),
 * and waits for the exit code the suite reports through the automation hook,
 * or 1 once `timeoutMs` has passed. Hooks the page needs besides
 * (`codeAutomationLog`, console) are set before.
 */
export async function runSuite(page: Page, server: CodeServer, suite: { readonly workspace: string; readonly extensionDir: string; readonly testsEntry: string; readonly timeoutMs: number; readonly label: string }): Promise<number> {
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => exited(code));
  const payload: Array<[string, string]> = [
    ['extensionDevelopmentPath', server.remoteUri(suite.extensionDir)],
    ['extensionTestsPath', server.remoteUri(suite.testsEntry)],
    ['skipWelcome', 'true'],
  ];
  await page.goto(server.workbenchUrl(suite.workspace, payload));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      console.error(`${suite.label}: no result after ${suite.timeoutMs / 1000} s`);
      resolve(1);
    }, suite.timeoutMs);
  });
  try {
    return await Promise.race([exitCode, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
