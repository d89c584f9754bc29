import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './harness';

describe('workbench smoke', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'test/fixtures' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('opens a .nn file from Quick Open and shows its text as a GraphStep document', async () => {
    const wb = workbench!;
    await wb.openFile('smoke.nn');
    assert.match(await wb.editorText(), /^x = 2\ny = x \* 3\n?$/);
    // The status bar names the language mode: the extension's language is registered.
    await wb.page.locator('#status\\.editor\\.mode', { hasText: /graphstep/i }).waitFor();
    await wb.screenshot('smoke-editor');
  });
});
