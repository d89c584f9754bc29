import * as fs from 'node:fs';
import type { CheckOptions, CheckResult } from '../core/check';
import { gradientCheck } from '../core/engine/gradcheck';
import { Stepper } from '../core/engine/stepper';
import { formatNumber, formatTensorSummary, jsonNumber, tensorToJson } from '../core/format';
import type { Graph } from '../core/graph/graph';
import type { Diagnostic } from '../core/language/range';
import type { Tensor } from '../core/tensor';
import { checkFile } from '../node/checkFile';
import { parseCommandLine, type CommandLine, type OptionSpecs } from './options';
import * as l10n from '@vscode/l10n';

/** Most work (multiply-adds of one pass over the tape) `graphstep check` spends running the tape: well under a second. */
export const CHECK_MAX_EVALUATION_COST = 1e8;

/** How messages name the folder `load()` may read from. */
export const ROOT_NAME = "the root folder (--root DIR, default the .nn file's folder)";

/** Where a command writes. */
export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** `FILE:LINE:COL: error: MESSAGE`, 1-based, as compilers print. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}`;
}

export interface Parsed {
  readonly file: string;
  /** The option values by long name (`json: true`). */
  readonly values: CommandLine['values'];
  /** `--root DIR`: the folder `load()` may read from; default the file's own folder. */
  readonly root: string | undefined;
}

/** `--json` and `--expand`, which run, trace and gradcheck take. */
const JSON_AND_EXPAND: OptionSpecs = { json: { type: 'boolean' }, expand: { type: 'boolean' } };

/** Parses the command line of a command that takes one FILE; prints the problem and gives null when it does not parse. */
export function parseFileCommand(argv: readonly string[], specs: OptionSpecs, io: CliIo): Parsed | null {
  const line = parseCommandLine(argv, specs);
  if (typeof line === 'string') {
    io.stderr(`graphstep: ${line}\n`);
    return null;
  }
  if (line.positionals.length !== 1) {
    io.stderr(l10n.t('graphstep: expected one FILE, found {0}', line.positionals.length) + '\n');
    return null;
  }
  return { file: line.positionals[0]!, values: line.values, root: line.root };
}

/** Reads and checks the file, printing its diagnostics to stderr; null when the file is missing or has an error. */
export function load(parsed: Parsed, io: CliIo, printWarnings = true, options: CheckOptions = {}): (CheckResult & { graph: Graph }) | null {
  const file = parsed.file;
  if (!fs.existsSync(file)) {
    io.stderr(l10n.t('graphstep: expected a .nn file, found no file at {0}', file) + '\n');
    return null;
  }
  const result = checkFile(file, { ...options, root: parsed.root, rootName: ROOT_NAME });
  for (const d of result.diagnostics) if (d.severity === 'error' || printWarnings) io.stderr(formatDiagnostic(file, d) + '\n');
  if (!result.graph) return null;
  return result as CheckResult & { graph: Graph };
}

export function runCheck(args: readonly string[], io: CliIo): number {
  const parsed = parseFileCommand(args, {}, io);
  if (!parsed) return 2;
  if (!fs.existsSync(parsed.file)) {
    io.stderr(l10n.t('graphstep: expected a .nn file, found no file at {0}', parsed.file) + '\n');
    return 1;
  }
  // a check runs the tape (for NaN warnings and value errors) only when that is cheap
  // a check draws nothing: the graph's groups (blocks of lines, calls) are left out
  const result = checkFile(parsed.file, { root: parsed.root, rootName: ROOT_NAME, maxEvaluationCost: CHECK_MAX_EVALUATION_COST, groups: false });
  for (const d of result.diagnostics) io.stdout(formatDiagnostic(parsed.file, d) + '\n');
  if (result.evaluationSkipped) {
    io.stdout(l10n.t('{0}: note: values not checked: one pass over the tape costs about {1} multiply-adds, more than a check spends ({2}); run it to see NaN warnings', parsed.file, result.cost.toExponential(1), CHECK_MAX_EVALUATION_COST.toExponential(0)) + '\n');
  }
  return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

export function runRun(args: readonly string[], io: CliIo): number {
  const parsed = parseFileCommand(args, JSON_AND_EXPAND, io);
  if (!parsed) return 2;
  const result = load(parsed, io, !parsed.values['json'] === true, parsed.values['expand'] === true ? { expand: 'all' } : {});
  if (!result) return 1;
  const stepper = new Stepper(result.graph);
  stepper.runBackward();
  if (parsed.values['json'] === true) io.stdout(JSON.stringify(runJson(stepper)) + '\n');
  else io.stdout(runTable(stepper));
  return 0;
}

/** The `run --json` object (README, "The command line"); a node in a group also names its innermost group. */
export function runJson(stepper: Stepper): object {
  const graph = stepper.graph;
  const out = graph.output === null ? null : graph.nodes[graph.output]!;
  return {
    output: out ? (out.name ?? null) : null,
    steps: { forward: stepper.forwardSteps, backward: stepper.backwardSteps },
    nodes: graph.nodes.map((n) => {
      const node: Record<string, unknown> = {
        id: n.id,
        name: n.name,
        kind: n.kind,
        op: n.op,
        inputs: n.inputs,
        line: n.range.start.line + 1,
        shape: n.shape,
        value: jsonTensor(stepper.value(n.id)),
        grad: jsonTensor(stepper.grad(n.id)),
      };
      // added, not spread in: a copy of each of 100,000 nodes showed
      if (n.group !== null) {
        const group = graph.groups[n.group]!;
        node['group'] = { key: group.key, kind: group.kind, label: group.label };
      }
      return node;
    }),
  };
}

function jsonTensor(t: Tensor | null): unknown {
  return t ? tensorToJson(t) : null;
}

/** The width of each column: its longest cell, capped (a loop: a table may have 100,000 rows, more than a spread call takes). */
function columnWidths(rows: readonly (readonly string[])[], cap: number): number[] {
  const widths = rows[0]!.map(() => 0);
  for (const r of rows) r.forEach((cell, c) => (widths[c] = Math.max(widths[c]!, Math.min(cell.length, cap))));
  return widths;
}

export function runTable(stepper: Stepper): string {
  const rows = [['id', 'name', 'kind', 'op', 'shape', 'value', 'grad']];
  for (const n of stepper.graph.nodes) {
    rows.push([String(n.id), n.name ?? '', n.kind, n.op, `[${n.shape.join(',')}]`, show(stepper.value(n.id)), show(stepper.grad(n.id))]);
  }
  const widths = columnWidths(rows, 60);
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${l10n.t('output: {0}   steps: forward {1}, backward {2}', outName(stepper), stepper.forwardSteps, stepper.backwardSteps)}\n\n${lines.join('\n')}\n`;
}

function outName(stepper: Stepper): string {
  const id = stepper.graph.output;
  return id === null ? '(none)' : (stepper.graph.nodes[id]!.name ?? `#${id}`);
}

function show(t: Tensor | null): string {
  if (!t) return '-';
  return t.rank === 0 ? formatNumber(t.data[0]!) : formatTensorSummary(t, 6).replace(/\s*\n\s*/g, ' ');
}

export function runTrace(args: readonly string[], io: CliIo): number {
  const parsed = parseFileCommand(args, JSON_AND_EXPAND, io);
  if (!parsed) return 2;
  if (!parsed.values['json'] === true) {
    io.stderr(l10n.t('graphstep: trace prints JSON only: expected --json') + '\n');
    return 2;
  }
  const result = load(parsed, io, false, parsed.values['expand'] === true ? { expand: 'all' } : {});
  if (!result) return 1;
  const stepper = new Stepper(result.graph);
  const steps: object[] = [];
  while (stepper.next()) {
    const id = stepper.currentNode!;
    const node = result.graph.nodes[id]!;
    const set: object[] = [];
    if (stepper.phase === 'forward') {
      set.push({ node: id, value: jsonTensor(stepper.value(id)) });
    } else {
      if (stepper.position === stepper.forwardSteps + 1 && result.graph.output !== null) {
        set.push({ node: result.graph.output, grad: jsonTensor(stepper.grad(result.graph.output)), seed: true });
      }
      node.inputs.forEach((input, k) => {
        const edge = stepper.edgeGrad(id, k);
        if (!edge) return;
        const c = stepper.contributions(input);
        set.push({ node: input, edge: jsonTensor(edge), grad: jsonTensor(stepper.grad(input)), arrived: c.arrived, expected: c.expected });
      });
    }
    steps.push({ position: stepper.position, phase: stepper.phase, node: id, name: node.name, op: node.op, set });
  }
  io.stdout(JSON.stringify({ output: outName(stepper), steps: { forward: stepper.forwardSteps, backward: stepper.backwardSteps }, trace: steps }) + '\n');
  return 0;
}

export function runGradcheck(args: readonly string[], io: CliIo): number {
  const parsed = parseFileCommand(args, JSON_AND_EXPAND, io);
  if (!parsed) return 2;
  const result = load(parsed, io, true, parsed.values['expand'] === true ? { expand: 'all' } : {});
  if (!result) return 1;
  const report = gradientCheck(result.graph, () => performance.now());
  if (parsed.values['json'] === true) {
    const entry = (e: { index: number; analytic: number; numeric: number; absError: number; relError: number }): object => ({
      index: e.index,
      analytic: jsonNumber(e.analytic),
      numeric: jsonNumber(e.numeric),
      absError: jsonNumber(e.absError),
      relError: jsonNumber(e.relError),
    });
    const leaves = report.leaves.map((l) => ({
      ...l,
      maxAbsError: jsonNumber(l.maxAbsError),
      maxRelError: jsonNumber(l.maxRelError),
      worst: l.worst && { index: l.worst.index, analytic: jsonNumber(l.worst.analytic), numeric: jsonNumber(l.worst.numeric) },
      failing: l.failing.map(entry),
    }));
    io.stdout(JSON.stringify({ ...report, leaves }) + '\n');
    return report.passed ? 0 : 1;
  }
  const rows = [['leaf', 'checked', 'kinks skipped', 'max abs error', 'max rel error', 'result']];
  for (const l of report.leaves) {
    const result = l.status === 'pass' ? 'ok' : l.status === 'fail' ? 'FAIL' : l10n.t('kinks only');
    rows.push([l.name, `${l.checked}/${l.size}`, String(l.skippedKinks), l.maxAbsError.toExponential(2), l.maxRelError.toExponential(2), result]);
  }
  const widths = columnWidths(rows, Infinity);
  io.stdout(rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n') + '\n');
  for (const l of report.leaves) {
    for (const e of l.failing) {
      io.stdout(l10n.t('  {0}[{1}]: backprop {2}, numerical {3}, |difference| {4} > {5}', l.name, e.index, formatNumber(e.analytic), formatNumber(e.numeric), formatNumber(e.absError), formatNumber(report.atol + report.rtol * Math.abs(e.numeric))) + '\n');
    }
  }
  const checked = report.leaves.reduce((n, l) => n + l.checked, 0);
  const kinks = report.leaves.reduce((n, l) => n + l.skippedKinks, 0);
  const size = report.leaves.reduce((n, l) => n + l.size, 0);
  io.stdout(
    '\n' + l10n.t('checked {0} of {1} entries', checked, size) +
      (kinks > 0 ? l10n.t('; {0} skipped as kinks (a probe x ± h or x ± 2h moved a relu or abs input across 0 or changed the element a max picks, where the gradient is not defined)', kinks) : '') +
      '\n' + l10n.t('pass rule: {0}, atol = {1}, rtol = {2} (five-point difference, h = {3})', report.rule, report.atol.toExponential(), report.rtol.toExponential(), report.step.toExponential()) + '\n' +
      l10n.t('numerical: {0} forward evaluations, {1} ms; backprop: 1 forward + 1 backward pass, {2} ms', report.evaluations, report.numericMs.toFixed(1), report.backpropMs.toFixed(2)) + '\n' +
      (report.passed ? l10n.t('gradcheck passed') + '\n' : l10n.t('gradcheck FAILED: {0}', report.leaves.filter((l) => !l.passed).map((l) => l.name).join(', ')) + '\n'),
  );
  return report.passed ? 0 : 1;
}
