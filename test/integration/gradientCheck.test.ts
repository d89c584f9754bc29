import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GradCheckReport } from '../../src/core/engine/gradcheck';
import { runGradientCheck } from '../../src/extension/gradientCheck';
import { fixtureUri, openFile, waitFor } from './helpers';
import { exampleUri, graphStepApi } from './positions';

describe('Gradient Check (issues 5, 6)', () => {
  it('checks every input and param, stores the report for the panel, and shows the table', async () => {
    const document = await openFile(exampleUri('two_layer_net.nn'));
    const api = await graphStepApi();
    const session = api.sessions.sessionFor(document);
    let notified = false;
    const listener = api.sessions.onDidChange((s) => (notified ||= s === session && s.gradCheck !== null));
    try {
      const report = await vscode.commands.executeCommand<GradCheckReport>('graphstep.gradientCheck');
      assert.deepEqual(report.leaves.map((l) => l.name), ['x', 'W1', 'b1', 'W2', 'b2']);
      assert.equal(report.passed, true);
      for (const leaf of report.leaves) assert.ok(leaf.maxRelError <= 1e-5 && leaf.checked === leaf.size, `${leaf.name}: ${leaf.maxRelError}`);
      assert.ok(report.evaluations > 0 && report.numericMs >= 0 && report.backpropMs >= 0);
      assert.deepEqual(session.gradCheck, report);
      assert.ok(notified, 'the panel was told');
      const labels = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
      await waitFor(`the result tab (tabs: ${labels().join(', ')})`, () => labels().includes('Gradient Check: two_layer_net.nn'));
    } finally {
      listener.dispose();
    }
  });

  it('never blocks the extension host: timers keep firing while a long check runs', async () => {
    const document = await openFile(fixtureUri('big_net.nn'));
    const graph = (await graphStepApi()).sessions.sessionFor(document).graph!;
    // The generator's first slice runs one forward and backward pass (what Run Backward Pass
    // does too) before its first entry; every gap after that must stay short.
    let checking = false;
    let longestGap = 0;
    let last = Date.now();
    let ticks = 0;
    const timer = setInterval(() => {
      const now = Date.now();
      if (checking) longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = Date.now();
    try {
      const report = await runGradientCheck(graph, new vscode.CancellationTokenSource().token, () => {
        if (!checking) last = Date.now();
        checking = true;
      });
      assert.ok(report && report.leaves.length === 5);
    } finally {
      clearInterval(timer);
    }
    const took = Date.now() - started;
    assert.ok(took > 300, `the fixture should take a while to check (took ${took} ms)`);
    assert.ok(ticks > took / 50, `only ${ticks} timer ticks in ${took} ms`);
    assert.ok(longestGap < 100, `the event loop was blocked for ${longestGap} ms (${ticks} ticks in ${took} ms)`);
  });

  it('stops when cancelled', async () => {
    const document = await openFile(fixtureUri('big_net.nn'));
    const graph = (await graphStepApi()).sessions.sessionFor(document).graph!;
    const source = new vscode.CancellationTokenSource();
    let progressCalls = 0;
    const report = await runGradientCheck(graph, source.token, () => {
      progressCalls++;
      source.cancel();
    });
    assert.equal(report, undefined);
    assert.equal(progressCalls, 1);
  });
});
