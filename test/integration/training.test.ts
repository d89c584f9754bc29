import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { trainWithProgress } from '../../src/extension/training/registerTraining';
import type { TrainingSnapshot } from '../../src/extension/training/trainingRun';
import type { DocumentSession } from '../../src/extension/sessions';
import { fixtureUri, graphStepExtension, openFile, waitFor } from './helpers';
import { graphStepApi, hoverText, positionOf } from './positions';

/** The command line's `graphstep train FILE --json [--steps k]`: an independent run of the same training. */
function cliTrain(file: vscode.Uri, steps?: number): { loss: number[]; epochs: { step: number; train_accuracy: number; test_accuracy: number | null }[]; params: Record<string, unknown> } {
  const cli = path.join(graphStepExtension().extensionPath, 'out', 'cli.js');
  const args = [cli, 'train', file.fsPath, '--json', ...(steps === undefined ? [] : ['--steps', String(steps)])];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }));
}

/** A tensor of the shown tape as the CLI's JSON has it (nested rows). */
function nested(session: DocumentSession, name: string): unknown {
  const graph = session.graph!;
  const node = graph.nodes.find((n) => n.kind === 'param' && n.name === name)!;
  const t = session.stepper!.value(node.id)!;
  if (t.rank === 1) return Array.from(t.data);
  const cols = t.shape[1]!;
  return Array.from({ length: t.shape[0]! }, (_, r) => Array.from(t.data.subarray(r * cols, (r + 1) * cols)));
}

async function sessionOf(name: string): Promise<DocumentSession> {
  const document = await openFile(fixtureUri(name));
  const api = await graphStepApi();
  const session = api.sessions.sessionFor(document);
  await api.sessions.whenSettled(session);
  return session;
}

describe('GraphStep: Train in the editor', () => {
  it('trains in the evaluation thread, reports step k/N, and ends with the loss history and accuracies of graphstep train --json, bit for bit', async () => {
    const session = await sessionOf('train_spiral.nn');
    const snapshot = await vscode.commands.executeCommand<TrainingSnapshot>('graphstep.train');
    assert.equal(snapshot.state, 'done');
    assert.equal(snapshot.steps, 200);
    const cli = cliTrain(session.uri);
    assert.deepEqual(snapshot.losses, cli.loss);
    assert.deepEqual(snapshot.epochs.map((e) => ({ step: e.step, train_accuracy: e.trainAccuracy, test_accuracy: e.testAccuracy })), cli.epochs);
    assert.equal(snapshot.checkpointEvery, 2);
    assert.ok(snapshot.memoryBytes > 0);
    assert.equal(session.training?.state, 'done');
  });

  it('Cancel on the progress stops it mid-run, and the session still steps and hovers', async () => {
    const session = await sessionOf('train_forever.nn');
    const source = new vscode.CancellationTokenSource();
    let reports = 0;
    // Cancelled at its first report with a step taken: 100,000,000 steps are never over by then.
    const run = await trainWithProgress(session, source.token, (r) => {
      reports++;
      if (r.step > 0) source.cancel();
    });
    assert.ok(typeof run !== 'string', String(run));
    assert.equal(run.state, 'stopped');
    assert.ok(run.step > 0 && run.step < run.steps, `stopped at step ${run.step} of ${run.steps}`);
    assert.ok(reports >= 1);
    const stoppedAt = run.step;
    // the thread answers at once: a step and a hover, and no more losses arrive
    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(session.stepper!.position, 1);
    const hover = await hoverText(session.document, positionOf(session.document, 'W1'));
    assert.match(hover, /W1/);
    assert.equal(run.step, stoppedAt);
    await vscode.commands.executeCommand('graphstep.reset');
  });

  it('never blocks the extension host: a timer armed at the first report fires while training still reports', async () => {
    const session = await sessionOf('train_forever.nn');
    const source = new vscode.CancellationTokenSource();
    let reports = 0;
    let reportsWhenTimerFired: number | null = null;
    const run = await trainWithProgress(session, source.token, () => {
      if (reports++ === 0) setTimeout(() => (reportsWhenTimerFired = reports), 0);
      // stop only once the timer has had its turn: if the host were held, it never would
      if (reportsWhenTimerFired !== null && reports > reportsWhenTimerFired) source.cancel();
    });
    assert.ok(typeof run !== 'string');
    assert.ok(reportsWhenTimerFired !== null, 'the timer never fired during training');
    assert.equal(run.state, 'stopped');
  });

  it('Pause, Resume and Stop Training: paused it takes no step, resumed it goes on, stopped the command returns', async () => {
    const session = await sessionOf('train_forever.nn');
    const trained = vscode.commands.executeCommand<TrainingSnapshot>('graphstep.train');
    await waitFor('a first step', () => (session.training?.step ?? 0) > 0 && session.training?.state === 'running');
    const run = session.training!;
    await vscode.commands.executeCommand('graphstep.pauseTraining');
    await waitFor('the pause', () => run.state === 'paused');
    const pausedAt = run.step;
    // a round trip through the thread (an iteration computed there) sees no new step
    assert.equal(await session.showIteration(pausedAt), null);
    assert.equal(run.step, pausedAt);
    assert.equal(run.state, 'paused');
    await vscode.commands.executeCommand('graphstep.resumeTraining');
    await waitFor('steps after resuming', () => run.step > pausedAt);
    await vscode.commands.executeCommand('graphstep.stopTraining');
    const snapshot = await trained;
    assert.equal(snapshot.state, 'stopped');
    assert.ok(snapshot.losses.length > pausedAt);
  });

  it('Go to Training Iteration k puts the graph at iteration k: the parameters of graphstep train --steps k, its batch, loss[k] forward, gradients backward', async () => {
    const session = await sessionOf('train_spiral.nn');
    await vscode.commands.executeCommand<TrainingSnapshot>('graphstep.train');
    const full = cliTrain(session.uri);
    const lossNode = session.graph!.nodes.find((n) => n.name === 'loss')!.id;
    const W1 = session.graph!.nodes.find((n) => n.name === 'W1')!.id;
    // from its checkpoint (every 2 steps) and forward from the last iteration shown, back again, and the last
    for (const k of [137, 1, 2, 3, 99, 100, 200]) {
      assert.equal(await vscode.commands.executeCommand('graphstep.goToIteration', k), null, `iteration ${k}`);
      assert.equal(session.training!.iteration, k);
      const cli = cliTrain(session.uri, k);
      for (const name of ['W1', 'b1', 'W2', 'b2']) assert.deepEqual(nested(session, name), cli.params[name], `iteration ${k}: ${name}`);
      if (k === 200) continue;
      await vscode.commands.executeCommand('graphstep.runForward');
      assert.equal(session.stepper!.value(lossNode)!.data[0], full.loss[k], `iteration ${k}: the loss forward`);
      await vscode.commands.executeCommand('graphstep.runBackward');
      assert.ok(session.stepper!.grad(W1), `iteration ${k}: W1's gradient`);
    }
    // the position is kept across iterations; hovers follow the iteration shown
    await vscode.commands.executeCommand('graphstep.goToIteration', 5);
    assert.equal(session.stepper!.position, session.stepper!.total);
    const hover = await hoverText(session.document, positionOf(session.document, 'loss'));
    assert.ok(hover.includes(String(full.loss[5])), `the hover shows loss[5] = ${full.loss[5]}:\n${hover}`);
    const refused = await session.showIteration(201);
    assert.match(refused ?? '', /expected an iteration in 0\.\.200/);
    await vscode.commands.executeCommand('graphstep.reset');
  });

  it('editing the file stops training and keeps the last result, marked stale', async () => {
    const session = await sessionOf('train_forever.nn');
    const trained = vscode.commands.executeCommand<TrainingSnapshot>('graphstep.train');
    await waitFor('a first step', () => (session.training?.step ?? 0) > 0);
    const run = session.training!;
    const editor = await vscode.window.showTextDocument(session.document);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# edited\n'));
    const snapshot = await trained;
    assert.equal(snapshot.state, 'stopped');
    await waitFor('stale', () => run.stale);
    assert.equal(session.training, run);
    assert.ok(run.losses.length > 0, 'the curve is kept');
    assert.equal(run.message, 'the file changed');
    assert.match((await session.showIteration(0)) ?? '', /the file changed/);
    await vscode.commands.executeCommand('undo');
  });
});
