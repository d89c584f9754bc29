/**
 * The graph panel at every size, in the real workbench: readable on open
 * (measured in the real webview's DOM), the minimap, follow the step, find,
 * keyboard access, and the panel's defects that only show in VS Code.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { MIN_TEXT_PX } from '../../media/viewport';
import { checkSource } from '../../src/core/check';
import { generatedSource } from '../support/generatedGraphs';
import { loadExample } from '../support/renderFixtures';
import { openWorkbench, type Workbench } from './harness';

/** What the webview's DOM says about the drawing on screen, measured in the page. */
interface Measured {
  /** The graph area, in the webview's CSS px. */
  readonly area: { left: number; right: number; top: number; bottom: number };
  /** Every label (SVG text) drawn in the area: its text, on-screen font size and horizontal extent. */
  readonly texts: { text: string; px: number; left: number; right: number }[];
  /** Every node box in the area. */
  readonly nodes: { node: number; left: number; right: number; top: number; bottom: number }[];
  readonly minimapShown: boolean;
}

/** Measures the drawing in the webview page. */
async function measure(view: FrameLocator): Promise<Measured> {
  // Runs in the page, so no helper functions inside (the bundler would name them with a helper the page lacks).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return view.locator('#graph').evaluate((graph: any) => {
    const win = graph.ownerDocument.defaultView;
    const r = graph.getBoundingClientRect();
    const area = { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    const texts = [];
    for (const t of graph.querySelectorAll('svg text')) {
      const text = (t.textContent ?? '').trim();
      const style = win.getComputedStyle(t);
      if (!text || style.display === 'none' || style.visibility === 'hidden') continue;
      const b = t.getBoundingClientRect();
      if (b.width === 0 || !(b.right > area.left && b.left < area.right && b.bottom > area.top && b.top < area.bottom)) continue;
      texts.push({ text, px: parseFloat(style.fontSize) * t.getScreenCTM().a, left: b.left, right: b.right });
    }
    const nodes = [];
    for (const g of graph.querySelectorAll('.gs-node')) {
      const b = (g.querySelector('.gs-shape') ?? g).getBoundingClientRect();
      if (b.right > area.left && b.left < area.right && b.bottom > area.top && b.top < area.bottom) nodes.push({ node: Number(g.dataset.node), left: b.left, right: b.right, top: b.top, bottom: b.bottom });
    }
    const minimap = graph.querySelector('#minimap');
    return { area, texts, nodes, minimapShown: !!minimap && !minimap.hidden && minimap.getBoundingClientRect().width > 0 };
  }) as Promise<Measured>;
}

function assertReadable(m: Measured, what: string): void {
  assert.ok(m.texts.length > 0, `${what}: some text is drawn`);
  const small = m.texts.filter((t) => t.px < MIN_TEXT_PX - 0.01);
  assert.deepEqual(small.map((t) => `${t.text} ${t.px.toFixed(1)}px`), [], `${what}: every label at least ${MIN_TEXT_PX} px`);
}

async function waitForPhase(view: FrameLocator, text: RegExp): Promise<string> {
  const phase = view.locator('#phase', { hasText: text });
  await phase.waitFor();
  return (await phase.textContent()) ?? '';
}

/** The node the step highlighted: on screen, readable, inside the panel. */
async function assertCurrentReadable(view: FrameLocator, what: string): Promise<void> {
  const current = view.locator('#graph .gs-node.gs-current');
  await current.waitFor();
  const id = Number(await current.getAttribute('data-node'));
  // Following the view happens in the next animation frame.
  await view.locator('body').evaluate(() => new Promise((r) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => r(undefined))));
  const m = await measure(view);
  const box = m.nodes.find((n) => n.node === id);
  assert.ok(box, `${what}: the current node ${id} is in view`);
  assert.ok(box.left >= m.area.left && box.right <= m.area.right && box.top >= m.area.top && box.bottom <= m.area.bottom, `${what}: the current node is wholly inside the panel`);
  assertReadable(m, what);
}

async function openGraph(wb: Workbench, file: string): Promise<FrameLocator> {
  await wb.openFile(file);
  await wb.runCommand('GraphStep: Open Graph to the Side');
  const view = wb.webview();
  await view.locator('#graph svg .gs-node').first().waitFor();
  return view;
}

describe('graph panel at every size, in the real workbench (half of a 1600-px window)', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'test/fixtures' });
    const wb = workbench;
    await wb.page.setViewportSize({ width: 1600, height: 900 });
    await wb.runCommand('View: Close Primary Side Bar');
    fs.copyFileSync(path.join(__dirname, '../../examples/two_layer_net.nn'), path.join(wb.folder, 'two_layer_net.nn'));
    // About 1,000 and 10,000 op nodes: each op takes the previous result and (every other one) a new leaf.
    fs.writeFileSync(path.join(wb.folder, 'ops1000.nn'), generatedSource(1500, 'chain'));
    fs.writeFileSync(path.join(wb.folder, 'ops10000.nn'), generatedSource(15000, 'chain'));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-${this.currentTest.title.slice(0, 40).replace(/[^\w]+/g, '-')}`);
  });

  after(async () => {
    await workbench?.close();
  });

  it('draws the two-layer net with every label at 11 px or more and nothing cut off at the sides', async () => {
    const wb = workbench!;
    const view = await openGraph(wb, 'two_layer_net.nn');
    await wb.runCommand('GraphStep: Run Backward Pass');
    await waitForPhase(view, /^backward 4\/4$/);
    const m = await measure(view);
    await wb.screenshot('panel-two-layer-net-half-width');
    assertReadable(m, 'two-layer net');
    const clipped = m.texts.filter((t) => t.left < m.area.left - 0.5 || t.right > m.area.right + 0.5);
    assert.deepEqual(clipped.map((t) => t.text), [], 'no label cut at the left or right edge');
    const { graph } = loadExample('examples/two_layer_net.nn');
    assert.equal(new Set(m.nodes.map((n) => n.node)).size, graph.nodes.length, 'every node is in view');
    assert.ok(m.texts.some((t) => t.text === 'loss'), 'the output, named at the end of its arrow, is in view');
  });

  it('zooms in after Fit: Fit, then + twice, and the graph is still there', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await view.locator('#fit').click();
    await view.locator('#zoom-in').click();
    await view.locator('#zoom-in').click();
    await wb.page.waitForTimeout(200);
    const m = await measure(view);
    await wb.screenshot('panel-fit-then-zoom-in');
    assert.ok(m.nodes.length > 0, 'nodes in view after Fit + +');
  });

  it('reaches the nodes by keyboard: Tab into the graph, arrows between neighbours, Enter opens one', async () => {
    const wb = workbench!;
    await wb.runCommand('View: Focus First Editor Group');
    const view = await openGraph(wb, 'two_layer_net.nn');
    await view.locator('#graph').focus();
    await wb.page.keyboard.press('Tab');
    const focused = view.locator('#graph .gs-node:focus');
    await focused.waitFor();
    const first = await focused.getAttribute('aria-label');
    assert.match(first ?? '', /value .+, gradient /);
    const { graph } = loadExample('examples/two_layer_net.nn');
    const start = Number(await focused.getAttribute('data-node'));
    await wb.page.keyboard.press('ArrowRight');
    const next = Number(await view.locator('#graph .gs-node:focus').getAttribute('data-node'));
    assert.ok(graph.nodes[next]!.inputs.includes(start), `→ goes from node ${start} to a node it feeds (${next})`);
    assert.match((await view.locator('#graph .gs-node:focus').getAttribute('aria-label')) ?? '', new RegExp(`${graph.nodes[next]!.op}`));
    await wb.page.keyboard.press('ArrowLeft');
    const back = Number(await view.locator('#graph .gs-node:focus').getAttribute('data-node'));
    assert.ok(graph.nodes[next]!.inputs.includes(back), `← goes to an input of node ${next} (${back})`);
    await wb.page.keyboard.press('Enter');
    await view.locator('#detail .gs-detail-title').waitFor();
    await wb.screenshot('panel-keyboard-focus');
    await wb.page.keyboard.press('Escape');
    await view.locator('#detail').waitFor({ state: 'hidden' });
  });

  it('carries no highlight from one document to the next', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await wb.runCommand('View: Focus First Editor Group');
    await wb.openFile('two_layer_net.nn');
    const { graph } = loadExample('examples/two_layer_net.nn');
    const w2 = graph.nodes.find((n) => n.name === 'W2')!;
    await wb.page.keyboard.press('Control+G');
    await wb.page.locator('.quick-input-widget input').fill(`:${w2.range.start.line + 1}:${w2.range.start.character + 2}`);
    await wb.page.keyboard.press('Enter');
    await view.locator(`#graph .gs-node.gs-highlight[data-node="${w2.id}"]`).waitFor();
    // The generated file's first line is a comment: nothing is under its cursor.
    await wb.openFile('ops1000.nn');
    await waitForPhase(view, /\/\d{3,}$/);
    await view.locator('#graph svg .gs-node').first().waitFor();
    assert.equal(await view.locator('#graph .gs-highlight').count(), 0);
  });

  it('marks the leaves that fail a Gradient Check, and their arrows', async () => {
    const wb = workbench!;
    await wb.runCommand('View: Focus First Editor Group');
    await wb.openFile('gradcheck_fails.nn');
    await wb.runCommand('GraphStep: Gradient Check');
    await wb.runCommand('GraphStep: Open Graph to the Side');
    const view = wb.webview();
    const { graph } = loadExample('test/fixtures/gradcheck_fails.nn');
    const x = graph.nodes.find((n) => n.name === 'x')!;
    const w = graph.nodes.find((n) => n.name === 'w')!;
    await view.locator(`#graph .gs-node.gs-gradcheck-fail[data-node="${x.id}"]`).waitFor();
    assert.equal(await view.locator(`#graph .gs-node.gs-gradcheck-fail[data-node="${w.id}"]`).count(), 0, 'w passes');
    assert.ok((await view.locator('#graph .gs-edge.gs-gradcheck-fail').count()) >= 1, "x's arrow is marked");
    assert.match(await view.locator('#gradcheck').innerText(), /Gradient Check failed: x/);
    await wb.screenshot('panel-gradcheck-fail');
  });

  it('opens a 1,000-op file readable, with the minimap, and follows the steps', async () => {
    const wb = workbench!;
    await wb.runCommand('View: Focus First Editor Group');
    const view = await openGraph(wb, 'ops1000.nn');
    await waitForPhase(view, /^start 0\/\d+$/);
    const m = await measure(view);
    await wb.screenshot('panel-1000-ops-open');
    assertReadable(m, '1,000 ops on open');
    assert.ok(m.minimapShown, 'the minimap shows where the view is');
    await view.locator('#graph').focus();
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('ArrowRight');
    await waitForPhase(view, /^forward 3\/\d+$/);
    await assertCurrentReadable(view, '1,000 ops after 3 steps');
    await view.locator('#timeline').fill('700');
    await waitForPhase(view, /^forward 700\/\d+$/);
    await assertCurrentReadable(view, '1,000 ops at step 700');
    await wb.screenshot('panel-1000-ops-step-700');
    await wb.page.keyboard.press('End');
    await waitForPhase(view, /^backward (\d+)\/\1$/);
    await assertCurrentReadable(view, '1,000 ops after the backward pass');
  });

  it('opens a 10,000-op file readable, with the minimap, and follows the steps', async () => {
    const wb = workbench!;
    await wb.runCommand('View: Focus First Editor Group');
    await wb.openFile('ops10000.nn');
    const view = wb.webview();
    const phase = await waitForPhase(view, /^start 0\/\d{4,}$/);
    assert.ok(Number(phase.split('/')[1]) >= 9000, `about 10,000 op nodes: ${phase}`);
    await view.locator('#graph svg .gs-node').first().waitFor();
    const m = await measure(view);
    await wb.screenshot('panel-10000-ops-open');
    assertReadable(m, '10,000 ops on open');
    // The graph came in parts: the panel has it, so no banner says there is none.
    assert.ok(await view.locator('#problems').isHidden(), `no problem banner: ${await view.locator('#problems').textContent()}`);
    assert.ok(m.minimapShown, 'the minimap is shown');
    assert.ok(m.nodes.length < 400, `only what is in view is made (${m.nodes.length} node elements)`);
    await view.locator('#graph').focus();
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('ArrowRight');
    await waitForPhase(view, /^forward 3\/\d+$/);
    await assertCurrentReadable(view, '10,000 ops after 3 steps');
    await wb.page.keyboard.press('End');
    await waitForPhase(view, /^backward (\d+)\/\1$/);
    await assertCurrentReadable(view, '10,000 ops after the backward pass');
    await wb.screenshot('panel-10000-ops-backward-end');
    assert.ok(await view.locator('#problems').isHidden(), 'no problem banner after the backward pass');
  });

  it('moves the view where the minimap is clicked', async () => {
    const wb = workbench!;
    const view = wb.webview();
    const frame = view.locator('#minimap .gs-minimap-frame');
    const before = await frame.boundingBox();
    const map = (await view.locator('#minimap').boundingBox())!;
    const shownBefore = (await measure(view)).nodes.map((n) => n.node).sort((a, b) => a - b);
    // The far end from where the view is (the end of the backward pass is the graph's start).
    await view.locator('#minimap').click({ position: { x: before!.x - map.x > map.width / 2 ? 4 : map.width - 4, y: map.height / 2 } });
    await wb.page.waitForTimeout(200);
    const after = await frame.boundingBox();
    const shownAfter = (await measure(view)).nodes.map((n) => n.node).sort((a, b) => a - b);
    await wb.screenshot('panel-minimap-moved');
    assert.ok(Math.abs(after!.x - before!.x) > 20, `the frame moved: ${before!.x} → ${after!.x}`);
    assert.notDeepEqual(shownAfter, shownBefore, 'other nodes are drawn');
  });

  it('finds a node by name with Ctrl+F and shows it readable', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await view.locator('#graph').focus();
    await wb.page.keyboard.press('Control+F');
    const input = view.locator('#find input');
    await input.waitFor();
    // A leaf far from where the view is: its name is drawn in its box.
    const far = checkSource(generatedSource(15000, 'chain')).graph!.nodes.find((n) => n.kind === 'param' && n.id > 12000)!;
    await input.fill(far.name!);
    await input.press('Enter');
    const found = view.locator('#graph .gs-node.gs-found');
    await found.waitFor();
    assert.equal(await found.locator('.gs-name').textContent(), far.name);
    await wb.screenshot('panel-find-node');
    await input.press('Escape');
    await view.locator('#find').waitFor({ state: 'hidden' });
    // Focus lands on the node found; its label reads its kind, value and gradient.
    const label = await view.locator('#graph .gs-node:focus').getAttribute('aria-label');
    assert.match(label ?? '', new RegExp(`^${far.name}: param, scalar, value [\\d.]+, gradient -?[\\d.e+-]+`));
    const m = await measure(view);
    const box = m.nodes.find((n) => n.node === far.id);
    assert.ok(box && box.left >= m.area.left && box.right <= m.area.right, 'the node found is in view');
    assertReadable(m, 'after find');
  });
});

describe('graph panel across a window reload when VS Code was opened on a file', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    // A URL naming a file, as `npm start` opens: VS Code then restores no editors by itself.
    workbench = await openWorkbench({ folder: 'examples', file: 'apple.nn' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('comes back after Reload Window', async () => {
    const wb = workbench!;
    await wb.runCommand('GraphStep: Open Graph to the Side');
    await wb.webview().locator('#graph svg .gs-node').first().waitFor();
    // A mark on the old page: gone once the reload has really happened.
    await wb.page.evaluate('window.__beforeReload = true');
    await wb.runCommand('Developer: Reload Window');
    await wb.page.waitForFunction('!window.__beforeReload', undefined, { timeout: 60_000 });
    await wb.page.locator('.monaco-workbench').waitFor();
    await wb.webview().locator('#graph svg .gs-role-output', { hasText: 'total' }).waitFor({ timeout: 60_000 });
    // Past the moment a window that restored nothing reopens its panels: still exactly one.
    await wb.page.waitForTimeout(2500);
    assert.equal(await wb.page.locator('.tab', { hasText: 'Graph: apple.nn' }).count(), 1, 'one graph panel, not two');
    await wb.screenshot('panel-restored-after-reload-opened-on-file');
  });
});
