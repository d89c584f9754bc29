import { assert } from 'chai';
import * as vscode from 'vscode';
import type { TrainingSnapshot } from '../../src/extension/training/trainingRun';
import { graphStepApi, openNew, waitFor } from './helpers';

describe('GraphStep: Train in the browser', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('trains in the Worker and reports the loss of every step as Python computes it', async () => {
    const document = await openNew('tiny_train.nn', 'param w = 0.5\nloss = (w * 3 - 2) ** 2\ntrain loss with sgd(lr=0.1) for 4 steps\n');
    const session = (await graphStepApi()).sessions.sessionFor(document);
    await waitFor('the graph', () => session.graph);
    const snapshot = await vscode.commands.executeCommand<TrainingSnapshot>('graphstep.train');
    assert.equal(snapshot.state, 'done');
    // w = 0.5; for 4 steps: loss = (3w - 2)**2; w -= 0.1 * 6 * (3w - 2), in Python's float64
    assert.deepEqual(snapshot.losses, [0.25, 0.16000000000000028, 0.10240000000000032, 0.06553600000000012]);
  });
});
