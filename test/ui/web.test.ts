import * as assert from 'node:assert/strict';
import type { Worker } from 'playwright-core';
import { openWorkbench, type Workbench } from './harness';

/**
 * The packaged extension as VS Code for the Web runs it: `remote.extensionKind`
 * makes GraphStep a web extension, so code-server loads its `browser` entry
 * into the page's web worker extension host instead of `main` into Node.
 */
const WEB = { 'remote.extensionKind': { 'graphstep.graphstep': ['web'] } };

/** The page's Workers with their names (VS Code names a Worker an extension starts after its host: `ExtensionHostWorker -> NAME`). */
async function namedWorkers(wb: Workbench): Promise<Array<{ worker: Worker; name: string }>> {
  const named = await Promise.all(wb.page.workers().map(async (worker) => ({ worker, name: String(await worker.evaluate('self.name').catch(() => '')) })));
  return named;
}

async function hoverSettled(wb: Workbench): Promise<void> {
  await wb.page.waitForFunction(
    "document.getAnimations().every((a) => a.playState !== 'running' || !(a.effect && a.effect.target && a.effect.target.closest && a.effect.target.closest('.monaco-hover')))",
  );
}

describe('VS Code for the Web: the packaged extension in the browser extension host', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'examples', file: 'apple.nn', settings: WEB });
  });

  after(async () => {
    await workbench?.close();
  });

  it('steps apple.nn forward and backward, evaluating in a browser Worker, and hovers the exact gradient', async () => {
    const wb = workbench!;
    await wb.runCommand('GraphStep: Next Step');
    await wb.page.locator('.statusbar-item', { hasText: 'forward 1/2' }).waitFor();
    await wb.runCommand('GraphStep: Run Backward Pass');
    await wb.page.locator('.statusbar-item', { hasText: 'backward 2/2' }).waitFor();
    await wb.runCommand('GraphStep: Previous Step');
    await wb.page.locator('.statusbar-item', { hasText: 'backward 1/2' }).waitFor();
    await wb.runCommand('GraphStep: Next Step');
    await wb.page.locator('.statusbar-item', { hasText: 'backward 2/2' }).waitFor();

    // The evaluation thread is a Worker of this page, started by the web worker extension host, with no Node in it.
    // Were GraphStep in the Node extension host, its thread would be a worker_thread on the server and this would fail.
    const workers = await namedWorkers(wb);
    const evaluation = workers.find((w) => /^ExtensionHostWorker -> GraphStep evaluation$/.test(w.name));
    assert.ok(evaluation, `a Worker "GraphStep evaluation" started by the extension host; the page has: ${workers.map((w) => w.name).join(', ')}`);
    assert.equal(await evaluation.worker.evaluate('typeof process'), 'undefined');
    const host = workers.find((w) => w.name === 'ExtensionHostWorker');
    assert.ok(host, 'the web worker extension host');

    const text = await wb.hover('apple_num', 2);
    await hoverSettled(wb);
    await wb.screenshot('web-hover-apple-num');
    assert.match(text, /apple_num/);
    assert.ok(text.includes('1.1 · 100 = 110.00000000000001'), text);
    assert.match(text, /complete, 1 of 1 contribution/);
    await wb.page.keyboard.press('Escape');
    assert.match(await wb.hover('total', 2), /220\.00000000000003/);
    await wb.page.keyboard.press('Escape');
  });

  it('draws the graph panel at the same position, with the values and gradients of the backward pass', async () => {
    const wb = workbench!;
    await wb.runCommand('GraphStep: Open Graph to the Side');
    const view = wb.webview();
    await view.locator('#graph svg .gs-node').first().waitFor();
    await view.locator('#phase', { hasText: /^backward 2\/2$/ }).waitFor();
    // the panel rounds to 4 significant digits (graphstep.panel.precision)
    const values = (await view.locator('#graph .gs-value').allTextContents()).filter(Boolean);
    const grads = (await view.locator('#graph .gs-grad').allTextContents()).filter(Boolean);
    await wb.screenshot('web-graph-panel');
    assert.ok(values.includes('220') && values.includes('200'), values.join(' | '));
    assert.ok(grads.includes('2.2') && grads.includes('110') && grads.includes('1.1'), grads.join(' | '));
  });
});
