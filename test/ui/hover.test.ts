import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './harness';

/** The hover fades in; a screenshot taken before the fade ends shows it half transparent. */
async function hoverSettled(wb: Workbench): Promise<void> {
  // A string, evaluated in the page: the test's tsconfig has no DOM types.
  await wb.page.waitForFunction(
    "document.getAnimations().every((a) => a.playState !== 'running' || !(a.effect && a.effect.target && a.effect.target.closest && a.effect.target.closest('.monaco-hover')))",
  );
}

describe('hover in the real workbench', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'examples', file: 'apple.nn' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows inline values and the chain rule of apple_num with exact numbers after the backward pass', async () => {
    const wb = workbench!;
    await wb.runCommand('GraphStep: Run Backward Pass');
    await wb.page.locator('.statusbar-item', { hasText: 'backward 2/2' }).waitFor();
    // Inline values are drawn as ::after content of decoration spans: read what the editor draws.
    const inline = (await wb.page.evaluate(
      "Array.from(document.querySelectorAll('.view-line span')).map((el) => getComputedStyle(el, '::after').content).filter((c) => c && c !== 'none' && c !== 'normal')",
    )) as string[];
    assert.ok(inline.includes('"= 2   ∂ 110.00000000000001"'), inline.join(' | '));
    assert.ok(inline.includes('"= 100   ∂ 2.2"'), inline.join(' | '));
    const text = await wb.hover('apple_num', 2);
    await hoverSettled(wb);
    await wb.screenshot('hover-apple-num-chain-rule');
    assert.match(text, /apple_num/);
    assert.match(text, /110\.00000000000001/);
    assert.ok(text.includes('1.1 · 100 = 110.00000000000001'), text);
    assert.match(text, /complete, 1 of 1 contribution/);
  });

  it('says the gradient is not computed yet after Reset', async () => {
    const wb = workbench!;
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('GraphStep: Reset');
    await wb.page.locator('.statusbar-item', { hasText: 'start 0/2' }).waitFor();
    const text = await wb.hover('apple_num', 1);
    await hoverSettled(wb);
    await wb.screenshot('hover-apple-num-before-backward');
    assert.match(text, /not computed yet: the backward pass reaches/);
  });
});
