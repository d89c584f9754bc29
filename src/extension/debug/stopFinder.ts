import { describeStops, parseHitCondition, passAt, stepText, stopPositions } from '../../core/debug/breakpoints';
import { evaluateCondition } from '../../core/debug/evaluate';
import { tapeScope, type GraphRuntime, type TapeView } from '../../core/debug/graphRuntime';
import { nodeKindText, nodeLabel } from '../../core/editor/nodeLabel';
import type { Graph } from '../../core/graph/graph';
import type { Tensor } from '../../core/tensor';
import * as l10n from '@vscode/l10n';

/** Why and where the debugger stopped, and what it tells the user. */
export interface Stop {
  readonly reason: 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'exception' | 'goto' | 'pause';
  readonly position: number;
  readonly description: string;
  readonly hitBreakpointIds?: readonly number[];
  /** `NaN` or `Infinity`, for a NaN stop. */
  readonly exceptionId?: string;
  /** A move made elsewhere (the panel): show it without taking the focus. */
  readonly preserveFocus?: boolean;
  /** Breakpoints whose hover changes with this stop (it says which pass hit them). */
  readonly changedBreakpoints?: readonly { readonly id: number; readonly verified: boolean; readonly message: string; readonly line?: number }[];
}

/** A breakpoint as the stop finder keeps it. */
export interface BreakpointState {
  readonly id: number;
  readonly kind: 'line' | 'function';
  /** 0-based line of a line breakpoint. */
  readonly line: number | null;
  /** The name of a function breakpoint. */
  readonly name: string | null;
  nodes: readonly number[];
  readonly condition: string | undefined;
  readonly hitConditionText: string | undefined;
  readonly hitCondition: ((hits: number) => boolean) | null;
  hits: number;
}

/** How a run moves: one step over groups, one step into them, out of the current group, or to the end of the pass. */
export type RunMode = 'over' | 'into' | 'out' | 'pass';

/** Hand the event loop back this often during a long run, so Pause (and everything else) is heard. */
const YIELD_EVERY_MS = 15;

/**
 * Where a run stops: breakpoints (line and function, with conditions and hit
 * counts) before a node runs, in either pass and either direction; the first
 * node making NaN or ±Infinity; the end of a pass; the edge of a group.
 */
export class StopFinder {
  /** The `nan` exception filter of the Breakpoints view. */
  breakOnNaN = true;
  /** The launch configuration's `stopOnNaN`. */
  stopOnNaN = true;
  lastStop: Stop | null = null;
  private nextId = 1;
  private lines: BreakpointState[] = [];
  private functions: BreakpointState[] = [];

  setLineBreakpoints(specs: readonly { line: number; nodes: readonly number[]; condition?: string; hitCondition?: string }[]): BreakpointState[] {
    this.lines = specs.map((s) => this.create('line', s.line, null, s.nodes, s.condition, s.hitCondition));
    return this.lines;
  }

  setFunctionBreakpoints(specs: readonly { name: string; nodes: readonly number[]; condition?: string; hitCondition?: string }[]): BreakpointState[] {
    this.functions = specs.map((s) => this.create('function', null, s.name, s.nodes, s.condition, s.hitCondition));
    return this.functions;
  }

  all(): readonly BreakpointState[] {
    return [...this.lines, ...this.functions];
  }

  resetHits(): void {
    for (const bp of this.all()) bp.hits = 0;
  }

  /** The positions a Jump to Cursor on this line can go to: before its first node in each pass. */
  positionsOfLine(tape: TapeView, line: number): number[] {
    const bp = this.lines.find((b) => b.line === line);
    const nodes = bp?.nodes ?? tape.graph.nodes.filter((n) => n.kind === 'op' && n.range.start.line === line).map((n) => n.id);
    return stopPositions(tape, nodes);
  }

  /**
   * Moves step by step from the current position by the rules of `mode`, and
   * says where and why it stopped. `checkStart`: the run begins where no stop
   * was reported yet (a launch without stopOnEntry), so a breakpoint there counts.
   */
  async run(runtime: GraphRuntime, direction: 1 | -1, mode: RunMode, startFocus: number | null, paused: () => boolean, checkStart = false): Promise<Stop> {
    let tape = (await runtime.view())!;
    if (checkStart) {
      const hit = this.breakpointAt(tape, tape.position);
      if (hit) return hit;
    }
    const graph = tape.graph;
    const p0 = tape.position;
    const f = tape.forwardSteps;
    const passEnd = direction === 1 ? (p0 < f ? f : tape.total) : p0 > f ? f : 0;
    const end = mode === 'pass' || mode === 'out' ? passEnd : direction === 1 ? tape.total : 0;
    const depth0 = callDepth(graph, startFocus);
    const group0 = startFocus === null ? null : graph.nodes[startFocus]!.group;
    let lastYield = performance.now();
    let q = p0;
    while (q !== end) {
      q += direction;
      await runtime.goTo(q, { quiet: true });
      tape = (await runtime.view())!;
      if (direction === 1 && this.breakOnNaN && this.stopOnNaN) {
        const made = nonFiniteOrigin(tape, q);
        if (made) return made;
      }
      const hit = this.breakpointAt(tape, q);
      if (hit) return hit;
      const upcoming = tape.nodeAtStep(q + 1);
      if (mode === 'into') break;
      if (mode === 'over' && (q === f || callDepth(graph, upcoming) <= depth0)) break;
      if (mode === 'out' && group0 !== null && !within(graph, upcoming, group0)) break;
      if (paused()) return { reason: 'pause', position: q, description: l10n.t('Paused at {0}', tape.describePosition()) };
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    return { reason: 'step', position: q, description: describeArrival(tape, q, mode, direction) };
  }

  /** The breakpoint that stops a run at position q (before the node that runs next), counting its hits. */
  private breakpointAt(tape: TapeView, q: number): Stop | null {
    const upcoming = tape.nodeAtStep(q + 1);
    if (upcoming === null) return null;
    const previous = q === 0 || q === tape.forwardSteps ? null : tape.nodeAtStep(q);
    for (const bp of this.all()) {
      if (!bp.nodes.includes(upcoming) || (previous !== null && bp.nodes.includes(previous))) continue;
      // An unreadable hit count leaves the breakpoint unverified (its hover says why): it never stops.
      if (!this.validHitCondition(bp.hitConditionText ?? '')) continue;
      if (bp.condition && bp.condition.trim() !== '') {
        const result = evaluateCondition(bp.condition, tapeScope(tape));
        if (!result.ok) return this.breakpointStop(tape, q, bp, upcoming, l10n.t("The condition '{0}' could not be evaluated: {1}", bp.condition, result.message));
        if (!result.holds) continue;
      }
      bp.hits++;
      if (bp.hitCondition && !bp.hitCondition(bp.hits)) continue;
      return this.breakpointStop(tape, q, bp, upcoming, null);
    }
    return null;
  }

  private breakpointStop(tape: TapeView, q: number, bp: BreakpointState, node: number, problem: string | null): Stop {
    const pass = passAt(tape, q);
    const line = tape.graph.nodes[node]!.range.start.line + 1;
    const where = pass === 'backward'
      ? l10n.t('before {0} (line {1}) in the backward pass, {2}', nodeLabel(tape.graph, node), line, stepText(tape, q))
      : l10n.t('before {0} (line {1}) in the forward pass, {2}', nodeLabel(tape.graph, node), line, stepText(tape, q));
    const description = problem ?? (bp.kind === 'function' ? l10n.t("Paused on function breakpoint '{0}' {1}", bp.name ?? '', where) : l10n.t('Paused on breakpoint {0}', where));
    const message = l10n.t('Hit {0}. {1}', where, describeStops(tape, bp.nodes));
    return {
      reason: bp.kind === 'function' ? 'function breakpoint' : 'breakpoint',
      position: q,
      description,
      hitBreakpointIds: [bp.id],
      changedBreakpoints: [{ id: bp.id, verified: true, message, ...(bp.line !== null ? { line: bp.line } : {}) }],
    };
  }

  validHitCondition(text: string): boolean {
    return text.trim() === '' || parseHitCondition(text) !== null;
  }

  private create(kind: 'line' | 'function', line: number | null, name: string | null, nodes: readonly number[], condition?: string, hitCondition?: string): BreakpointState {
    const hit = hitCondition && hitCondition.trim() !== '' ? parseHitCondition(hitCondition) : null;
    return { id: this.nextId++, kind, line, name, nodes, condition, hitConditionText: hitCondition, hitCondition: hit, hits: 0 };
  }
}

/** Groups a Step Over runs through as one step: function calls and opened composite ops (blocks are only drawn). */
function callDepth(graph: Graph, id: number | null): number {
  if (id === null) return 0;
  let depth = 0;
  for (let g = graph.nodes[id]!.group; g !== null; g = graph.groups[g]?.parent ?? null) {
    const kind = graph.groups[g]?.kind;
    if (kind === 'function' || kind === 'composite') depth++;
  }
  return depth;
}

function within(graph: Graph, id: number | null, group: number): boolean {
  if (id === null) return false;
  for (let g = graph.nodes[id]!.group; g !== null; g = graph.groups[g]?.parent ?? null) if (g === group) return true;
  return false;
}

/**
 * A stop when step q's node made NaN or ±Infinity from finite inputs: in the
 * forward pass its value, in the backward pass a gradient it sent back.
 */
function nonFiniteOrigin(tape: TapeView, q: number): Stop | null {
  const id = tape.nodeAtStep(q);
  if (id === null) return null;
  const graph = tape.graph;
  const node = graph.nodes[id]!;
  const inputsFinite = node.inputs.every((i) => firstNonFinite(tape.value(i)) === null);
  if (!inputsFinite) return null;
  const where = l10n.t('{0} ({1}, line {2})', nodeLabel(graph, id), nodeKindText(graph, id), node.range.start.line + 1);
  if (q <= tape.forwardSteps) {
    const bad = firstNonFinite(tape.value(id));
    if (bad === null) return null;
    return { reason: 'exception', position: q, exceptionId: bad !== bad ? 'NaN' : 'Infinity', description: l10n.t('{0} made {1} from finite inputs in the forward pass (forward step {2})', where, String(bad), q) };
  }
  if (firstNonFinite(tape.value(id)) !== null || firstNonFinite(tape.grad(id)) !== null) return null;
  for (let k = 0; k < node.inputs.length; k++) {
    const bad = firstNonFinite(tape.edgeGrad(id, k));
    if (bad === null) continue;
    const input = nodeLabel(graph, node.inputs[k]!);
    return { reason: 'exception', position: q, exceptionId: bad !== bad ? 'NaN' : 'Infinity', description: l10n.t('{0} sent {1} to the gradient of {2} from finite values in the backward pass (backward step {3})', where, String(bad), input, q - tape.forwardSteps) };
  }
  return null;
}

function firstNonFinite(t: Tensor | null): number | null {
  if (!t) return null;
  for (const x of t.data) if (!Number.isFinite(x)) return x;
  return null;
}

function describeArrival(tape: TapeView, q: number, mode: RunMode, direction: 1 | -1): string {
  if (q === tape.total) return l10n.t('The backward pass is done: every gradient has arrived (Step Back or Reverse Continue to go back, Restart to begin again)');
  if (q === 0) return direction === -1 ? l10n.t('Back at the start, before the first step') : l10n.t('Before the first step');
  if (q === tape.forwardSteps && (mode === 'pass' || mode === 'out')) {
    return direction === 1 ? l10n.t('The forward pass is done: Continue runs the backward pass') : l10n.t('Back at the end of the forward pass');
  }
  return direction === 1 ? l10n.t('Stepped to {0}: {1} runs next', tape.describePosition(), stepText(tape, q)) : l10n.t('Stepped back to {0}: {1} runs next', tape.describePosition(), stepText(tape, q));
}
