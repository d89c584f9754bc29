import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { renderCommand } from '../../src/cli/renderCommand';
import { loadExample } from '../support/renderFixtures';
import { openWorkbench, screenshotDir, type Workbench } from './harness';

/** The page's window, for functions Playwright runs in the page (the tests compile without the DOM library). */
type PageWindow = { getComputedStyle(e: unknown): { stroke: string; getPropertyValue(name: string): string } };

/** The graph panel's phase badge, e.g. "backward 4/4". */
async function waitForPhase(view: FrameLocator, text: string): Promise<void> {
  await view.locator('#phase', { hasText: new RegExp(`^${text}$`) }).waitFor();
}

async function labels(view: FrameLocator, cls: 'gs-value' | 'gs-grad'): Promise<string[]> {
  return (await view.locator(`#graph .${cls}`).allTextContents()).filter(Boolean);
}

/** Moves the editor's cursor with Go to Line (Ctrl+G line:col), both 1-based. */
async function goTo(wb: Workbench, line: number, column: number): Promise<void> {
  await wb.editor().locator('.view-lines').click();
  await wb.page.keyboard.press('Control+G');
  const input = wb.page.locator('.quick-input-widget input');
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Accepts the save dialog's proposal (code-server's own dialog: a path box), the file beside the `.nn` file. */
async function acceptSaveDialog(wb: Workbench, file: string): Promise<void> {
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor();
  await wb.page.waitForFunction(`document.querySelector('.quick-input-widget input')?.value.endsWith(${JSON.stringify(path.basename(file))})`);
  await wb.screenshot(`panel-save-dialog-${path.extname(file).slice(1)}`);
  // The dialog may first move its listing to the typed folder; a second Enter then accepts.
  for (let attempt = 0; ; attempt++) {
    await input.press('Enter');
    try {
      await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 3000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Puts the panel in a view, whatever an earlier test left. */
async function ensureView(view: FrameLocator, name: 'operations' | 'values'): Promise<void> {
  if ((await view.locator(`body[data-view="${name}"]`).count()) === 0) await view.locator('#switch-view').click();
  await view.locator(`body[data-view="${name}"]`).waitFor();
}

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 100 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(fs.existsSync(file), `${file} written`);
}

describe('graph panel in the real workbench', () => {
  let workbench: Workbench | undefined;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-panel-ui-'));

  before(async () => {
    workbench = await openWorkbench({ folder: 'examples', file: 'apple_orange.nn' });
  });

  after(async () => {
    await workbench?.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('opens to the side and draws the textbook figure, operations as circles', async () => {
    const wb = workbench!;
    await wb.runCommand('GraphStep: Open Graph to the Side');
    const view = wb.webview();
    await view.locator('#graph svg .gs-node').first().waitFor();
    await waitForPhase(view, 'start 0/4');
    assert.deepEqual(await view.locator('#graph .gs-role-op .gs-symbol').allTextContents(), ['×', '×', '+', '×']);
    assert.equal(await view.locator('#graph .gs-role-output .gs-name').textContent(), 'total');
    await wb.screenshot('panel-apple-orange-start');
  });

  it('puts the step buttons in the editor title while the panel is active, and they step', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await view.locator('#graph').click({ position: { x: 5, y: 5 } });
    const action = (title: string) => wb.page.locator(`.editor-actions a.action-label[aria-label^="${title}"]`);
    await action('Next Step').first().waitFor();
    for (const title of ['Reset', 'Previous Step', 'Next Step', 'Run Forward Pass', 'Run Backward Pass']) assert.ok(await action(title).first().isVisible(), `${title} in the title`);
    await wb.screenshot('panel-title-step-buttons');
    await action('Next Step').first().click();
    await waitForPhase(view, 'forward 1/4');
    await action('Reset').first().click();
    await waitForPhase(view, 'start 0/4');
  });

  it('runs the backward pass from the toolbar and shows 715, 650, 1.1, 110, 2.2, 165, 3.3 (exact forms in the tooltips)', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await view.locator('#run-backward').click();
    await waitForPhase(view, 'backward 4/4');
    const values = await labels(view, 'gs-value');
    const grads = await labels(view, 'gs-grad');
    for (const v of ['715', '650', '1.1']) assert.ok(values.includes(v), `value ${v} in ${values.join(' ')}`);
    for (const g of ['110', '2.2', '165', '3.3', '1.1']) assert.ok(grads.includes(g), `gradient ${g} in ${grads.join(' ')}`);
    const tips = (await view.locator('#graph title').allTextContents()).join('\n');
    for (const exact of ['715.0000000000001', '110.00000000000001', '3.3000000000000003']) assert.ok(tips.includes(exact), exact);
    await wb.screenshot('panel-apple-orange-backward');
  });

  it('steps back and forth with the keys and the timeline, highlighting the node of each step', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await view.locator('#graph').focus();
    await wb.page.keyboard.press('ArrowLeft');
    await waitForPhase(view, 'backward 3/4');
    await wb.page.keyboard.press('ArrowLeft');
    await waitForPhase(view, 'backward 2/4');
    assert.equal(await view.locator('#graph .gs-node.gs-current .gs-symbol').textContent(), '+');
    await wb.screenshot('panel-apple-orange-backward-2');
    await wb.page.keyboard.press('ArrowRight');
    await waitForPhase(view, 'backward 3/4');
    await wb.page.keyboard.press('Home');
    await waitForPhase(view, 'start 0/4');
    assert.deepEqual(await labels(view, 'gs-grad'), []);
    await view.locator('#timeline').fill('2');
    await waitForPhase(view, 'forward 2/4');
    assert.ok((await labels(view, 'gs-value')).includes('450'));
    await wb.page.keyboard.press('End');
    await waitForPhase(view, 'backward 4/4');
  });

  it('follows the stepping commands of the palette (one state for editor and panel)', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await wb.runCommand('GraphStep: Reset');
    await waitForPhase(view, 'start 0/4');
    await wb.runCommand('GraphStep: Next Step');
    await waitForPhase(view, 'forward 1/4');
    await wb.runCommand('GraphStep: Run Backward Pass');
    await waitForPhase(view, 'backward 4/4');
  });

  it('switches to values as nodes (micrograd style) and back', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await ensureView(view, 'operations');
    await wb.runCommand('GraphStep: Run Backward Pass');
    await waitForPhase(view, 'backward 4/4');
    await wb.runCommand('GraphStep: Switch View');
    await view.locator('body[data-view="values"]').waitFor();
    const data = await view.locator('#graph .gs-cell-data').allTextContents();
    const grads = await view.locator('#graph .gs-cell-grad').allTextContents();
    assert.ok(data.includes('data 715'), data.join(' | '));
    assert.ok(grads.includes('grad 110') && grads.includes('grad 3.3'), grads.join(' | '));
    await wb.screenshot('panel-apple-orange-values-view');
    await view.locator('#switch-view').click();
    await view.locator('body[data-view="operations"]').waitFor();
  });

  it('selects a node\'s source in the editor when the node is clicked, keeps the keys in the panel, and highlights the node under the cursor', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await ensureView(view, 'operations');
    await wb.runCommand('GraphStep: Run Backward Pass');
    await waitForPhase(view, 'backward 4/4');
    const { graph } = loadExample('examples/apple_orange.nn');
    const plus = graph.nodes.find((n) => n.op === 'add')!;
    await view.locator(`#graph .gs-role-op[data-node="${plus.id}"]`).click();
    await view.locator('#detail .gs-detail-title').waitFor();
    assert.match(await view.locator('#detail').innerText(), /650/);
    // The editor shows the selection while the keys stay with the panel: ← steps, Escape closes the drawer.
    await wb.page.locator('.editor-group-container .monaco-editor .selected-text').first().waitFor();
    await wb.screenshot('panel-click-selects-source');
    await wb.page.keyboard.press('ArrowLeft');
    await waitForPhase(view, 'backward 3/4');
    await wb.page.keyboard.press('ArrowRight');
    await waitForPhase(view, 'backward 4/4');
    await wb.page.keyboard.press('Escape');
    await view.locator('#detail').waitFor({ state: 'hidden' });
    await wb.runCommand('View: Focus First Editor Group');
    const length = plus.range.end.character - plus.range.start.character;
    await wb.page.locator('#status\\.editor\\.selection', { hasText: `(${length} selected)` }).waitFor();
    const status = await wb.page.locator('#status\\.editor\\.selection').innerText();
    assert.match(status, new RegExp(`Ln ${plus.range.start.line + 1},`));

    const tax = graph.nodes.find((n) => n.name === 'tax')!;
    await goTo(wb, tax.range.start.line + 1, tax.range.start.character + 2);
    await view.locator(`#graph .gs-node.gs-highlight[data-node="${tax.id}"]`).waitFor();
    await wb.screenshot('panel-cursor-highlights-node');
  });

  it('exports the same drawing as `graphstep render`, and a PNG', async () => {
    const wb = workbench!;
    const svgFile = path.join(wb.folder, 'apple_orange.svg');
    await wb.runCommand('GraphStep: Export Graph as SVG');
    await acceptSaveDialog(wb, svgFile);
    await waitForFile(svgFile);
    // The export says where the file went, with the two next moves.
    const toast = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'saved the graph to' }).filter({ hasText: 'apple_orange.svg' });
    await toast.waitFor();
    assert.ok((await toast.innerText()).includes(svgFile), await toast.innerText());
    for (const button of ['Open', 'Reveal']) await toast.locator('.monaco-button', { hasText: button }).waitFor();
    await wb.screenshot('panel-export-confirms');
    await toast.locator('.monaco-button', { hasText: 'Open' }).click();
    await wb.page.locator('.tabs-container .tab.active[data-resource-name="apple_orange.svg"]').first().waitFor();
    await wb.runCommand('View: Close Editor');
    const cliFile = path.join(outDir, 'cli.svg');
    const io = { stdout: () => undefined, stderr: (s: string) => assert.fail(s) };
    assert.equal(renderCommand([path.join(wb.folder, 'apple_orange.nn'), '-o', cliFile], io), 0);
    assert.equal(fs.readFileSync(svgFile, 'utf8'), fs.readFileSync(cliFile, 'utf8'));

    const pngFile = path.join(wb.folder, 'apple_orange.png');
    await wb.webview().locator('#export-png').click();
    await acceptSaveDialog(wb, pngFile);
    await waitForFile(pngFile);
    for (let i = 0; i < 50 && fs.statSync(pngFile).size === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual([...fs.readFileSync(pngFile).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    fs.copyFileSync(pngFile, path.join(screenshotDir, 'panel-exported-apple-orange.png'));
    await wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'apple_orange.png' }).waitFor();
    await wb.runCommand('Notifications: Clear All Notifications');
  });

  it('follows the active .nn editor and opens a tensor\'s values and gradients as tables and heatmaps', async () => {
    const wb = workbench!;
    // Open it beside the panel, not over it (the toolbar click left the panel's group focused).
    await wb.runCommand('View: Focus First Editor Group');
    await wb.openFile('two_layer_net.nn');
    const view = wb.webview();
    const { graph } = loadExample('examples/two_layer_net.nn');
    const w1 = graph.nodes.find((n) => n.name === 'W1')!;
    await view.locator(`#graph .gs-role-leaf[data-node="${w1.id}"]`).waitFor();
    await wb.runCommand('GraphStep: Run Backward Pass');
    await waitForPhase(view, 'backward 4/4');
    await view.locator(`#graph .gs-role-leaf[data-node="${w1.id}"]`).click();
    await view.locator('#detail .gs-detail-grad table').waitFor();
    assert.equal(await view.locator('#detail .gs-detail-value table tr').count(), 2);
    assert.equal(await view.locator('#detail .gs-detail-value canvas').count(), 1);
    const cell = view.locator('#detail .gs-detail-grad td').first();
    assert.match((await cell.getAttribute('title')) ?? '', /^\[0, 0\] = -?\d/);
    await wb.screenshot('panel-two-layer-net-detail');
  });

  it('keeps the last good graph and shows the error while the file does not check', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await wb.runCommand('View: Focus First Editor Group');
    await wb.openFile('apple.nn');
    await view.locator('#graph .gs-role-output', { hasText: 'total' }).waitFor();
    await goTo(wb, 6, 1);
    await wb.page.keyboard.type('oops = apple_num @ \n');
    // Typing passes through other broken texts; wait for the one the finished line makes.
    await view.locator('#problems', { hasText: 'showing the last good graph' }).waitFor();
    await view.locator('#problems', { hasText: /6:\d+ expected a value/ }).waitFor();
    assert.ok(await view.locator('#graph .gs-node').count() > 0);
    await wb.screenshot('panel-error-keeps-last-graph');
    // Take the line out again (Delete Line): the file checks, and the panel drops the errors.
    await goTo(wb, 6, 1);
    await wb.page.keyboard.press('Control+Shift+K');
    await view.locator('#problems').waitFor({ state: 'hidden' });
  });
});

describe('graph panel across a window reload, in a high-contrast theme', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    // Opened without a file in the URL: a URL naming a file reopens just that file on reload.
    workbench = await openWorkbench({ folder: 'examples', settings: { 'workbench.colorTheme': 'Default High Contrast' } });
  });

  after(async () => {
    await workbench?.close();
  });

  it('restores itself, on the same document and in the same view', async () => {
    const wb = workbench!;
    await wb.openFile('apple_orange.nn');
    await wb.runCommand('GraphStep: Open Graph to the Side');
    await wb.webview().locator('#graph svg .gs-node').first().waitFor();
    await wb.runCommand('GraphStep: Run Backward Pass');
    await waitForPhase(wb.webview(), 'backward 4/4');
    // The theme's colours reach the drawing: high contrast draws outlines in its contrast border colour.
    const stroke = await wb.webview().locator('#graph .gs-role-op .gs-shape').first().evaluate((e) => (globalThis as unknown as PageWindow).getComputedStyle(e).stroke);
    const contrastBorder = await wb.webview().locator('html').evaluate((e) => (globalThis as unknown as PageWindow).getComputedStyle(e).getPropertyValue('--vscode-contrastBorder').trim());
    await wb.screenshot('panel-high-contrast');
    assert.match(contrastBorder, /^#/, 'the high-contrast theme defines --vscode-contrastBorder');
    assert.notEqual(stroke, 'rgb(59, 59, 59)', 'not the light fallback');
    await wb.runCommand('GraphStep: Switch View');
    await wb.webview().locator('body[data-view="values"]').waitFor();
    await wb.runCommand('Developer: Reload Window');
    await wb.page.locator('.monaco-workbench').waitFor();
    await wb.webview().locator('body[data-view="values"] #graph svg .gs-node').first().waitFor({ timeout: 60_000 });
    assert.ok((await wb.webview().locator('#graph .gs-cell-data').allTextContents()).includes('data 150'));
    await wb.screenshot('panel-restored-after-reload');
  });
});

describe('graph panel security', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'test/fixtures', file: 'script_in_path.nn' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows a load() path containing <script> as text', async () => {
    const wb = workbench!;
    await wb.runCommand('GraphStep: Open Graph to the Side');
    const view = wb.webview();
    const problems = view.locator('#problems');
    await problems.waitFor();
    assert.match(await problems.innerText(), /<script>alert\(1\)<\/script>/);
    assert.equal(await view.locator('#problems script, #graph script').count(), 0);
    await wb.screenshot('panel-script-path-as-text');
  });
});
