import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { openWorkbench, type Workbench } from './harness';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The command line's `graphstep train FILE --json --steps k`: an independent run of the same training. */
function cliParams(file: string, steps: number): Record<string, unknown> {
  const out = execFileSync(process.execPath, [path.join(repoRoot, 'out', 'cli.js'), 'train', file, '--json', '--steps', String(steps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as { params: Record<string, unknown> }).params;
}

describe('GraphStep: Train in the graph panel of the real workbench', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'examples', file: 'train_digits.nn' });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await workbench?.screenshot('training-curves-failed');
  });

  after(async () => {
    await workbench?.close();
  });

  it('trains from the panel, draws the loss and accuracy curves, puts the graph at the iteration clicked or typed, and greys the curves when the file changes', async () => {
    const wb = workbench!;
    // beside the editor: a click on a node selects its source there, and the panel stays in view
    await wb.runCommand('GraphStep: Open Graph to the Side');
    const view = wb.webview();
    const strip = view.locator('#training');
    await strip.locator('.gs-train').waitFor();
    assert.match(await strip.locator('.gs-training-status').innerText(), /Train this file/);
    await strip.locator('.gs-train').click();
    // the progress notification names the file and counts the steps
    await wb.page.locator('.notifications-toasts', { hasText: 'GraphStep: training train_digits.nn' }).waitFor();
    await view.locator('#training[data-state="done"]').waitFor({ timeout: 60_000 });
    const status = await strip.locator('.gs-training-status').innerText();
    assert.match(status, /^step 2000\/2000 · loss \d\.\d+ · train \d+\.\d% · test \d+\.\d% · [\d.]+ (KiB|MiB) kept \(a checkpoint every 20 steps\) · done/);
    // the chart: uPlot's canvas and legend with the three curves
    await strip.locator('.gs-training-chart canvas').waitFor();
    const legend = await strip.locator('.u-legend').innerText();
    for (const name of ['loss', 'train accuracy', 'test accuracy']) assert.ok(legend.includes(name), legend);

    // a click on the curve picks the iteration under the cursor
    const over = strip.locator('.u-over');
    const box = (await over.boundingBox())!;
    await over.click({ position: { x: box.width * 0.25, y: box.height / 2 } });
    await view.locator('#training[data-iteration]:not([data-iteration=""])').waitFor();
    const clicked = Number(await strip.getAttribute('data-iteration'));
    assert.ok(clicked > 300 && clicked < 700, `clicked near a quarter of 2000 steps: iteration ${clicked}`);

    // the number box of the training timeline: iteration 1234, with its backward pass steppable
    const input = strip.locator('.gs-iteration-box');
    await input.fill('1234');
    await input.press('Enter');
    await view.locator('#training[data-iteration="1234"]').waitFor();
    assert.match(await strip.locator('.gs-training-status').innerText(), /showing iteration 1234/);
    await wb.runCommand('GraphStep: Run Backward Pass');
    await view.locator('#phase', { hasText: /^backward / }).waitFor();
    // the drawer of b2: its value is the one graphstep train --steps 1234 ends with, and it has a gradient
    const b2 = view.locator('#graph .gs-role-leaf', { hasText: 'b2' }).first();
    // (the keyboard opens it wherever the view has put it)
    await b2.focus();
    await b2.press('Enter');
    await view.locator('#detail .gs-detail-grad table').waitFor();
    const title = await view.locator('#detail .gs-detail-title').innerText();
    assert.match(title, /^b2 — param, 10 · training iteration 1234$/);
    const expected = cliParams(path.join(wb.folder, 'train_digits.nn'), 1234).b2 as number[];
    const cells = await view.locator('#detail .gs-detail-value td').evaluateAll((tds) => tds.map((td) => td.getAttribute('title') ?? ''));
    const shown = cells.map((t) => Number(/= (.*)$/.exec(t)?.[1]));
    assert.deepEqual(shown, expected);
    const shot = await wb.screenshot('training-curves-iteration-1234');
    assert.ok(fs.statSync(shot).size > 10_000);

    // an edit stops nothing here (it is done) but makes the result stale: greyed, labelled
    await wb.runCommand('View: Focus First Editor Group');
    await wb.page.keyboard.press('Control+Home');
    await wb.page.keyboard.type('# changed\n');
    await view.locator('#training.gs-stale').waitFor();
    assert.equal(await strip.locator('.gs-stale').innerText(), 'stale — the file changed');
    assert.ok(await strip.locator('.gs-iteration-box').isDisabled());
    await wb.screenshot('training-curves-stale');
  });
});
