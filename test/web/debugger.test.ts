import { assert } from 'chai';
import * as vscode from 'vscode';
import { graphStepApi, openFile, waitFor, workspaceUri } from './helpers';

interface Stop {
  readonly reason: string;
  readonly description?: string;
}

describe('the debugger in the browser (the inline debug adapter)', () => {
  const stops: Stop[] = [];
  let tracker: vscode.Disposable | undefined;

  before(() => {
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('graphstep', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: Stop }) => {
          if (m.type === 'event' && m.event === 'stopped' && m.body) stops.push(m.body);
        },
      }),
    });
  });

  after(async () => {
    tracker?.dispose();
    if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
  });

  /** The stop `action` leads to, once the workbench shows it (so the next debug command has a thread to act on). */
  async function stopAfter(action: () => Thenable<unknown>): Promise<Stop> {
    const before = stops.length;
    await action();
    const stop = await waitFor(`stop ${before + 1} (${stops.length} so far)`, () => stops[before]);
    await waitFor('the stopped thread in the workbench', () => vscode.debug.activeStackItem instanceof vscode.DebugStackFrame);
    return stop;
  }

  async function evaluate(session: vscode.DebugSession, expression: string): Promise<string> {
    const trace = (await session.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: { id: number; name: string }[] };
    return ((await session.customRequest('evaluate', { expression, frameId: trace.stackFrames[0]!.id, context: 'watch' })) as { result: string }).result;
  }

  it('steps apple.nn: stop on entry, Step Over, Continue through both passes, a watch of the gradient', async () => {
    const document = await openFile(workspaceUri('apple.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    const entry = await stopAfter(() => vscode.commands.executeCommand('graphstep.debugFile'));
    assert.equal(entry.reason, 'entry');
    const debugSession = await waitFor('the debug session', () => vscode.debug.activeDebugSession);
    assert.equal(debugSession.type, 'graphstep');
    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.stepOver'));
    assert.equal(session.stepper!.position, 1);
    const forward = await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    assert.match(forward.description ?? '', /forward pass is done/);
    assert.equal(await evaluate(debugSession, 'total'), '220.00000000000003');
    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    assert.equal(session.stepper!.position, 4);
    assert.equal(await evaluate(debugSession, 'grad(apple_num)'), '110.00000000000001');
    assert.equal(await evaluate(debugSession, 'grad(apple_price)'), '2.2');
  });
});
