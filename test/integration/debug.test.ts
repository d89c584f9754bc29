import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeActiveEditor, closeAllEditors, openFile, waitFor } from './helpers';
import { exampleUri, graphStepApi } from './positions';

/** What the adapter sent VS Code during one debug session. */
interface Traffic {
  readonly stops: { reason: string; description?: string; preserveFocusHint?: boolean }[];
}

let traffic: Traffic = { stops: [] };
let tracker: vscode.Disposable | undefined;

async function until<T>(what: string, get: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  let value: T | undefined | null | false;
  await waitFor(what, () => Boolean((value = get())), timeoutMs);
  return value as T;
}

/**
 * Waits for the adapter's `stopped` event number `index`, then for VS Code to
 * show that stop (a focused stack frame): only then do its debug commands act.
 */
async function stopNumber(index: number): Promise<Traffic['stops'][number]> {
  const stop = await until('a stopped event', () => traffic.stops[index]);
  await until('VS Code to show the stop', () => vscode.debug.activeStackItem instanceof vscode.DebugStackFrame);
  return stop;
}

/** Waits for the adapter's next `stopped` event after `action`, as `stopNumber`. */
async function stopAfter(action: () => Thenable<unknown>): Promise<Traffic['stops'][number]> {
  const before = traffic.stops.length;
  await action();
  return stopNumber(before);
}

async function topFrame(session: vscode.DebugSession): Promise<{ id: number; name: string; line: number }> {
  const trace = (await session.customRequest('stackTrace', { threadId: 1 })) as { stackFrames: { id: number; name: string; line: number }[] };
  return trace.stackFrames[0]!;
}

async function evaluate(session: vscode.DebugSession, expression: string): Promise<string> {
  const frame = await topFrame(session);
  return ((await session.customRequest('evaluate', { expression, frameId: frame.id, context: 'watch' })) as { result: string }).result;
}

describe('the graphstep debugger in the extension host', () => {
  before(() => {
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('graphstep', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: { reason: string; description?: string; preserveFocusHint?: boolean } }) => {
          if (m.type === 'event' && m.event === 'stopped' && m.body) traffic.stops.push(m.body);
        },
      }),
    });
  });

  after(() => tracker?.dispose());

  beforeEach(() => {
    traffic = { stops: [] };
  });

  afterEach(async () => {
    if (vscode.debug.activeDebugSession) {
      const ended = new Promise<void>((resolve) => vscode.debug.onDidTerminateDebugSession(() => resolve()));
      await vscode.debug.stopDebugging();
      await ended;
    }
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await closeAllEditors();
  });

  it('F5 on a .nn file with no launch.json starts a graphstep session stopped before the first step', async () => {
    const document = await openFile(exampleUri('apple_orange.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    const started = new Promise<vscode.DebugSession>((resolve) => vscode.debug.onDidStartDebugSession(resolve));
    await vscode.commands.executeCommand('workbench.action.debug.start');
    const debugSession = await started;
    assert.equal(debugSession.type, 'graphstep');
    assert.equal(debugSession.configuration.program, document.uri.fsPath);
    const entry = await stopNumber(0);
    assert.equal(entry.reason, 'entry');
    assert.equal(session.stepper!.position, 0);
    assert.equal((await topFrame(debugSession)).name, 'forward › apple_sum  line 8');
  });

  it('debugs an example opened as an untitled copy (as the walkthrough does), with its breakpoints', async () => {
    const document = (await vscode.commands.executeCommand<vscode.TextDocument>('graphstep.openExample', 'apple.nn'))!;
    assert.equal(document.uri.scheme, 'untitled');
    const line = document.getText().split('\n').findIndex((l) => l.startsWith('total'));
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(document.uri, new vscode.Position(line, 0)))]);
    // F5 would first ask where to save the untitled file (debug.saveBeforeStart); Debug .nn File does not.
    assert.equal(await vscode.commands.executeCommand('graphstep.debugFile'), true);
    const debugSession = await until('the debug session', () => vscode.debug.activeDebugSession);
    assert.equal(debugSession.configuration.program, document.uri.toString());
    await stopNumber(0);
    const hit = await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    assert.equal(hit.reason, 'breakpoint');
    assert.equal((await topFrame(debugSession)).name, `forward › total  line ${line + 1}`);
    await closeActiveEditor();
  });

  it('the debugger, the GraphStep commands and the session share one position, whichever moves it', async () => {
    const document = await openFile(exampleUri('apple_orange.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    const ok = await vscode.debug.startDebugging(undefined, { type: 'graphstep', request: 'launch', name: 'apples', program: document.uri.fsPath });
    assert.ok(ok);
    const debugSession = await until('the debug session', () => vscode.debug.activeDebugSession);
    await stopNumber(0);

    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.stepOver'));
    assert.equal(session.stepper!.position, 1, 'Step Over ran one step of the session');
    const moved = await stopAfter(() => vscode.commands.executeCommand('graphstep.nextStep'));
    assert.equal(moved.preserveFocusHint, true, 'a move from a GraphStep command is shown without taking the focus');
    assert.equal(session.stepper!.position, 2);
    assert.equal((await topFrame(debugSession)).name, 'forward › fruit_sum  line 10', 'two steps done, fruit_sum runs next');

    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.stepBack'));
    assert.equal(session.stepper!.position, 1);
    const done = await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    assert.match(done.description ?? '', /forward pass is done/);
    assert.equal(session.stepper!.position, 4);
    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    assert.equal(session.stepper!.position, 8);
    assert.equal(await evaluate(debugSession, 'grad(apple_num)'), '110.00000000000001');
    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.reverseContinue'));
    assert.equal(session.stepper!.position, 4);
  });

  it('Step Into on a composite op opens it in the session the panel reads, and Step Out leaves it', async () => {
    const document = await openFile(exampleUri('two_layer_net.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    await vscode.debug.startDebugging(undefined, { type: 'graphstep', request: 'launch', name: 'net', program: document.uri.fsPath });
    const debugSession = await until('the debug session', () => vscode.debug.activeDebugSession);
    await stopNumber(0);
    const closed = session.graph!;
    assert.equal(closed.groups.filter((g) => g.kind === 'composite').length, 0);
    const opened = await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.stepInto'));
    assert.match(opened.description ?? '', /Opened affine/);
    assert.notEqual(session.graph, closed, 'the session was rebuilt with the op opened');
    assert.equal(session.graph!.groups.filter((g) => g.kind === 'composite').length, 1);
    assert.match((await topFrame(debugSession)).name, /^forward › @ /, 'stopped before the first elementary op, the matmul');
  });

  it('a line breakpoint set in the editor stops in the forward pass and again in the backward pass', async () => {
    const document = await openFile(exampleUri('apple_orange.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(document.uri, new vscode.Position(9, 0)))]);
    await vscode.debug.startDebugging(undefined, { type: 'graphstep', request: 'launch', name: 'apples', program: document.uri.fsPath, stopOnEntry: false });
    const debugSession = await until('the debug session', () => vscode.debug.activeDebugSession);
    const forward = await stopNumber(0);
    assert.equal(forward.reason, 'breakpoint');
    assert.equal(session.stepper!.position, 2, 'before fruit_sum, the third forward step');
    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    const backward = await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    assert.equal(backward.reason, 'breakpoint');
    assert.match(backward.description ?? '', /backward pass/);
    assert.equal((await topFrame(debugSession)).name, 'backward › fruit_sum  line 10');
  });

  it('Run to Cursor from the editor runs to the cursor\'s line', async () => {
    const document = await openFile(exampleUri('apple_orange.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    await vscode.debug.startDebugging(undefined, { type: 'graphstep', request: 'launch', name: 'apples', program: document.uri.fsPath });
    const debugSession = await until('the debug session', () => vscode.debug.activeDebugSession);
    await stopNumber(0);
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(10, 0, 10, 0);
    await stopAfter(() => vscode.commands.executeCommand('editor.debug.action.runToCursor'));
    assert.equal((await topFrame(debugSession)).name, 'forward › total  line 11');
    assert.equal(session.stepper!.position, 3);
  });

  it('Jump to Cursor from the editor offers both passes and goes to the first, the current pass, without running anything', async () => {
    const document = await openFile(exampleUri('apple_orange.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    await vscode.debug.startDebugging(undefined, { type: 'graphstep', request: 'launch', name: 'apples', program: document.uri.fsPath });
    const debugSession = await until('the debug session', () => vscode.debug.activeDebugSession);
    await stopNumber(0);
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(9, 0, 9, 0);
    const before = traffic.stops.length;
    // Two targets (forward and backward), so VS Code asks which: accept its first, the current pass.
    const jumped = vscode.commands.executeCommand('debug.jumpToCursor');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await jumped;
    const stop = await stopNumber(before);
    assert.equal(stop.reason, 'goto');
    assert.equal(session.stepper!.position, 2, 'just before fruit_sum in the forward pass');
    assert.equal((await topFrame(debugSession)).name, 'forward › fruit_sum  line 10');
  });

  it('Set Value on apple_price re-runs the tape: the session and its hover show the new gradient', async () => {
    const document = await openFile(exampleUri('apple_orange.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    await vscode.debug.startDebugging(undefined, { type: 'graphstep', request: 'launch', name: 'apples', program: document.uri.fsPath });
    const debugSession = await until('the debug session', () => vscode.debug.activeDebugSession);
    await stopNumber(0);
    const frame = await topFrame(debugSession);
    const scopes = (await debugSession.customRequest('scopes', { frameId: frame.id })) as { scopes: { name: string; variablesReference: number }[] };
    const leaves = scopes.scopes.find((s) => s.name === 'Inputs and params')!;
    await debugSession.customRequest('setVariable', { variablesReference: leaves.variablesReference, name: 'apple_price', value: '120' });
    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    await stopAfter(() => vscode.commands.executeCommand('workbench.action.debug.continue'));
    const apple = session.graph!.nodes.find((n) => n.name === 'apple_num')!;
    assert.equal(session.stepper!.grad(apple.id)!.data[0], 1.1 * 120);
    assert.equal(await evaluate(debugSession, 'apple_sum'), '240');
    assert.equal(document.getText().includes('apple_price = 100'), true, 'the file is not changed');
  });

  it('while debugging, the inline-value decorations give way to the debugger; they come back after it', async () => {
    const document = await openFile(exampleUri('apple_orange.nn'));
    const api = await graphStepApi();
    await api.sessions.step(api.sessions.sessionFor(document), 'runForward');
    const labels = () => vscode.commands.executeCommand<readonly unknown[]>('_graphstep.inlineValueLabels', document.uri);
    await waitFor('decorations before debugging', async () => (await labels()).length > 0);
    await vscode.debug.startDebugging(undefined, { type: 'graphstep', request: 'launch', name: 'apples', program: document.uri.fsPath, stopOnEntry: false });
    await stopNumber(0);
    assert.equal((await labels()).length, 0);
    const ended = new Promise<void>((resolve) => vscode.debug.onDidTerminateDebugSession(() => resolve()));
    await vscode.debug.stopDebugging();
    await ended;
    await waitFor('decorations after debugging', async () => (await labels()).length > 0);
  });

  it('the launch.json snippet and the attributes program, stopOnEntry and stopOnNaN are contributed', () => {
    const manifest = vscode.extensions.getExtension('graphstep.graphstep')!.packageJSON as {
      contributes: { debuggers: { type: string; languages: string[]; configurationAttributes: { launch: { properties: Record<string, unknown> } }; configurationSnippets: unknown[] }[]; breakpoints: { language: string }[] };
    };
    const debuggerEntry = manifest.contributes.debuggers.find((d) => d.type === 'graphstep')!;
    const attributes = Object.keys(debuggerEntry.configurationAttributes.launch.properties);
    for (const name of ['program', 'stopOnEntry', 'stopOnNaN']) assert.ok(attributes.includes(name), `${name} in ${attributes.join(', ')}`);
    assert.deepEqual(debuggerEntry.languages, ['graphstep']);
    assert.ok(debuggerEntry.configurationSnippets.length > 0);
    assert.ok(manifest.contributes.breakpoints.some((b) => b.language === 'graphstep'));
  });
});
