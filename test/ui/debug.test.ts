import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './harness';

/** The Call Stack view's rows, and the Variables view's, as the workbench draws them. */
const CALL_STACK = '.debug-call-stack .monaco-list-row';
const VARIABLES = '.debug-variables .monaco-list-row';

describe('stepping a .nn file in VS Code\'s own debugger (real workbench)', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'examples', file: 'apple_orange.nn' });
  });

  after(async () => {
    await workbench?.close();
  });

  async function goToLine(wb: Workbench, line: number): Promise<void> {
    await wb.editor().locator('.view-lines').click();
    await wb.page.keyboard.press('Control+G');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill(`:${line}`);
    await input.press('Enter');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  it('F9 sets a breakpoint, F5 starts debugging, Continue stops on it in both passes: toolbar, Call Stack and Variables show the node', async () => {
    const wb = workbench!;
    const page = wb.page;
    // The extension activates with the .nn editor; its status bar item says so.
    await page.locator('.statusbar-item', { hasText: 'start 0/4' }).waitFor();
    await goToLine(wb, 10);
    await page.keyboard.press('F9');
    await wb.editor().locator('.codicon-debug-breakpoint').first().waitFor();

    await page.keyboard.press('F5');
    await page.locator('.debug-toolbar').waitFor();
    await page.locator(CALL_STACK, { hasText: 'forward › apple_sum' }).waitFor();
    await page.keyboard.press('F5');
    await page.locator(CALL_STACK, { hasText: 'forward › fruit_sum  line 10' }).waitFor();
    await page.locator('.statusbar-item', { hasText: 'forward 2/4' }).waitFor();

    await page.locator(VARIABLES, { hasText: 'Current node' }).first().waitFor();
    const input = page.locator(VARIABLES, { hasText: 'input a: apple_sum' });
    await input.waitFor();
    assert.match(await input.innerText(), /=\s*200$/);
    await page.locator(VARIABLES, { hasText: 'input b: orange_sum' }).waitFor();

    // To the end of the forward pass, then the same breakpoint in the backward pass.
    // The debugger's keys apply once its views show the stop (its state is 'stopped').
    await page.keyboard.press('F5');
    await page.locator(CALL_STACK, { hasText: 'backward › total  line 11' }).waitFor();
    await page.locator('.statusbar-item', { hasText: 'forward 4/4' }).waitFor();
    await page.keyboard.press('F5');
    await page.locator(CALL_STACK, { hasText: 'backward › fruit_sum  line 10' }).waitFor();
    await page.locator('.statusbar-item', { hasText: 'backward 1/4' }).waitFor();
    // The view redraws after the stop: wait for the row with the new number rather than read the old one.
    await page.locator(VARIABLES, { hasText: /gradient arriving ∂total\/∂fruit_sum \(1 of 1\)\s*=\s*1\.1$/ }).waitFor();
    // The line about to run is the debugger's current line.
    await wb.editor().locator('.debug-top-stack-frame-line').first().waitFor();
    await page.locator('.codicon-debug-stackframe').first().waitFor();
    // Widen the side bar, as a person would to read the Variables view, by dragging its edge.
    const sidebar = (await page.locator('.part.sidebar').boundingBox())!;
    await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + 200);
    await page.mouse.down();
    await page.mouse.move(sidebar.x + sidebar.width + 260, sidebar.y + 200, { steps: 5 });
    await page.mouse.up();
    await page.mouse.move(900, 700);
    await page.locator(VARIABLES, { hasText: /sends to apple_sum\s*=\s*1\.1$/ }).waitFor();
    await wb.screenshot('debug-breakpoint-variables');

    const toolbar = await page.locator('.debug-toolbar').innerHTML();
    for (const action of ['debug-step-back', 'debug-reverse-continue', 'debug-step-over', 'debug-step-into', 'debug-step-out', 'debug-restart']) {
      assert.ok(toolbar.includes(action), `the toolbar offers ${action}`);
    }
  });

  it('while debugging F10 is VS Code\'s Step Over; after Shift+F5 the GraphStep keys step again', async () => {
    const wb = workbench!;
    const page = wb.page;
    await page.keyboard.press('F10');
    await page.locator(CALL_STACK, { hasText: 'backward › orange_sum  line 9' }).waitFor();
    await page.locator('.statusbar-item', { hasText: 'backward 2/4' }).waitFor();
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
    await wb.editor().locator('.view-lines').click();
    await page.keyboard.press('F10');
    await page.locator('.statusbar-item', { hasText: 'backward 3/4' }).waitFor();
    await page.keyboard.press('Control+Shift+F5');
    await page.locator('.statusbar-item', { hasText: 'start 0/4' }).waitFor();
    await page.keyboard.press('Control+F5');
    await page.locator('.statusbar-item', { hasText: 'forward 4/4' }).waitFor();
  });
});
