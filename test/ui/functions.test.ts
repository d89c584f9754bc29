import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './harness';

/** The page's window, as far as this test uses it (the test's compiler knows no DOM). */
type PageWindow = { getComputedStyle(e: unknown): { color: string } };

/** The colour Monaco draws the first token of the editor whose text is exactly `text`. */
async function tokenColour(wb: Workbench, text: string): Promise<string> {
  const span = wb.editor().locator('.view-line span span', { hasText: new RegExp(`^${text}$`) }).first();
  return span.evaluate((el) => (globalThis as unknown as PageWindow).getComputedStyle(el).color);
}

describe('user functions in the real workbench', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'examples', file: 'functions.nn' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('colours def as a keyword and the function name as a function, and hovers the function', async () => {
    const wb = workbench!;
    await wb.editor().locator('.view-line span span', { hasText: /^def$/ }).first().waitFor();
    // the grammar loads after the text is drawn: wait until the keywords are coloured
    const deadline = Date.now() + 30_000;
    while ((await tokenColour(wb, 'param')) === (await tokenColour(wb, '='))) {
      assert.ok(Date.now() < deadline, `the text is coloured by the GraphStep grammar (param ${await tokenColour(wb, 'param')}, = ${await tokenColour(wb, '=')}, def ${await tokenColour(wb, 'def')})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const def = await tokenColour(wb, 'def');
    const param = await tokenColour(wb, 'param');
    const name = await tokenColour(wb, 'affine_relu');
    const plain = await tokenColour(wb, '=');
    assert.equal(def, param, 'def is drawn like the other statement keywords');
    assert.notEqual(name, plain, 'the function name is coloured');
    assert.notEqual(def, plain);
    const hover = await wb.hover('affine_relu', 2);
    assert.match(hover, /affine_relu\(x, W, b\) · function · line 2/);
    await wb.screenshot('functions-editor-hover');
  });
});
