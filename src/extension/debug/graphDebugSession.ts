import { BreakpointEvent, InitializedEvent, InvalidatedEvent, LoggingDebugSession, Source, StoppedEvent, TerminatedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as path from 'node:path';
import { describeStops, nodesNamed, nodesOnLine, passAt } from '../../core/debug/breakpoints';
import { evaluateExpression } from '../../core/debug/evaluate';
import { tapeScope, type GraphRuntime, type Subscription, type TapeView } from '../../core/debug/graphRuntime';
import { nodeKindText, nodeLabel, shapeText } from '../../core/editor/nodeLabel';
import { Tensor } from '../../core/tensor';
import { DebugVariables, nodeValueText } from './debugVariables';
import { StopFinder, type BreakpointState, type RunMode, type Stop } from './stopFinder';
import * as l10n from '@vscode/l10n';

/** The attributes of a `graphstep` launch configuration. */
export interface GraphLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The `.nn` file to step through. */
  readonly program: string;
  /** Stop before the first step (default true); otherwise run to the first breakpoint or the end of the forward pass. */
  readonly stopOnEntry?: boolean;
  /** Stop on the node that first makes NaN or ±Infinity (default true; the Breakpoints view's filter also switches it). */
  readonly stopOnNaN?: boolean;
}

/** Opens the runtime of a program, or says why it cannot. */
export type RuntimeOpener = (program: string) => Promise<GraphRuntime | string>;

const THREAD_ID = 1;
export const NAN_FILTER = 'nan';

/**
 * The Debug Adapter Protocol face of a GraphStep tape: Step Over runs one
 * step, Continue runs to a breakpoint or the end of the pass, Step Back and
 * Reverse Continue undo exactly, Step Into/Out enter and leave groups,
 * Variables show every value and gradient, Watch and the Debug Console
 * evaluate `.nn` expressions. It knows nothing of VS Code's API: it drives a
 * `GraphRuntime`, the document's session in the editor or a bare stepper in tests.
 */
export class GraphDebugSession extends LoggingDebugSession {
  private runtime: GraphRuntime | null = null;
  private readonly runtimeReady: Promise<GraphRuntime | null>;
  private resolveRuntime!: (r: GraphRuntime | null) => void;
  private readonly configured: Promise<void>;
  private resolveConfigured!: () => void;
  private readonly variables = new DebugVariables();
  private readonly stops = new StopFinder();
  private launchArgs: GraphLaunchArguments | null = null;
  private subscription: Subscription | null = null;
  /** The node the stop is about: the next to run, or (after a NaN stop) the one that made it. */
  private focus: 'next' | 'last' = 'next';
  private moving = false;
  private pauseRequested = false;
  /** Requests that move or read the tape run one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly openRuntime: RuntimeOpener) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.runtimeReady = new Promise((resolve) => (this.resolveRuntime = resolve));
    this.configured = new Promise((resolve) => (this.resolveConfigured = resolve));
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
      supportsGotoTargetsRequest: true,
      supportsSetVariable: true,
      supportsEvaluateForHovers: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsFunctionBreakpoints: true,
      supportsBreakpointLocationsRequest: true,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      supportsCancelRequest: false,
      exceptionBreakpointFilters: [
        {
          filter: NAN_FILTER,
          label: l10n.t('Break on NaN or Infinity'),
          description: l10n.t('Stop on the node that first makes NaN or ±Infinity from finite inputs, in the forward or the backward pass'),
          default: true,
        },
      ],
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.resolveConfigured();
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: GraphLaunchArguments): Promise<void> {
    const program = typeof args.program === 'string' ? args.program : '';
    const opened = program ? await this.openRuntime(program).catch((e: Error) => l10n.t('GraphStep could not open {0}: {1}', program, e.message)) : l10n.t('expected "program": the .nn file to step through, found none');
    if (typeof opened === 'string') {
      this.resolveRuntime(null);
      return this.sendErrorResponse(response, { id: 1, format: opened, showUser: true });
    }
    const tape = await opened.view();
    if (!tape) {
      this.resolveRuntime(null);
      const problem = (await opened.problem()) ?? l10n.t('the file has errors');
      return this.sendErrorResponse(response, { id: 2, format: l10n.t('{0} has errors, so there is nothing to step: {1}', path.basename(program), problem), showUser: true });
    }
    this.runtime = opened;
    this.launchArgs = args;
    this.stops.stopOnNaN = args.stopOnNaN !== false;
    // Checked when the change is announced: the debugger's own moves are not news to it.
    this.subscription = opened.onDidChange(() => void (this.moving || this.enqueue(() => this.movedElsewhere())));
    this.resolveRuntime(opened);
    // VS Code sends breakpoints between `initialized` and `configurationDone`; wait for them (not forever).
    await Promise.race([this.configured, new Promise((r) => setTimeout(r, 1000))]);
    this.sendResponse(response);
    await this.enqueue(() => this.startTape());
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    this.sendResponse(response);
    await this.enqueue(() => this.startTape());
  }

  /** From position 0: stop there, or run to the first breakpoint or the end of the forward pass. */
  private async startTape(): Promise<void> {
    this.stops.resetHits();
    await this.move(0);
    if (this.launchArgs?.stopOnEntry === false) return this.runAndStop(1, 'pass', true);
    this.stopped({ reason: 'entry', position: 0, description: l10n.t('Paused before the first step') });
  }

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    const runtime = await this.runtimeReady;
    const tape = runtime ? await runtime.view() : null;
    const requested = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }) as DebugProtocol.SourceBreakpoint);
    const samePath = runtime !== null && args.source.path !== undefined && samePathAs(args.source.path, runtime.path);
    if (!samePath) {
      response.body = { breakpoints: requested.map((b) => ({ verified: false, line: b.line, message: l10n.t('not the file being debugged') })) };
      return this.sendResponse(response);
    }
    const specs = requested.map((b) => {
      const line = this.convertClientLineToDebugger(b.line) - 1;
      return { line, nodes: tape ? nodesOnLine(tape.graph, line) : [], condition: b.condition, hitCondition: b.hitCondition };
    });
    const states = this.stops.setLineBreakpoints(specs);
    response.body = { breakpoints: states.map((bp) => this.protocolBreakpoint(bp, tape)) };
    this.sendResponse(response);
  }

  protected override async setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<void> {
    const runtime = await this.runtimeReady;
    const tape = runtime ? await runtime.view() : null;
    const specs = args.breakpoints.map((b) => ({ name: b.name.trim(), nodes: tape ? nodesNamed(tape.graph, b.name.trim()) : [], condition: b.condition, hitCondition: b.hitCondition }));
    const states = this.stops.setFunctionBreakpoints(specs);
    response.body = { breakpoints: states.map((bp) => this.protocolBreakpoint(bp, tape)) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.stops.breakOnNaN = args.filters.includes(NAN_FILTER) || (args.filterOptions ?? []).some((f) => f.filterId === NAN_FILTER);
    this.sendResponse(response);
  }

  protected override async breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): Promise<void> {
    const tape = await this.runtime?.view();
    const line = this.convertClientLineToDebugger(args.line) - 1;
    const nodes = tape ? nodesOnLine(tape.graph, line) : [];
    response.body = { breakpoints: nodes.length > 0 ? [{ line: args.line }] : [] };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, this.runtime ? path.basename(this.runtime.path) : 'graph')] };
    this.sendResponse(response);
  }

  protected override async stackTraceRequest(response: DebugProtocol.StackTraceResponse): Promise<void> {
    const tape = await this.runtime?.view();
    if (!tape || !this.runtime) {
      response.body = { stackFrames: [], totalFrames: 0 };
      return this.sendResponse(response);
    }
    const graph = tape.graph;
    const source = new Source(path.basename(this.runtime.path), this.convertDebuggerPathToClient(this.runtime.path));
    const focus = this.focusNode(tape);
    const id = focus ?? graph.output ?? 0;
    const node = graph.nodes[id]!;
    const pass = focus === null ? 'done' : this.focus === 'last' ? passAt(tape, tape.position - 1) : passAt(tape, tape.position);
    const frames: DebugProtocol.StackFrame[] = [
      {
        id: 1,
        name: `${pass} › ${nodeLabel(graph, id)}  line ${node.range.start.line + 1}`,
        source,
        ...this.clientRange(node.range),
        presentationHint: 'normal',
      },
    ];
    for (let g = node.group; g !== null; g = graph.groups[g]?.parent ?? null) {
      const group = graph.groups[g];
      if (!group) break;
      const kind = group.kind === 'function' ? 'def' : group.kind;
      frames.push({ id: frames.length + 1, name: `${group.label} (${kind})  line ${group.range.start.line + 1}`, source, ...this.clientRange(group.range) });
    }
    response.body = { stackFrames: frames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    response.body = { scopes: this.variables.scopes() };
    this.sendResponse(response);
  }

  protected override async variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): Promise<void> {
    const tape = await this.runtime?.view();
    const ref = this.variables.get(args.variablesReference);
    response.body = { variables: tape && ref ? this.variables.variables(tape, ref, this.focusNode(tape), args.start, args.count) : [] };
    this.sendResponse(response);
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    await this.enqueue(async () => {
      const runtime = this.runtime;
      const tape = await runtime?.view();
      const ref = this.variables.get(args.variablesReference);
      const target = tape && ref ? this.variables.setTarget(tape, ref, args.name) : null;
      if (!runtime || !tape || !target) return this.sendErrorResponse(response, { id: 10, format: l10n.t("'{0}' cannot be set: only the value of an input, param or const (or one of its elements) can", args.name), showUser: true });
      const result = evaluateExpression(args.value, tapeScope(tape));
      if (!result.ok) return this.sendErrorResponse(response, { id: 11, format: result.message, showUser: true });
      const node = tape.graph.nodes[target.nodeId]!;
      let value = result.value;
      if (target.element !== null) {
        if (value.size !== 1) return this.sendErrorResponse(response, { id: 12, format: l10n.t('expected one number for an element, found shape {0}', shapeText(value.shape)), showUser: true });
        const data = Float64Array.from(tape.value(target.nodeId)!.data);
        data[target.element] = value.data[0]!;
        value = new Tensor(node.shape, data);
      }
      this.moving = true;
      const problem = await runtime.setLeafValue(target.nodeId, value).finally(() => (this.moving = false));
      if (problem) return this.sendErrorResponse(response, { id: 13, format: problem, showUser: true });
      const after = (await runtime.view())!;
      const shown = target.element === null ? this.variables.tensorVariable(args.name, after.value(target.nodeId)!) : { value: args.value.trim(), variablesReference: 0 };
      response.body = { value: target.element === null ? nodeValueText(after, target.nodeId) : shown.value, variablesReference: 0 };
      this.sendResponse(response);
      // Every value and gradient after the leaf changed: have the views ask again.
      this.sendEvent(new InvalidatedEvent(['variables']));
    });
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    const tape = await this.runtime?.view();
    if (!tape) return this.sendErrorResponse(response, { id: 20, format: l10n.t('nothing to evaluate: no program is being debugged'), showUser: false });
    const result = evaluateExpression(args.expression, tapeScope(tape));
    if (!result.ok) return this.sendErrorResponse(response, { id: 21, format: result.message, showUser: false });
    const v = this.variables.tensorVariable(args.expression, result.value);
    response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference, ...(v.indexedVariables ? { indexedVariables: v.indexedVariables } : {}) };
    this.sendResponse(response);
  }

  protected override async gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): Promise<void> {
    const tape = await this.runtime?.view();
    const line = this.convertClientLineToDebugger(args.line) - 1;
    const targets: DebugProtocol.GotoTarget[] = [];
    if (tape) {
      // VS Code's Jump to Cursor takes the first target: the one in the current pass comes first.
      const current = passAt(tape, tape.position) === 'forward' ? 'forward' : 'backward';
      const positions = this.stops.positionsOfLine(tape, line);
      positions.sort((a, b) => Number(passAt(tape, b) === current) - Number(passAt(tape, a) === current) || a - b);
      for (const position of positions) {
        const node = tape.graph.nodes[tape.nodeAtStep(position + 1)!]!;
        const pass = passAt(tape, position);
        const step = pass === 'forward' ? position + 1 : position + 1 - tape.forwardSteps;
        targets.push({ id: position + 1, label: pass === 'forward' ? l10n.t('forward step {0}: before {1}', step, nodeLabel(tape.graph, node.id)) : l10n.t('backward step {0}: before {1}', step, nodeLabel(tape.graph, node.id)), ...this.clientRange(node.range) });
      }
    }
    response.body = { targets };
    this.sendResponse(response);
  }

  protected override async gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): Promise<void> {
    this.sendResponse(response);
    await this.enqueue(async () => {
      await this.move(args.targetId - 1);
      const tape = (await this.runtime!.view())!;
      this.stopped({ reason: 'goto', position: tape.position, description: l10n.t('Jumped to {0}', tape.describePosition()) });
    });
  }

  protected override async nextRequest(response: DebugProtocol.NextResponse): Promise<void> {
    this.sendResponse(response);
    await this.enqueue(() => this.stepOver(1));
  }

  protected override async stepBackRequest(response: DebugProtocol.StepBackResponse): Promise<void> {
    this.sendResponse(response);
    await this.enqueue(() => this.stepOver(-1));
  }

  protected override async stepInRequest(response: DebugProtocol.StepInResponse): Promise<void> {
    this.sendResponse(response);
    await this.enqueue(async () => {
      const runtime = this.runtime!;
      const tape = (await runtime.view())!;
      const upcoming = this.focus === 'next' ? tape.nodeAtStep(tape.position + 1) : null;
      const key = upcoming === null ? undefined : tape.graph.nodes[upcoming]!.expandKey;
      if (key && (await runtime.setExpanded(key, true))) {
        const opened = (await runtime.view())!;
        return this.stopped({ reason: 'step', position: opened.position, description: l10n.t('Opened {0} into its elementary operations', nodeKindText(tape.graph, upcoming!)) });
      }
      return this.runAndStop(1, 'into');
    });
  }

  protected override async stepOutRequest(response: DebugProtocol.StepOutResponse): Promise<void> {
    this.sendResponse(response);
    await this.enqueue(() => this.runAndStop(1, 'out'));
  }

  protected override async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    await this.enqueue(() => this.runAndStop(1, 'pass'));
  }

  protected override async reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): Promise<void> {
    this.sendResponse(response);
    await this.enqueue(() => this.runAndStop(-1, 'pass'));
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.pauseRequested = true;
    this.sendResponse(response);
  }

  protected override async exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): Promise<void> {
    const stop = this.stops.lastStop;
    const tape = await this.runtime?.view();
    if (!stop || stop.reason !== 'exception' || !tape) return this.sendErrorResponse(response, { id: 30, format: l10n.t('not stopped on NaN or Infinity'), showUser: false });
    response.body = { exceptionId: stop.exceptionId ?? 'NaN', description: stop.description, breakMode: 'always' };
    this.sendResponse(response);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.end();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.end();
    this.sendResponse(response);
  }

  private end(): void {
    this.subscription?.dispose();
    this.subscription = null;
    this.pauseRequested = true;
  }

  /** One step (or back), and over a whole group the step enters (a function call, an opened composite op). */
  private async stepOver(direction: 1 | -1): Promise<void> {
    const tape = (await this.runtime!.view())!;
    if (direction === 1 && tape.position >= tape.total) return this.stopped({ reason: 'step', position: tape.position, description: l10n.t('The backward pass is done: Step Back, Reverse Continue or Restart to go back') });
    if (direction === -1 && tape.position === 0) return this.stopped({ reason: 'step', position: 0, description: l10n.t('Already before the first step') });
    return this.runAndStop(direction, 'over');
  }

  /** Runs with the stop finder's rules for this kind of move, then reports the stop. */
  private async runAndStop(direction: 1 | -1, mode: RunMode, checkStart = false): Promise<void> {
    const runtime = this.runtime!;
    const start = (await runtime.view())!;
    const startFocus = this.focusNode(start);
    this.pauseRequested = false;
    this.moving = true;
    let stop: Stop;
    try {
      stop = await this.stops.run(runtime, direction, mode, startFocus, () => this.pauseRequested, checkStart);
    } finally {
      runtime.announce();
      this.moving = false;
    }
    this.stopped(stop);
  }

  private async move(position: number): Promise<void> {
    this.moving = true;
    try {
      await this.runtime!.goTo(position);
    } finally {
      this.moving = false;
    }
  }

  private stopped(stop: Stop): void {
    this.focus = stop.reason === 'exception' ? 'last' : 'next';
    this.stops.lastStop = stop;
    this.variables.reset();
    const event = new StoppedEvent(stop.reason, THREAD_ID, stop.reason === 'exception' ? stop.description : undefined) as DebugProtocol.StoppedEvent;
    event.body.description = stop.description;
    if (stop.hitBreakpointIds) event.body.hitBreakpointIds = [...stop.hitBreakpointIds];
    if (stop.preserveFocus) event.body.preserveFocusHint = true;
    for (const changed of stop.changedBreakpoints ?? []) {
      const line = changed.line === undefined ? {} : { line: this.convertDebuggerLineToClient(changed.line + 1) };
      this.sendEvent(new BreakpointEvent('changed', { id: changed.id, verified: changed.verified, message: changed.message, ...line }));
    }
    this.sendEvent(event);
  }

  /** The panel, a command or an edit moved the tape: show where it is now. */
  private async movedElsewhere(): Promise<void> {
    if (!this.runtime) return;
    const tape = await this.runtime.view();
    if (!tape) return;
    await this.reverifyBreakpoints(tape);
    this.stopped({ reason: 'step', position: tape.position, description: l10n.t('Moved outside the debugger: {0}', tape.describePosition()), preserveFocus: true });
  }

  private async reverifyBreakpoints(tape: TapeView): Promise<void> {
    for (const bp of this.stops.all()) {
      bp.nodes = bp.kind === 'line' ? nodesOnLine(tape.graph, bp.line!) : nodesNamed(tape.graph, bp.name!);
      this.sendEvent(new BreakpointEvent('changed', this.protocolBreakpoint(bp, tape)));
    }
  }

  /** The node the stop is about (null at the end of the tape). */
  private focusNode(tape: TapeView): number | null {
    return this.focus === 'last' ? tape.nodeAtStep(tape.position) : tape.nodeAtStep(tape.position + 1);
  }

  private protocolBreakpoint(bp: BreakpointState, tape: TapeView | null, message?: string): DebugProtocol.Breakpoint {
    const verified = tape !== null && bp.nodes.length > 0 && this.stops.validHitCondition(bp.hitConditionText ?? '');
    const out: DebugProtocol.Breakpoint = { id: bp.id, verified };
    if (bp.line !== null) out.line = this.convertDebuggerLineToClient(bp.line + 1);
    if (!tape) out.message = l10n.t('the file has errors, so no step runs');
    else if (!this.stops.validHitCondition(bp.hitConditionText ?? '')) out.message = l10n.t("expected a hit count such as 3, >= 3, == 3 or % 3, found '{0}'", bp.hitConditionText ?? '');
    else if (bp.nodes.length === 0) {
      out.message = bp.kind === 'line'
        ? l10n.t('no step runs on line {0}: leaves, comments and empty lines are not steps', bp.line! + 1)
        : l10n.t("no operation named '{0}': expected a variable bound to an operation, an operation such as relu, or a function", bp.name ?? '');
    } else out.message = message ?? describeStops(tape, bp.nodes);
    return out;
  }

  private clientRange(range: { start: { line: number; character: number }; end: { line: number; character: number } }) {
    return {
      line: this.convertDebuggerLineToClient(range.start.line + 1),
      column: this.convertDebuggerColumnToClient(range.start.character + 1),
      endLine: this.convertDebuggerLineToClient(range.end.line + 1),
      endColumn: this.convertDebuggerColumnToClient(range.end.character + 1),
    };
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function samePathAs(a: string, b: string): boolean {
  const norm = (p: string) => path.normalize(p).replace(/^[a-z]:/, (d) => d.toUpperCase());
  return norm(a) === norm(b);
}

