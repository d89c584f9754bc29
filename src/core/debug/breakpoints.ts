import type { Graph, GraphNode } from '../graph/graph';
import { nodeLabel } from '../editor/nodeLabel';
import { opByName } from '../ops/registry';
import type { TapeView } from './graphRuntime';
import * as l10n from '@vscode/l10n';

/** Where a node stands on the tape: the step that runs it forward, and the one that runs its backward. */
export interface NodeSteps {
  readonly forward: number | null;
  readonly backward: number | null;
}

/** Which pass a position's next step belongs to: forward before F, backward from F on, none at the end. */
export function passAt(tape: TapeView, position: number): 'forward' | 'backward' | 'done' {
  if (position < tape.forwardSteps) return 'forward';
  return position < tape.total ? 'backward' : 'done';
}

/**
 * The op nodes a line breakpoint on `line` (0-based) means: the operations
 * that start on that line, else those of the statement the line belongs to
 * (a continuation line of a bracketed statement).
 */
export function nodesOnLine(graph: Graph, line: number): number[] {
  const ops = graph.nodes.filter((n) => n.kind === 'op');
  const starting = ops.filter((n) => n.range.start.line === line);
  if (starting.length > 0) return starting.map((n) => n.id);
  return ops.filter((n) => n.statementRange.start.line <= line && line <= n.statementRange.end.line).map((n) => n.id);
}

/**
 * The op nodes a function breakpoint names: a variable bound to an
 * operation (`apple_sum`), an operation (`relu`, `mul`, `MulLayer`), or a
 * function or group label (`affine_relu`), whose nodes all count.
 */
export function nodesNamed(graph: Graph, name: string): number[] {
  const op = opByName(name);
  const groups = new Set(graph.groups.filter((g) => g.label === name).map((g) => g.id));
  return graph.nodes
    .filter((n) => n.kind === 'op' && (n.name === name || (op !== undefined && n.op === op.name) || inAnyGroup(graph, n, groups)))
    .map((n) => n.id);
}

function inAnyGroup(graph: Graph, node: GraphNode, groups: ReadonlySet<number>): boolean {
  if (groups.size === 0) return false;
  for (let g = node.group; g !== null; g = graph.groups[g]?.parent ?? null) if (groups.has(g)) return true;
  return false;
}

/** The steps that run a node: its forward step and its backward step (1-based positions of those steps), if any. */
export function stepsOfNode(tape: TapeView, id: number): NodeSteps {
  const f = tape.forwardPlan.indexOf(id);
  const b = tape.backwardPlan.indexOf(id);
  return { forward: f < 0 ? null : f + 1, backward: b < 0 ? null : tape.forwardSteps + b + 1 };
}

/**
 * The positions where a breakpoint on these nodes stops: before each run of
 * the nodes' steps, but once per entry (the first of several nodes of one line
 * in a pass stops; the ones right after it in the same pass do not).
 */
export function stopPositions(tape: TapeView, nodes: readonly number[]): number[] {
  const wanted = new Set(nodes);
  const out: number[] = [];
  for (let q = 0; q < tape.total; q++) {
    const upcoming = tape.nodeAtStep(q + 1)!;
    if (!wanted.has(upcoming)) continue;
    const previous = q === tape.forwardSteps || q === 0 ? null : tape.nodeAtStep(q);
    if (previous !== null && wanted.has(previous)) continue;
    out.push(q);
  }
  return out;
}

/**
 * A breakpoint's hit count condition: `5` or `>= 5` (from the fifth hit on),
 * `> 5`, `== 5` or `= 5` (the fifth only), `< 5`, `<= 5`, `% 5` (every
 * fifth). Null when the text is none of these.
 */
export function parseHitCondition(text: string): ((hits: number) => boolean) | null {
  const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  const n = Number(m[2]);
  switch (m[1]) {
    case undefined:
    case '>=':
      return (h) => h >= n;
    case '>':
      return (h) => h > n;
    case '=':
    case '==':
      return (h) => h === n;
    case '<':
      return (h) => h < n;
    case '<=':
      return (h) => h <= n;
    default:
      return n === 0 ? null : (h) => h % n === 0;
  }
}

/** A breakpoint's hover: before which nodes it stops, in the forward pass and again in the backward pass. */
export function describeStops(tape: TapeView, nodes: readonly number[]): string {
  const forward: number[] = [];
  const backward: number[] = [];
  for (const id of nodes) {
    const s = stepsOfNode(tape, id);
    if (s.forward !== null) forward.push(s.forward);
    if (s.backward !== null) backward.push(s.backward - tape.forwardSteps);
  }
  const names = [...new Set(nodes.map((id) => nodeLabel(tape.graph, id)))].join(', ');
  return backward.length > 0
    ? l10n.t('Stops before {0} runs: in the forward pass (forward step {1}) and again in the backward pass (backward step {2})', names, forward.join(', '), backward.join(', '))
    : l10n.t('Stops before {0} runs: in the forward pass (forward step {1}) (not in the backward pass: the output does not depend on it)', names, forward.join(', '));
}

/** "forward step 1 of 4" / "backward step 2 of 4" for the step that runs from `position`. */
export function stepText(tape: TapeView, position: number): string {
  return position < tape.forwardSteps ? l10n.t('forward step {0} of {1}', position + 1, tape.forwardSteps) : l10n.t('backward step {0} of {1}', position + 1 - tape.forwardSteps, tape.backwardSteps);
}
