import * as assert from 'node:assert/strict';
import { TrainingRun } from '../../src/extension/training/trainingRun';
import type { TrainingProgress } from '../../src/extension/worker/workerProtocol';

function report(from: number, losses: number[], state: TrainingProgress['state'] = 'running', request = 7): TrainingProgress {
  return { type: 'trainProgress', request, state, message: null, steps: 10, from, losses: Float64Array.from(losses), epochs: [], checkpointEvery: 2, memoryBytes: 100 + from };
}

describe('the host side of a training (TrainingRun)', () => {
  it('appends each report where the last ended, and ends once done', async () => {
    const run = new TrainingRun(7, 1);
    let changes = 0;
    run.onDidChange(() => changes++);
    run.take(report(0, [3, 2]));
    run.take(report(2, [1.5]));
    assert.deepEqual(run.losses, [3, 2, 1.5]);
    assert.equal(run.step, 3);
    assert.equal(run.steps, 10);
    assert.equal(run.memoryBytes, 102);
    assert.equal(changes, 2);
    const ended = run.whenEnded();
    run.take(report(3, [1], 'done'));
    await ended;
    assert.equal(run.state, 'done');
    assert.equal(run.active, false);
  });

  it('drops a report that does not start where the history ends, and reports of another training', () => {
    const run = new TrainingRun(7, 1);
    run.take(report(0, [3, 2]));
    run.take(report(5, [9]));
    run.take(report(2, [8], 'running', 8));
    assert.deepEqual(run.losses, [3, 2]);
  });

  it('marked stale, it stops, keeps its history and forgets the iteration shown; the thread saying running changes nothing', async () => {
    const run = new TrainingRun(7, 1);
    run.take(report(0, [3, 2]));
    run.showing(1);
    const ended = run.whenEnded();
    run.markStale();
    await ended;
    assert.equal(run.state, 'stopped');
    assert.equal(run.message, 'the file changed');
    assert.equal(run.iteration, null);
    run.take(report(2, [1]));
    assert.equal(run.state, 'stopped');
    assert.deepEqual(run.losses, [3, 2, 1]);
    assert.equal(run.stale, true);
  });

  it('a thread that is gone ends a running training with the reason, and leaves an ended one as it was', () => {
    const run = new TrainingRun(7, 1);
    run.lost('the document was closed');
    assert.equal(run.state, 'stopped');
    assert.equal(run.message, 'the document was closed');
    const done = new TrainingRun(8, 1);
    done.take(report(0, [1], 'done', 8));
    done.lost('gone');
    assert.equal(done.state, 'done');
  });
});
