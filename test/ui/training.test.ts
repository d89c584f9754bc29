import * as assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { openWorkbench, type Workbench } from './harness';

/** The graph panel's phase badge, e.g. "backward 2/2". */
async function waitForPhase(view: FrameLocator, text: string): Promise<void> {
  await view.locator('#phase', { hasText: new RegExp(`^${text}$`) }).waitFor();
}

describe('a file that trains, in the graph panel of the real workbench', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'test/fixtures/train', file: 'scalar_sgd.nn' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the param its update with the numbers at the end of the backward pass, and nothing before', async () => {
    const wb = workbench!;
    // a whole editor group: wide enough for the drawing to run left to right
    await wb.runCommand('GraphStep: Open Graph');
    const view = wb.webview();
    await view.locator('#graph svg .gs-node').first().waitFor();
    await wb.runCommand('GraphStep: Run Backward Pass');
    await waitForPhase(view, 'backward 2/2');
    const update = view.locator('#graph .gs-param .gs-update');
    await update.filter({ hasText: 'w ← 0.5 − 0.1·(-24) = 2.9' }).waitFor();
    const tip = await view.locator('#graph .gs-param title').textContent();
    assert.match(tip ?? '', /each training step \(sgd\(lr=0\.1\)\): w ← w − lr·∂w/);
    await wb.screenshot('panel-training-update');
    await wb.runCommand('GraphStep: Reset');
    await waitForPhase(view, 'start 0/2');
    assert.equal(await update.textContent(), '');
  });
});
