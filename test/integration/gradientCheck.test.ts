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

  it('never blocks the extension host: other work runs between its slices', async () => {
    const document = await openFile(fixtureUri('big_net.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    // A timer armed at the first progress report must fire while the check is still
    // running: it can only if the check hands the event loop back between slices.
    let progressCalls = 0;
    let progressWhenTimerFired: number | null = null;
    const report = await runGradientCheck(session, new vscode.CancellationTokenSource().token, () => {
      if (progressCalls++ === 0) setTimeout(() => (progressWhenTimerFired = progressCalls), 0);
    });
    assert.ok(report && report.leaves.length === 5);
    assert.ok(progressWhenTimerFired !== null, 'the timer never fired during the check');
    assert.ok(progressWhenTimerFired < progressCalls, `the timer fired only after the last of ${progressCalls} progress reports`);
  });

  it('stops when cancelled', async () => {
    const document = await openFile(fixtureUri('big_net.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    const source = new vscode.CancellationTokenSource();
    let progressCalls = 0;
    const report = await runGradientCheck(session, source.token, () => {
      progressCalls++;
      source.cancel();
    });
    assert.equal(report, undefined);
    assert.equal(progressCalls, 1);
  });
});
