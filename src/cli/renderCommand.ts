import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stepper } from '../core/engine/stepper';
import { TapeRun } from '../core/engine/tapeRun';
import { drawableGraph } from '../core/render/drawableGraph';
import { drawingStateOf, type StepSource } from '../core/render/drawingState';
import { layoutGraph, type GraphView, type LayoutDirection } from '../core/render/layout';
import { labelsDrawn, renderSvg } from '../core/render/renderSvg';
import { checkFile } from '../node/checkFile';
import { formatDiagnostic, ROOT_NAME } from './commands';
import { parseCommandLine, type OptionSpecs } from './options';
import * as l10n from '@vscode/l10n';

const USAGE = 'usage: graphstep render FILE -o OUT.svg [--step N] [--view operations|values] [--direction LR|TB] [--precision DIGITS] [--expand] [--root DIR]';

interface RenderArgs {
  readonly file: string;
  readonly out: string;
  readonly step: number | null;
  readonly view: GraphView;
  readonly direction: LayoutDirection;
  readonly precision: number;
  readonly root: string | undefined;
  /** Open every composite op into its elementary ops. */
  readonly expand: boolean;
}

const OPTIONS: OptionSpecs = {
  output: { type: 'string', short: 'o', value: 'OUT.svg' },
  step: { type: 'string', value: 'N' },
  view: { type: 'string', value: 'operations|values' },
  direction: { type: 'string', value: 'LR|TB' },
  precision: { type: 'string', value: 'DIGITS' },
  expand: { type: 'boolean' },
};

function parse(argv: readonly string[]): RenderArgs | string {
  const line = parseCommandLine(argv, OPTIONS);
  if (typeof line === 'string') return line;
  const v = line.values as Readonly<Record<string, string | undefined>>;
  const [file, second] = line.positionals;
  if (file === undefined) return 'expected a FILE';
  if (second !== undefined) return l10n.t("expected one FILE, found '{0}' and '{1}'", file, second);
  if (v['output'] === undefined) return l10n.t('expected -o OUT.svg');
  if (v['step'] !== undefined && !/^\d+$/.test(v['step'])) return l10n.t("expected a step number (0, 1, 2...) after --step, found '{0}'", v['step']);
  const view = v['view'] ?? 'operations';
  if (view !== 'operations' && view !== 'values') return l10n.t("expected 'operations' or 'values' after --view, found '{0}'", view);
  const direction = v['direction'] ?? 'LR';
  if (direction !== 'LR' && direction !== 'TB') return l10n.t("expected 'LR' or 'TB' after --direction, found '{0}'", direction);
  const precision = v['precision'] ?? '4';
  if (!/^\d+$/.test(precision) || Number(precision) < 1 || Number(precision) > 17) return l10n.t("expected 1 to 17 significant digits after --precision, found '{0}'", precision);
  return {
    file,
    out: v['output'],
    step: v['step'] === undefined ? null : Number(v['step']),
    view,
    direction,
    precision: Number(precision),
    expand: line.values['expand'] === true,
    root: line.root,
  };
}

/** `graphstep render FILE -o OUT.svg [--step N]`: the graph at position N (default: every step done) as a standalone SVG. */
export function renderCommand(args: string[], io: { stdout(s: string): void; stderr(s: string): void }): number {
  const parsed = parse(args);
  if (typeof parsed === 'string') {
    io.stderr(`${l10n.t('graphstep render: {0}', parsed)}\n${USAGE}\n`);
    return 1;
  }
  if (!fs.existsSync(parsed.file)) {
    io.stderr(l10n.t('graphstep render: expected a .nn file, found no file at {0}', parsed.file) + '\n');
    return 1;
  }
  const result = checkFile(parsed.file, { ...(parsed.expand ? { expand: 'all' as const } : {}), root: parsed.root, rootName: ROOT_NAME, keepEvaluation: true });
  for (const d of result.diagnostics) io.stderr(formatDiagnostic(parsed.file, d) + '\n');
  if (!result.graph) return 1;
  // The check ran the whole tape already: a drawing of its end reads that run, another position is stepped to.
  const run = result.evaluated ?? new TapeRun(result.graph).runToEnd();
  const step = parsed.step ?? run.total;
  if (step > run.total) {
    io.stderr(l10n.t('graphstep render: expected --step between 0 and {0}, found {1}', run.total, step) + '\n');
    return 1;
  }
  let stepper: StepSource = run;
  if (step !== run.total) {
    const at = new Stepper(result.graph);
    at.goTo(step);
    stepper = at;
  }
  const drawable = drawableGraph(result.graph);
  const layout = layoutGraph(drawable, parsed.view, { direction: parsed.direction });
  // Only what the drawing shows is labelled (a large file's groups are drawn collapsed, a box each).
  const svg = renderSvg(drawable, layout, drawingStateOf(stepper, labelsDrawn(layout), { precision: parsed.precision }), { heading: path.basename(parsed.file) });
  try {
    fs.writeFileSync(parsed.out, svg);
  } catch (e) {
    io.stderr(l10n.t('graphstep render: could not write {0}: {1}', parsed.out, (e as Error).message) + '\n');
    return 1;
  }
  io.stdout(`${parsed.out}: ${stepper.describePosition()}\n`);
  return 0;
}
