/**
 * What a UI test needs to drive GraphStep the way a person does: a private
 * code-server with the extension installed from a freshly packaged .vsix (so
 * the UI layer also proves the package is complete), in headless Chromium.
 *
 * ```ts
 * let workbench: Workbench;
 * before(async () => { workbench = await openWorkbench({ folder: 'examples' }); });
 * after(() => workbench?.close());
 *
 * it('draws the graph', async () => {
 *   await workbench.openFile('apple.nn');
 *   await workbench.runCommand('GraphStep: Open Graph');
 *   await workbench.webview().locator('#graph').waitFor();
 *   await workbench.screenshot('apple-graph');
 * });
 * ```
 *
 * The .vsix is packaged once per test process (`vsce package`) from the
 * current build in out/ (run `npm run build` first) and installed once;
 * every workbench gets its own copy of the workspace folder and of the
 * extensions folder, its own user data, server and browser profile, all
 * deleted by `close()`.
 * Env: GRAPHSTEP_VSIX (use this .vsix instead of packaging),
 * GRAPHSTEP_EXTENSION_DIR (package another folder), GRAPHSTEP_KEEP_TMP=1 (keep temp dirs).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { installExtensions, launchChromium, repoRoot, startCodeServer, type CodeServer } from '../support/codeServer';

/** Where `screenshot()` writes: test-results/screenshots/NAME.png. */
export const screenshotDir = path.join(repoRoot, 'test-results/screenshots');

/** How long a harness step waits for the workbench before failing. */
const stepTimeoutMs = 30_000;

/** How to open a workbench. */
export interface WorkbenchOptions {
  /**
   * The workspace folder, absolute or relative to the repository root. Default: `test/fixtures`.
   * The workbench opens a fresh copy of it ({@link Workbench.folder}), so tests may edit and save.
   */
  readonly folder?: string;
  /** A file to have open as the workbench appears, relative to `folder` (quicker than {@link Workbench.openFile}). */
  readonly file?: string;
  /** User settings, merged over the harness defaults (e.g. `{ 'graphstep.maxTensorElements': 100 }`). */
  readonly settings?: Record<string, unknown>;
  /** VS Code's display language, e.g. `ja` (code-server's `--locale`). Default: English. */
  readonly locale?: string;
}

let extensionsReady: Promise<string> | undefined;
let harnessTmp: string | undefined;

/** A folder with the packaged extension installed, made once per process. */
function installedExtensions(): Promise<string> {
  extensionsReady ??= (async () => {
    harnessTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-ui-'));
    process.once('exit', () => {
      if (harnessTmp && !process.env.GRAPHSTEP_KEEP_TMP) fs.rmSync(harnessTmp, { recursive: true, force: true });
    });
    const vsix = process.env.GRAPHSTEP_VSIX ?? packageExtension(path.join(harnessTmp, 'graphstep.vsix'));
    return installExtensions(path.join(harnessTmp, 'installed'), [vsix]);
  })();
  return extensionsReady;
}

/**
 * Packages the extension (GRAPHSTEP_EXTENSION_DIR or the repository) into
 * `outFile` with `vsce package`, exactly what a release would ship, and returns `outFile`.
 */
export function packageExtension(outFile: string): string {
  const extensionDir = path.resolve(process.env.GRAPHSTEP_EXTENSION_DIR ?? repoRoot);
  const vsce = path.join(repoRoot, 'node_modules/@vscode/vsce/vsce');
  // Relative links stay relative: they resolve inside the installed extension, and no repository URL is needed.
  const args = ['package', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', outFile];
  execFileSync(process.execPath, [vsce, ...args], {
    cwd: extensionDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 120_000,
  });
  return outFile;
}

/**
 * Starts a private code-server with the packaged extension, opens `folder` in
 * headless Chromium and resolves once the workbench is drawn (about 5 s).
 * Always `close()` it, e.g. in mocha's `after`.
 */
export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const source = path.resolve(repoRoot, options.folder ?? 'test/fixtures');
  const server = await startCodeServer({ extensionsFrom: await installedExtensions(), settings: options.settings, locale: options.locale });
  let context: BrowserContext | undefined;
  try {
    // A copy, so a test may type into and save its files without touching the repository.
    const folder = path.join(server.dir, 'workspace', path.basename(source));
    fs.cpSync(source, folder, { recursive: true });
    context = await launchChromium(path.join(server.dir, 'chromium'));
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(stepTimeoutMs);
    const payload: Array<[string, string]> = [['skipWelcome', 'true']];
    if (options.file) payload.push(['openFile', server.remoteUri(path.join(folder, options.file))]);
    await page.goto(server.workbenchUrl(folder, payload));
    await page.locator('.monaco-workbench').waitFor();
    // The explorer shows the folder once the remote file system answers.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
    const workbench = new Workbench(page, folder, server, context);
    if (options.file) await workbench.waitForActiveEditor(options.file);
    return workbench;
  } catch (error) {
    await context?.close();
    await server.stop();
    throw error;
  }
}

/** One running workbench: a code-server, a browser page on it, and helpers acting on that page. */
export class Workbench {
  private activeFile: string | undefined;

  /** Use {@link openWorkbench}. */
  constructor(
    /** The Playwright page showing the workbench, for anything the helpers do not cover. */
    readonly page: Page,
    /** The workspace folder the workbench shows: a temp copy of {@link WorkbenchOptions.folder}. */
    readonly folder: string,
    private readonly server: CodeServer,
    private readonly context: BrowserContext,
  ) {}

  /** Opens a file of the workspace with Quick Open (Ctrl+P), as a person would, and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const name = path.basename(relativePath);
    const tab = this.page.locator(`.tabs-container .tab.active[data-resource-name=${JSON.stringify(name)}]`).filter({ visible: true }).first();
    // The row with exactly this name is clicked (Enter takes the first row, which may be a longer
    // name that also matches); on a busy machine the list can still be changing, so try again.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+P');
      await input.fill(relativePath);
      await this.quickPickRow(name).click();
      try {
        await tab.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        if (await this.page.locator('.quick-input-widget').isVisible()) await input.press('Escape');
      }
    }
    await this.waitForActiveEditor(relativePath);
  }

  /** Waits until the active editor tab is `relativePath` and its text is drawn. */
  async waitForActiveEditor(relativePath: string): Promise<void> {
    const name = path.basename(relativePath);
    // By resource name: a graph panel's tab ("Graph: NAME") also shows the name.
    await this.page.locator(`.tabs-container .tab.active[data-resource-name=${JSON.stringify(name)}]`).filter({ visible: true }).first().waitFor();
    await this.editor().locator('.view-line').first().waitFor();
    this.activeFile = path.resolve(this.folder, relativePath);
  }

  /** The active text editor (Monaco), to locate anything drawn in it. */
  editor(): Locator {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /** The text the active editor shows (its visible lines, with Monaco's non-breaking spaces made plain). */
  async editorText(): Promise<string> {
    const text = await this.editor().locator('.view-lines').innerText();
    return text.replace(/\u00a0/g, ' ');
  }

  /**
   * Runs a command from the palette by its full title, e.g.
   * `runCommand('GraphStep: Open Graph')` (F1, type, pick the row with exactly
   * that title); fails after 30 s if the palette never offers it.
   */
  async runCommand(title: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    const row = this.quickPickRow(title);
    // The palette lists the commands known when it opens; an extension host
    // still starting registers its contributions later, so reopen until it is there.
    const deadline = Date.now() + stepTimeoutMs;
    for (;;) {
      await this.page.keyboard.press('F1');
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ timeout: 2000 });
        break;
      } catch {
        const offered = await this.page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
        await input.press('Escape');
        if (Date.now() > deadline) {
          throw new Error(`no command titled "${title}" in the palette; it offers: ${offered.join(' | ') || 'nothing'}`);
        }
      }
    }
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /**
   * The document inside the visible webview (the graph panel); a webview is
   * two iframes deep: `webview().locator('#graph')`.
   */
  webview(): FrameLocator {
    return this.page
      .locator('iframe.webview.ready')
      .filter({ visible: true })
      .first()
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame();
  }

  /**
   * Shows the hover at the `occurrence`-th (1-based) whole-word occurrence of
   * `word` in the file last opened (as saved on disk), and returns its text.
   * Moves the cursor there with Go to Line (Ctrl+G `line:col`), then Show Hover (Ctrl+K Ctrl+I).
   */
  async hover(word: string, occurrence = 1): Promise<string> {
    if (!this.activeFile) throw new Error('hover(): open a file first');
    const { line, column } = findWord(fs.readFileSync(this.activeFile, 'utf8'), word, occurrence);
    await this.editor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(`:${line}:${column}`);
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /\S/ }).first();
    // Until the extension has activated there is no hover provider and no hover: ask again.
    const deadline = Date.now() + stepTimeoutMs;
    for (;;) {
      await this.page.keyboard.press('Control+K');
      await this.page.keyboard.press('Control+I');
      try {
        await hover.waitFor({ timeout: 2000 });
        return (await hover.innerText()).trim();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** Saves a screenshot of the whole window to test-results/screenshots/NAME.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(screenshotDir, { recursive: true });
    const file = path.join(screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Closes the browser, stops the server (and its extension host) and deletes their temp files. */
  async close(): Promise<void> {
    try {
      await this.context.close();
    } finally {
      await this.server.stop();
    }
  }

  private quickPickRow(label: string): Locator {
    return this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
      .first();
  }
}

/** 1-based line and column (UTF-16 units, as VS Code counts) of a whole-word occurrence. */
export function findWord(text: string, word: string, occurrence = 1): { line: number; column: number } {
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(word)}(?![\\p{L}\\p{N}_])`, 'gu');
  let match: RegExpExecArray | null;
  let seen = 0;
  while ((match = pattern.exec(text))) {
    if (++seen === occurrence) {
      const before = text.slice(0, match.index).split(/\r?\n/);
      return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
    }
  }
  throw new Error(`"${word}" occurs ${seen} time(s), not ${occurrence}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
