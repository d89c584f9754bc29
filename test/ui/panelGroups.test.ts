/**
 * Groups in the graph panel, in the real workbench: a user function's call
 * drawn as a frame that collapses into one box and opens again, a composite
 * op opened into its elementary ops (and stepped through) and closed, and
 * the breadcrumbs inside groups.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { openWorkbench, type Workbench } from './harness';

async function waitForPhase(view: FrameLocator, text: RegExp): Promise<void> {
  await view.locator('#phase', { hasText: text }).waitFor();
}

describe('groups in the graph panel, in the real workbench', () => {
  let workbench: Workbench | undefined;
  let view: FrameLocator;

  before(async () => {
    workbench = await openWorkbench({ folder: 'test/fixtures' });
    const wb = workbench;
    await wb.page.setViewportSize({ width: 1600, height: 900 });
    await wb.runCommand('View: Close Primary Side Bar');
    fs.copyFileSync(path.join(__dirname, '../../examples/functions.nn'), path.join(wb.folder, 'functions.nn'));
    await wb.openFile('functions.nn');
    await wb.runCommand('GraphStep: Open Graph to the Side');
    view = wb.webview();
    await view.locator('#graph svg .gs-node').first().waitFor();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-groups-${this.currentTest.title.slice(0, 40).replace(/[^\w]+/g, '-')}`);
  });

  after(async () => {
    await workbench?.close();
  });

  it('draws a call of a user function as a frame that collapses into one box and opens again', async () => {
    const wb = workbench!;
    const frame = view.locator('#graph .gs-frame-function', { hasText: 'affine_relu' });
    await frame.waitFor();
    await wb.screenshot('panel-function-group-open');
    await frame.locator('.gs-frame-close').click();
    const box = view.locator('#graph .gs-node.gs-role-group', { hasText: 'affine_relu' });
    await box.waitFor();
    assert.equal(await view.locator('#graph .gs-frame-function').count(), 0, 'the frame gave way to one box');
    assert.equal(await view.locator('#graph .gs-role-op .gs-symbol', { hasText: /^ReLU$/ }).count(), 0, 'its inner nodes are not drawn');
    await wb.screenshot('panel-function-group-collapsed');
    await box.click();
    await frame.waitFor();
    await view.locator('#graph .gs-role-op .gs-symbol', { hasText: /^ReLU$/ }).waitFor();
    // The choice is the view's: stepping is the same (4 op nodes either way).
    await waitForPhase(view, /\/4$/);
  });

  it('opens a composite op into its elementary ops with one click, steps through them, and closes it again', async () => {
    const wb = workbench!;
    const affine = view.locator('#graph .gs-role-op', { hasText: 'Affine' }).first();
    await affine.locator('.gs-expand').click();
    const composite = view.locator('#graph .gs-frame-composite');
    await composite.waitFor();
    // Affine is x @ W + b: a matmul and an add, each with its own arrows.
    await view.locator('#graph .gs-role-op .gs-symbol', { hasText: /^@$/ }).first().waitFor();
    await wb.runCommand('GraphStep: Run Backward Pass');
    await waitForPhase(view, /^backward (\d+)\/\1$/);
    const steps = Number(((await view.locator('#phase').textContent()) ?? '').split('/')[1]);
    assert.ok(steps > 4, `more steps with the composite open: ${steps}`);
    // Values and gradients on the inner arrows: the matmul's result carries both.
    const matmul = view.locator('#graph .gs-role-op', { has: view.locator('.gs-symbol', { hasText: /^@$/ }) }).first();
    const id = Number(await matmul.getAttribute('data-node'));
    const label = (await matmul.getAttribute('aria-label')) ?? '';
    assert.match(label, /^node \d+: matmul \(@\), 2×4, value .+, gradient .+\[/, `${id}: ${label}`);
    await wb.screenshot('panel-composite-opened');
    await composite.first().locator('.gs-frame-close').first().click();
    await view.locator('#graph .gs-frame-composite').waitFor({ state: 'detached' });
    await waitForPhase(view, /\/4$/);
    await wb.screenshot('panel-composite-closed');
  });

  it('shows breadcrumbs for a node inside groups', async () => {
    const wb = workbench!;
    const relu = view.locator('#graph .gs-role-op', { has: view.locator('.gs-symbol', { hasText: /^ReLU$/ }) }).first();
    await view.locator('#graph').focus();
    await wb.page.keyboard.press('Tab');
    // Walk the nodes until the ReLU inside affine_relu has focus.
    const reluId = await relu.getAttribute('data-node');
    for (let i = 0; i < 20; i++) {
      if ((await view.locator('#graph .gs-node:focus').getAttribute('data-node')) === reluId) break;
      await wb.page.keyboard.press('Tab');
    }
    assert.equal(await view.locator('#graph .gs-node:focus').getAttribute('data-node'), reluId);
    const crumbs = await view.locator('#breadcrumbs .gs-crumb').allTextContents();
    assert.deepEqual(crumbs.slice(1), ['layers', 'affine_relu'], crumbs.join(' › '));
    await wb.screenshot('panel-breadcrumbs');
    await wb.page.keyboard.press('e');
    await view.locator('#graph .gs-node.gs-role-group', { hasText: 'affine_relu' }).waitFor();
  });
});
