import * as assert from 'node:assert/strict';
import { openWorkbench, type Workbench } from './harness';

/*
 * The workbench in Japanese (code-server's --locale ja): GraphStep's commands,
 * status bar, hovers, diagnostics and panel speak the textbook's Japanese, and
 * every number stays exactly what it is in English.
 */
/** The hover fades in; a screenshot taken before the fade ends shows it half transparent. */
async function hoverSettled(wb: Workbench): Promise<void> {
  await wb.page.waitForFunction(
    "document.getAnimations().every((a) => a.playState !== 'running' || !(a.effect && a.effect.target && a.effect.target.closest && a.effect.target.closest('.monaco-hover')))",
  );
}

describe('GraphStep in a Japanese workbench (--locale ja)', () => {
  let workbench: Workbench | undefined;

  before(async () => {
    workbench = await openWorkbench({ folder: 'examples', file: 'apple.nn', locale: 'ja' });
  });

  after(async () => {
    await workbench?.close();
  });

  it('offers the commands by their Japanese titles and shows the position in Japanese', async () => {
    const wb = workbench!;
    await wb.runCommand('GraphStep: 順伝播を実行');
    await wb.page.locator('.statusbar-item', { hasText: '順伝播 2/2' }).waitFor();
    await wb.runCommand('GraphStep: 逆伝播を実行');
    await wb.page.locator('.statusbar-item', { hasText: '逆伝播 2/2' }).waitFor();
  });

  it('hovers with Japanese labels and the exact numbers', async () => {
    const wb = workbench!;
    const total = await wb.hover('total', 2);
    assert.match(total, /値/);
    assert.ok(total.includes('220.00000000000003'), total);
    await wb.page.keyboard.press('Escape');
    const text = await wb.hover('apple_num', 2);
    await hoverSettled(wb);
    await wb.screenshot('japanese-hover-apple-num');
    assert.match(text, /形状/);
    assert.match(text, /勾配/);
    assert.match(text, /連鎖律/);
    assert.match(text, /完了、1 個の寄与のうち 1 個/);
    assert.ok(text.includes('1.1 · 100 = 110.00000000000001'), text);
    assert.ok(!/Gradient|Chain rule|complete/.test(text), `no English left: ${text}`);
    await wb.page.keyboard.press('Escape');
  });

  it('draws the panel with a Japanese toolbar', async () => {
    const wb = workbench!;
    await wb.runCommand('GraphStep: 計算グラフを横に開く');
    const view = wb.webview();
    await view.locator('#graph svg').first().waitFor();
    assert.equal(await view.locator('#run-forward').getAttribute('title'), '順伝播を実行');
    assert.equal(await view.locator('#run-backward').getAttribute('aria-label'), '逆伝播を実行');
    assert.equal(await view.locator('#reset').getAttribute('aria-label'), 'リセット');
    assert.equal(await view.locator('html').getAttribute('lang'), 'ja');
    await wb.screenshot('japanese-panel');
  });

  it('reports a problem in Japanese, in the editor and in the panel, naming what it found', async () => {
    const wb = workbench!;
    const view = wb.webview();
    await wb.runCommand('View: Focus First Editor Group');
    await goTo(wb, 6, 1);
    await wb.page.keyboard.type('oops = apple_nun * 2\n');
    const expected = "定義された名前が必要ですが、未知の名前 'apple_nun' でした ('apple_num' のことですか?)";
    await view.locator('#problems', { hasText: '最後に正しかった計算グラフを表示しています' }).waitFor();
    await view.locator('#problems', { hasText: `6:8 ${expected}` }).waitFor();
    // the squiggle's hover: VS Code shows the diagnostic as GraphStep made it
    await goTo(wb, 6, 9);
    await wb.page.keyboard.press('Control+K');
    await wb.page.keyboard.press('Control+I');
    await wb.page.locator('.monaco-hover:not(.hidden)', { hasText: expected }).first().waitFor();
    await hoverSettled(wb);
    await wb.screenshot('japanese-diagnostic');
    await wb.page.keyboard.press('Escape');
    await goTo(wb, 6, 1);
    await wb.page.keyboard.press('Control+Shift+K');
    await view.locator('#problems').waitFor({ state: 'hidden' });
  });

  it('shows the language reference of an operation in Japanese: its hover, its completion and its signature help', async () => {
    const wb = workbench!;
    await wb.openFile('relu.nn');
    const hover = await wb.hover('relu');
    await hoverSettled(wb);
    await wb.screenshot('japanese-hover-relu');
    // the reference's texts (the textbook's terms), the code as it is
    assert.ok(hover.includes('relu(x)'), hover);
    assert.match(hover, /max\(x, 0\) を要素ごとに \(教科書の ReLUレイヤ\)。逆伝播: x > 0 では dout、それ以外では 0。/);
    assert.match(hover, /教科書\s*ReLUレイヤ/);
    assert.match(hover, /順伝播\s*max\(0, x\)/);
    assert.match(hover, /逆伝播\s*x > 0 では dx = dout、それ以外では 0/);
    assert.match(hover, /例\s*a1 = relu\(z1\)/);
    assert.ok(!/forward|backward|elementwise|textbook/.test(hover), `no English left: ${hover}`);
    await wb.page.keyboard.press('Escape');

    // completion of `affi…`: the details of `affine`
    await wb.editor().locator('.view-lines').click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('z = affi');
    const suggest = wb.page.locator('.suggest-widget');
    const details = wb.page.locator('.suggest-details', { hasText: '順伝播' });
    for (let attempt = 1; ; attempt++) {
      await wb.page.keyboard.press('Control+Space');
      await suggest.locator('.monaco-list-row.focused', { hasText: 'affine' }).waitFor();
      // a second Ctrl+Space shows the details of the focused item when they are folded away
      if (!(await details.isVisible())) await wb.page.keyboard.press('Control+Space');
      try {
        await details.waitFor({ timeout: 5000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        await wb.page.keyboard.press('Escape');
      }
    }
    const text = await details.innerText();
    await wb.screenshot('japanese-completion-affine');
    assert.match(text, /x @ W \+ b を 1 つのノードで \(Affineレイヤ。x は 1 行、または行のバッチ\)/);
    assert.match(text, /教科書\s*Affineレイヤ/);
    assert.match(text, /逆伝播\s*dx = dout @ Wᵀ, dW = xᵀ @ dout, db = dout をバッチの軸で合計したもの/);
    assert.ok(!/forward|backward|as one node/.test(text), `no English left: ${text}`);
    await wb.page.keyboard.press('Escape');

    // signature help of `sum(`: the parameter hints, in Japanese
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('s = sum(');
    const hints = wb.page.locator('.parameter-hints-widget', { hasText: '逆伝播' });
    await hints.waitFor();
    const signature = await hints.innerText();
    await wb.screenshot('japanese-signature-help-sum');
    assert.ok(signature.includes('sum(x, axis=None, keepdims=false)'), signature);
    assert.match(signature, /1 つの軸 \(負の数は末尾から数える\) またはすべての要素の総和/);
    assert.match(signature, /逆伝播\s*dout を x の形状へブロードキャストして戻す/);
    assert.ok(!/forward|backward|Sum over/.test(signature), `no English left: ${signature}`);
    await wb.page.keyboard.press('Escape');
    for (let i = 0; i < 6; i++) await wb.page.keyboard.press('Control+Z');
  });
});

async function goTo(wb: Workbench, line: number, column: number): Promise<void> {
  await wb.editor().locator('.view-lines').click();
  await wb.page.keyboard.press('Control+G');
  const input = wb.page.locator('.quick-input-widget input');
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}
