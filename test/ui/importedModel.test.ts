/**
 * A model exported by PyTorch and imported with `graphstep import`, in the
 * real workbench: drawn with one frame per ONNX name scope, steppable through
 * both passes, with hovers on its names.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { cli } from '../support/runCli';
import { openWorkbench, type Workbench } from './harness';

describe('an imported ONNX model in the graph panel, in the real workbench', () => {
  let workbench: Workbench | undefined;
  let view: FrameLocator;

  before(async () => {
    workbench = await openWorkbench({ folder: 'test/fixtures' });
    const wb = workbench;
    await wb.page.setViewportSize({ width: 1600, height: 900 });
    await wb.runCommand('View: Close Primary Side Bar');
    const fixtures = path.join(__dirname, '../fixtures/onnx');
    const r = cli('import', path.join(fixtures, 'lenet.onnx'), '-o', path.join(wb.folder, 'lenet.nn'), '--input', `x=${path.join(fixtures, 'lenet.x.npy')}`);
    assert.equal(r.code, 0, r.err);
    await wb.openFile('lenet.nn');
    await wb.runCommand('GraphStep: Open Graph to the Side');
    view = wb.webview();
    await view.locator('#graph svg .gs-node').first().waitFor();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot(`failed-imported-${this.currentTest.title.slice(0, 40).replace(/[^\w]+/g, '-')}`);
  });

  after(async () => {
    await workbench?.close();
  });

  it('draws one frame per ONNX scope and steps the forward and backward pass through the convolutions', async () => {
    const wb = workbench!;
    for (const scope of ['/conv1', '/conv2', '/fc1', '/fc2']) {
      await view.locator('#graph .gs-frame-block .gs-frame-title', { hasText: new RegExp(`^${scope}$`) }).waitFor();
    }
    assert.ok((await view.locator('#graph .gs-role-op .gs-symbol', { hasText: /^Conv$/ }).count()) === 2, 'two convolutions');
    await wb.runCommand('GraphStep: Run Backward Pass');
    await view.locator('#phase', { hasText: /^backward (\d+)\/\1$/ }).waitFor();
    const conv = view.locator('#graph .gs-role-op', { has: view.locator('.gs-symbol', { hasText: /^Conv$/ }) }).first();
    const label = (await conv.getAttribute('aria-label')) ?? '';
    assert.match(label, /conv2d \(Conv\), 2×4×10×10, value .+, gradient .+/, label);
    await wb.screenshot('panel-imported-lenet');
  });
});
