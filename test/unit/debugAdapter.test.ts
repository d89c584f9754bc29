import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { checkSource } from '../../src/core/check';
import { StepperRuntime } from '../../src/core/debug/graphRuntime';
import { GraphDebugSession } from '../../src/extension/debug/graphDebugSession';
import { createFileAccess } from '../../src/node/fileAccess';

const ROOT = path.resolve(__dirname, '../..');
const APPLES = path.join(ROOT, 'examples/apple_orange.nn');
const TWO_LAYER = path.join(ROOT, 'examples/two_layer_net.nn');
const LOG_ZERO = path.join(ROOT, 'test/fixtures/debug_log_zero.nn');
const SQRT_ZERO = path.join(ROOT, 'test/fixtures/debug_sqrt_zero.nn');
const FUNCTIONS = path.join(ROOT, 'examples/functions.nn');
const FUNCTION = path.join(ROOT, 'test/fixtures/debug_function.nn');

/**
 * The adapter over the Debug Adapter Protocol, as VS Code talks to it: a
 * DebugClient connected to the adapter served in this process over a socket,
 * driving a runtime made of the pure core's stepper.
 */
describe('the graphstep debug adapter (Debug Adapter Protocol)', () => {
  let server: net.Server;
  let port: number;
  let dc: DebugClient;
  let runtime: StepperRuntime | null = null;

  before(async () => {
    server = net.createServer((socket) => {
      const session = new GraphDebugSession(async (program) => {
        const text = fs.readFileSync(program, 'utf8');
        const files = createFileAccess(program, path.dirname(program));
        const check = checkSource(text, { files });
        if (!check.graph) return `${program}: ${check.diagnostics[0]?.message}`;
        runtime = new StepperRuntime(program, check.graph, (expand) => checkSource(text, { files, expand }).graph);
        return runtime;
      });
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(async () => {
    runtime = null;
    dc = new DebugClient('node', 'unused', 'graphstep');
    await dc.start(port);
  });

  afterEach(() => dc.stop());

  /** Launches and waits for the first stop, sending breakpoints first when asked. */
  async function launch(program: string, options: { stopOnEntry?: boolean; stopOnNaN?: boolean; lines?: DebugProtocol.SourceBreakpoint[]; functions?: string[] } = {}): Promise<DebugProtocol.StoppedEvent> {
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        if (options.lines) await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: options.lines });
        if (options.functions) await dc.setFunctionBreakpointsRequest({ breakpoints: options.functions.map((name) => ({ name })) });
        return dc.configurationDoneRequest();
      }),
      dc.launch({ program, stopOnEntry: options.stopOnEntry ?? true, ...(options.stopOnNaN === undefined ? {} : { stopOnNaN: options.stopOnNaN }) }),
    ]);
    return stopped;
  }

  async function topFrame(): Promise<DebugProtocol.StackFrame> {
    const trace = await dc.stackTraceRequest({ threadId: 1 });
    return trace.body.stackFrames[0]!;
  }

  async function step(request: 'next' | 'stepBack' | 'continue' | 'reverseContinue' | 'stepIn' | 'stepOut'): Promise<DebugProtocol.StoppedEvent> {
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.send(request, { threadId: 1 });
    return stopped;
  }

  async function scopeVariables(title: string): Promise<DebugProtocol.Variable[]> {
    const frame = await topFrame();
    const scopes = await dc.scopesRequest({ frameId: frame.id });
    const scope = scopes.body.scopes.find((s) => s.name === title);
    assert.ok(scope, `no scope '${title}' in ${scopes.body.scopes.map((s) => s.name).join(', ')}`);
    return (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
  }

  async function evaluate(expression: string): Promise<string> {
    return (await dc.evaluateRequest({ expression, context: 'watch' })).body.result;
  }

  it('declares stepping back, Set Value, hover evaluation and the Break on NaN or Infinity filter', async () => {
    const response = await dc.initializeRequest();
    const caps = response.body!;
    assert.equal(caps.supportsStepBack, true);
    assert.equal(caps.supportsSetVariable, true);
    assert.equal(caps.supportsEvaluateForHovers, true);
    assert.equal(caps.supportsGotoTargetsRequest, true);
    assert.equal(caps.supportsConditionalBreakpoints, true);
    assert.equal(caps.supportsHitConditionalBreakpoints, true);
    assert.equal(caps.supportsFunctionBreakpoints, true);
    assert.deepEqual(caps.exceptionBreakpointFilters?.map((f) => f.label), ['Break on NaN or Infinity']);
  });

  it('stops on entry before the first node, with its phase, name and line in the stack frame', async () => {
    const stopped = await launch(APPLES);
    assert.equal(stopped.body.reason, 'entry');
    const frame = await topFrame();
    assert.equal(frame.name, 'forward › apple_sum  line 8');
    assert.equal(frame.line, 8);
    assert.equal(frame.column, 24, 'the × of apple_num * apple_price');
    assert.equal(frame.source?.path, APPLES);
  });

  it('Step Over runs one step through the forward pass, then the backward pass; Step Back undoes it', async () => {
    await launch(APPLES);
    const names: string[] = [];
    for (let i = 0; i < 8; i++) {
      await step('next');
      names.push((await topFrame()).name);
    }
    assert.deepEqual(names, [
      'forward › orange_sum  line 9',
      'forward › fruit_sum  line 10',
      'forward › total  line 11',
      'backward › total  line 11',
      'backward › fruit_sum  line 10',
      'backward › orange_sum  line 9',
      'backward › apple_sum  line 8',
      'done › total  line 11',
    ]);
    assert.equal(await evaluate('grad(apple_num)'), '110.00000000000001');
    await step('stepBack');
    assert.equal((await topFrame()).name, 'backward › apple_sum  line 8');
    await assert.rejects(evaluate('grad(apple_num)'), /no gradient has arrived yet/);
  });

  it('Continue stops at the end of the forward pass, then at the end of the backward pass; Reverse Continue goes back pass by pass', async () => {
    await launch(APPLES);
    const forwardDone = await step('continue');
    assert.match(forwardDone.body.description ?? '', /forward pass is done/);
    assert.equal((await topFrame()).name, 'backward › total  line 11');
    assert.equal(await evaluate('total'), '715.0000000000001');
    await step('continue');
    assert.equal((await topFrame()).name, 'done › total  line 11');
    await step('reverseContinue');
    assert.equal((await topFrame()).name, 'backward › total  line 11');
    await step('reverseContinue');
    assert.equal((await topFrame()).name, 'forward › apple_sum  line 8');
    await assert.rejects(evaluate('apple_sum'), /no value yet/);
  });

  it('a line breakpoint stops before its node in the forward pass and again in the backward pass, and says which', async () => {
    const set = dc.waitForEvent('initialized').then(() => dc.setBreakpointsRequest({ source: { path: APPLES }, breakpoints: [{ line: 9 }, { line: 2 }] }));
    const stoppedAt = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    const configured = set.then(() => dc.configurationDoneRequest());
    await Promise.all([configured, dc.launch({ program: APPLES, stopOnEntry: false })]);
    const [bp, leaf] = (await set).body.breakpoints;
    assert.equal(bp!.verified, true);
    assert.match(bp!.message ?? '', /forward pass \(forward step 2\) and again in the backward pass \(backward step 3\)/);
    assert.equal(leaf!.verified, false, 'a leaf is not a step');
    const first = await stoppedAt;
    assert.equal(first.body.reason, 'breakpoint');
    assert.match(first.body.description ?? '', /forward pass/);
    assert.equal((await topFrame()).name, 'forward › orange_sum  line 9');
    assert.match((await step('continue')).body.description ?? '', /forward pass is done/);
    const changed = dc.waitForEvent('breakpoint') as Promise<DebugProtocol.BreakpointEvent>;
    const second = await step('continue');
    assert.equal(second.body.reason, 'breakpoint');
    assert.match(second.body.description ?? '', /backward pass/);
    assert.match((await changed).body.breakpoint.message ?? '', /^Hit before orange_sum \(line 9\) in the backward pass/);
    assert.equal((await topFrame()).name, 'backward › orange_sum  line 9');
    // Backwards, the same breakpoint stops again.
    await step('continue');
    const back = await step('reverseContinue');
    assert.equal(back.body.reason, 'breakpoint');
    assert.equal((await topFrame()).name, 'backward › orange_sum  line 9');
  });

  it('a conditional breakpoint stops only where its .nn condition holds; a gradient not yet computed makes it false', async () => {
    const forward = await launch(APPLES, { stopOnEntry: false, lines: [{ line: 8, condition: 'grad(apple_sum) > 1' }] });
    assert.equal(forward.body.reason, 'step', 'no stop in the forward pass: the gradient is not there yet');
    const backward = await step('continue');
    assert.equal(backward.body.reason, 'breakpoint');
    assert.equal((await topFrame()).name, 'backward › apple_sum  line 8');
    assert.equal(await evaluate('grad(apple_sum)'), '1.1');
  });

  it('a conditional breakpoint on the two-layer net: max(abs(grad(W1))) > 1 never holds; sum(a1) > 0 holds once a1 is computed', async () => {
    const lines = fs.readFileSync(TWO_LAYER, 'utf8').split('\n');
    const a1 = lines.findIndex((l) => l.startsWith('a1')) + 1;
    const loss = lines.findIndex((l) => l.startsWith('loss')) + 1;
    const forward = await launch(TWO_LAYER, { stopOnEntry: false, lines: [{ line: a1, condition: 'sum(a1) > 0' }, { line: loss, condition: 'max(abs(grad(W1))) > 1' }] });
    assert.equal(forward.body.reason, 'step', 'ran to the end of the forward pass without stopping');
    const backward = await step('continue');
    assert.equal(backward.body.reason, 'breakpoint');
    const frame = await topFrame();
    assert.equal(frame.line, a1);
    assert.equal(frame.name, `backward › a1  line ${a1}`);
    assert.equal((await step('continue')).body.reason, 'step', 'the loss breakpoint never held');
  });

  it('a hit count it cannot read leaves the breakpoint unverified, saying what it expected', async () => {
    await launch(APPLES);
    const set = await dc.setBreakpointsRequest({ source: { path: APPLES }, breakpoints: [{ line: 8, hitCondition: 'often' }] });
    assert.equal(set.body.breakpoints[0]!.verified, false);
    assert.match(set.body.breakpoints[0]!.message ?? '', /expected a hit count such as 3, >= 3, == 3 or % 3, found 'often'/);
    assert.equal((await step('continue')).body.reason, 'step');
  });

  it('a hit count skips the first hits', async () => {
    const forward = await launch(APPLES, { stopOnEntry: false, lines: [{ line: 8, hitCondition: '2' }] });
    assert.equal(forward.body.reason, 'step', 'the first hit (forward step 1) was skipped');
    const backward = await step('continue');
    assert.equal(backward.body.reason, 'breakpoint');
    assert.equal((await topFrame()).name, 'backward › apple_sum  line 8');
  });

  it('a function breakpoint stops before the node of that name, and before every node of an operation', async () => {
    const stopped = await launch(APPLES, { stopOnEntry: false, functions: ['fruit_sum'] });
    assert.equal(stopped.body.reason, 'function breakpoint');
    assert.equal((await topFrame()).name, 'forward › fruit_sum  line 10');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'relu' }, { name: 'no_such_thing' }] }).then((r) => {
      assert.equal(r.body.breakpoints[0]!.verified, false, 'the apples have no relu');
      assert.equal(r.body.breakpoints[1]!.verified, false);
    });
  });

  it('Break on NaN or Infinity stops on the node that first made one, in the forward pass', async () => {
    const stopped = await launch(LOG_ZERO, { stopOnEntry: false });
    assert.equal(stopped.body.reason, 'exception');
    assert.match(stopped.body.description ?? '', /made -Infinity from finite inputs/);
    const frame = await topFrame();
    assert.equal(frame.line, 6);
    assert.match(frame.name, /^forward › b /);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'Infinity');
    // c = b + y also holds -Infinity but did not make it: Continue runs to the end of the pass.
    const next = await step('continue');
    assert.equal(next.body.reason, 'step');
  });

  it('Break on NaN or Infinity stops in the backward pass where a derivative is infinite; stopOnNaN: false runs through', async () => {
    const stopped = await launch(SQRT_ZERO, { stopOnEntry: false });
    assert.equal(stopped.body.reason, 'step', 'sqrt(0) = 0 is finite');
    const backward = await step('continue');
    assert.equal(backward.body.reason, 'exception');
    assert.match(backward.body.description ?? '', /sent Infinity to the gradient of x/);
    assert.equal((await topFrame()).line, 4);
  });

  it('stopOnNaN: false turns the NaN stop off', async () => {
    const stopped = await launch(LOG_ZERO, { stopOnEntry: false, stopOnNaN: false });
    assert.equal(stopped.body.reason, 'step');
    assert.match(stopped.body.description ?? '', /forward pass is done/);
  });

  it('shows the scopes Current node, Inputs and params and All values with exact values and gradients', async () => {
    await launch(APPLES);
    await step('continue');
    await step('continue');
    await step('stepBack');
    const frame = await topFrame();
    const scopes = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.map((s) => s.name);
    assert.deepEqual(scopes, ['Current node', 'Inputs and params', 'All values']);
    const leaves = await scopeVariables('Inputs and params');
    assert.deepEqual(leaves.map((v) => v.name), ['apple_num', 'apple_price', 'orange_num', 'orange_price', 'tax']);
    assert.equal(leaves.find((v) => v.name === 'tax')!.value, '1.1   ∂ 650');
    const current = await scopeVariables('Current node');
    const byName = (prefix: string) => current.find((v) => v.name.startsWith(prefix));
    assert.match(byName('step')!.value, /runs next: backward step 4 of 4, mul \(×\) on line 8/);
    assert.equal(byName('input a: apple_num')!.value, '2');
    assert.equal(byName('output apple_sum')!.value, '200');
    assert.equal(byName('gradient arriving ∂total/∂apple_sum')!.value, '1.1');
    assert.equal(byName('local derivative ∂apple_sum/∂apple_num')!.value, '100');
    assert.equal(byName('local derivative ∂apple_sum/∂apple_price')!.value, '2');
    const all = await scopeVariables('All values');
    assert.ok(all.some((v) => v.name === 'fruit_sum' && v.value === '650   ∂ 1.1'));
  });

  it('a tensor opens into rows and exact elements, paged', async () => {
    await launch(TWO_LAYER);
    const w1 = (await scopeVariables('Inputs and params')).find((v) => v.name === 'W1')!;
    assert.match(w1.value, /^\[2,4\] \[\[/);
    const details = (await dc.variablesRequest({ variablesReference: w1.variablesReference })).body.variables;
    const value = details.find((v) => v.name === 'value')!;
    assert.equal(value.indexedVariables, 2);
    const rows = (await dc.variablesRequest({ variablesReference: value.variablesReference })).body.variables;
    assert.deepEqual(rows.map((r) => r.name), ['[0]', '[1]']);
    const page = (await dc.variablesRequest({ variablesReference: rows[1]!.variablesReference, filter: 'indexed', start: 1, count: 2 })).body.variables;
    assert.deepEqual(page.map((e) => e.name), ['[1]', '[2]']);
    const whole = await evaluate('W1');
    const element = page[0]!.value;
    assert.ok(whole.includes(element), `${element} is printed in ${whole}`);
    assert.equal(String(Number(element)), element, 'shortest round-trip form');
  });

  it('Set Value on a leaf re-runs the tape to the current position: apple_price 120 changes the gradients', async () => {
    await launch(APPLES);
    await step('continue');
    await step('continue');
    const frame = await topFrame();
    const scope = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Inputs and params')!;
    const set = await dc.setVariableRequest({ variablesReference: scope.variablesReference, name: 'apple_price', value: '120' });
    assert.match(set.body.value, /^120 /);
    assert.equal(await evaluate('grad(apple_num)'), String(1.1 * 120));
    assert.equal(await evaluate('apple_sum'), '240');
    assert.equal((await topFrame()).name, 'done › total  line 11', 'the position is kept');
    await assert.rejects(dc.setVariableRequest({ variablesReference: scope.variablesReference, name: 'apple_price', value: '[1, 2]' }), /expected a value of shape \[\]/);
  });

  it('evaluates .nn expressions at the current position: arithmetic, grad(NAME), sum, comparisons; errors name what was expected', async () => {
    await launch(TWO_LAYER);
    await step('continue');
    await step('continue');
    assert.match(await evaluate('sum(W1)'), /^-?\d/);
    assert.match(await evaluate('grad(W1)'), /^\[2,4\] /);
    assert.equal(await evaluate('max(abs(grad(W1))) > 1'), '0');
    await assert.rejects(evaluate('no_such_name * 2'), /expected a name of this file, found 'no_such_name'/);
    await assert.rejects(evaluate('W1 @ W1'), /matmul/);
    const hover = await dc.evaluateRequest({ expression: 'b1', context: 'hover' });
    assert.match(hover.body.result, /^\[4\] \[0, 0, 0, 0\]$/);
  });

  it('offers Jump to Cursor targets for a line in both passes and goes there', async () => {
    await launch(APPLES);
    const targets = (await dc.gotoTargetsRequest({ source: { path: APPLES }, line: 10 })).body.targets;
    assert.deepEqual(targets.map((t) => t.label), ['forward step 3: before fruit_sum', 'backward step 2: before fruit_sum']);
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.send('goto', { threadId: 1, targetId: targets[1]!.id });
    assert.equal((await stopped).body.reason, 'goto');
    assert.equal((await topFrame()).name, 'backward › fruit_sum  line 10');
    const fromBackward = (await dc.gotoTargetsRequest({ source: { path: APPLES }, line: 8 })).body.targets;
    assert.equal(fromBackward[0]!.label, 'backward step 4: before apple_sum', 'the current pass first: Jump to Cursor takes the first target');
  });

  it('Step Into runs one step where there is no group; Step Out at the top level runs to the end of the pass', async () => {
    await launch(APPLES);
    await step('stepIn');
    assert.equal((await topFrame()).name, 'forward › orange_sum  line 9');
    await step('stepOut');
    assert.equal((await topFrame()).name, 'backward › total  line 11');
  });

  it('inside a user function the Call Stack has one frame per group level, the call highlighted', async () => {
    await launch(FUNCTIONS);
    const trace = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.deepEqual(trace.map((f) => f.name), ['forward › Affine on line 2  line 2', 'affine_relu (def)  line 13', 'layers (block)  line 13']);
    assert.deepEqual([trace[1]!.line, trace[1]!.column], [13, 8], 'the call affine_relu(x, W1, b1)');
  });

  it('Step Over runs a function call as one step, both ways; Step Into enters it; Step Out leaves it', async () => {
    await launch(FUNCTION);
    assert.equal((await topFrame()).name, 'forward › b  line 6');
    await step('next');
    assert.equal((await topFrame()).name, 'forward › d  line 8', 'over the call of scale_add');
    await step('stepBack');
    assert.equal((await topFrame()).name, 'forward › b  line 6', 'back over the call');
    await step('stepIn');
    const inside = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.name);
    assert.deepEqual(inside, ['forward › × on line 2  line 2', 'scale_add (def)  line 7']);
    await step('next');
    assert.equal((await topFrame()).name, 'forward › c  line 2', 'inside the call, one node');
    await step('stepOut');
    assert.equal((await topFrame()).name, 'forward › d  line 8');
    await step('continue');
    assert.equal((await topFrame()).name, 'backward › d  line 8');
    await step('next');
    assert.equal((await topFrame()).name, 'backward › b  line 6', 'the backward pass steps over the call too');
  });

  it('Step Into on a composite op opens it into its elementary ops and stops before the first', async () => {
    await launch(FUNCTIONS);
    await step('stepOut');
    const frame = await topFrame();
    assert.equal(frame.name, 'forward › Affine on line 14  line 14');
    const opened = await step('stepIn');
    assert.match(opened.body.description ?? '', /Opened affine \(Affine\) into its elementary operations/);
    const trace = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.name);
    assert.deepEqual(trace, ['forward › @ on line 14  line 14', 'Affine (composite)  line 14', 'layers (block)  line 13']);
    await step('next');
    assert.equal((await topFrame()).name, 'forward › + on line 14  line 14');
    await step('stepOut');
    assert.match((await topFrame()).name, /^forward › .* line 14$/);
    assert.doesNotMatch((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((f) => f.name).join(' | '), /Affine/);
  });

  it('Restart goes back before the first step', async () => {
    await launch(APPLES);
    await step('continue');
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.send('restart', {});
    assert.equal((await stopped).body.reason, 'entry');
    assert.equal((await topFrame()).name, 'forward › apple_sum  line 8');
  });

  it('follows a move made elsewhere (the panel) without taking the focus', async () => {
    await launch(APPLES);
    const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    runtime!.moveFromOutside(3);
    const event = await stopped;
    assert.equal(event.body.preserveFocusHint, true);
    assert.equal((await topFrame()).name, 'forward › total  line 11', 'three steps done, the fourth runs next');
  });

  it('refuses to launch a file with errors, naming the error', async () => {
    const broken = path.join(ROOT, 'test/fixtures/script_in_path.nn');
    await assert.rejects(dc.launch({ program: broken }), /load: expected a file/);
  });
});
