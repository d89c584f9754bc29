/**
 * The graph panel's page (the same markup, CSP, bundle and style sheet as in
 * VS Code) served to headless Chromium with a stand-in for the VS Code
 * webview API, so the webview can be measured and poked without a workbench.
 * Messages the webview posts land in `window.__sent`; `deliver()` plays the host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../src/core/protocol';
import { panelCsp, panelMarkup } from '../../src/extension/panel/panelMarkup';

const repoRoot = path.resolve(__dirname, '../..');
const origin = 'https://graphstep.test';
const nonce = 'test-nonce-0123456789';

export interface WebviewPage {
  readonly page: Page;
  /** Sends a host message and returns how long the webview took to handle it (ms, synchronous part). */
  deliver(message: HostMessage): Promise<number>;
  /** What the webview has posted so far. */
  sent(): Promise<WebviewMessage[]>;
  /** Content-Security-Policy violations seen. */
  readonly violations: string[];
  close(): Promise<void>;
}

export async function openWebviewPage(options: { width?: number; height?: number } = {}): Promise<WebviewPage> {
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await browser.newPage({ viewport: { width: options.width ?? 1200, height: options.height ?? 700 } });
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  const stub = `window.__sent = []; window.__state = undefined;
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });`;
  const html = panelMarkup({ nonce, csp: panelCsp(origin, nonce), scriptUri: `${origin}/out/webview.js`, styleUri: `${origin}/media/panel.css`, codiconsUri: `${origin}/out/codicons/codicon.css` }).replace(
    `<script nonce="${nonce}" src=`,
    `<script nonce="${nonce}">${stub}</script>\n<script nonce="${nonce}" src=`,
  );
  await page.route(`${origin}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    const file = path.join(repoRoot, url.pathname);
    if (!file.startsWith(repoRoot) || !fs.existsSync(file)) return route.fulfill({ status: 404 });
    return route.fulfill({ contentType: file.endsWith('.css') ? 'text/css' : file.endsWith('.ttf') ? 'font/ttf' : 'text/javascript', body: fs.readFileSync(file) });
  });
  await page.goto(`${origin}/index.html`);
  // The page's own code runs in the browser: given as strings, since the tests compile without the DOM library.
  await page.waitForFunction(`window.__sent.some((m) => m.type === 'ready')`);
  return {
    page,
    violations,
    deliver: (message) =>
      page.evaluate(`(() => {
        const m = ${JSON.stringify(message)};
        const t0 = performance.now();
        window.dispatchEvent(new MessageEvent('message', { data: m }));
        return performance.now() - t0;
      })()`) as Promise<number>,
    sent: () => page.evaluate('window.__sent') as Promise<WebviewMessage[]>,
    close: () => browser.close(),
  };
}
