import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stepper } from '../core/engine/stepper';
import { drawableGraph } from '../core/render/drawableGraph';
import { drawingState } from '../core/render/drawingState';
import { layoutGraph, type GraphView, type LayoutDirection } from '../core/render/layout';
import { renderSvg } from '../core/render/renderSvg';
import { checkFile } from '../node/checkFile';
import { formatDiagnostic, ROOT_NAME, takeRoot } from './commands';

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

function parse(argv: readonly string[]): RenderArgs | string {
  const taken = takeRoot(argv);
  if (typeof taken === 'string') return taken;
  const args = taken.rest;
  let file: string | null = null;
  let out: string | null = null;
  let step: number | null = null;
  let view: GraphView = 'operations';
  let direction: LayoutDirection = 'LR';
  let precision = 4;
  let expand = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    if (a === '-o' || a === '--output') {
      out = value() ?? null;
      if (out === null) return `expected a file name after ${a}`;
    } else if (a === '--step') {
      const v = value();
      if (v === undefined || !/^\d+$/.test(v)) return `expected a step number (0, 1, 2...) after --step, found '${v ?? ''}'`;
      step = Number(v);
    } else if (a === '--view') {
      const v = value();
      if (v !== 'operations' && v !== 'values') return `expected 'operations' or 'values' after --view, found '${v ?? ''}'`;
      view = v;
    } else if (a === '--direction') {
      const v = value();
      if (v !== 'LR' && v !== 'TB') return `expected 'LR' or 'TB' after --direction, found '${v ?? ''}'`;
      direction = v;
    } else if (a === '--precision') {
      const v = value();
      if (v === undefined || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 17) return `expected 1 to 17 significant digits after --precision, found '${v ?? ''}'`;
      precision = Number(v);
    } else if (a === '--expand') {
      expand = true;
    } else if (a.startsWith('-')) return `expected -o, --step, --view, --direction, --precision, --expand or --root, found '${a}'`;
    else if (file === null) file = a;
    else return `expected one FILE, found '${file}' and '${a}'`;
  }
  if (file === null) return 'expected a FILE';
  if (out === null) return 'expected -o OUT.svg';
  return { file, out, step, view, direction, precision, expand, root: taken.root };
}

/** `graphstep render FILE -o OUT.svg [--step N]`: the graph at position N (default: every step done) as a standalone SVG. */
export function renderCommand(args: string[], io: { stdout(s: string): void; stderr(s: string): void }): number {
  const parsed = parse(args);
  if (typeof parsed === 'string') {
    io.stderr(`graphstep render: ${parsed}\n${USAGE}\n`);
    return 1;
  }
  if (!fs.existsSync(parsed.file)) {
    io.stderr(`graphstep render: expected a .nn file, found no file at ${parsed.file}\n`);
    return 1;
  }
  const result = checkFile(parsed.file, { ...(parsed.expand ? { expand: 'all' as const } : {}), root: parsed.root, rootName: ROOT_NAME });
  for (const d of result.diagnostics) io.stderr(formatDiagnostic(parsed.file, d) + '\n');
  if (!result.graph) return 1;
  const stepper = new Stepper(result.graph);
  const step = parsed.step ?? stepper.total;
  if (step > stepper.total) {
    io.stderr(`graphstep render: expected --step between 0 and ${stepper.total}, found ${step}\n`);
    return 1;
  }
  stepper.goTo(step);
  const drawable = drawableGraph(result.graph);
  const svg = renderSvg(drawable, layoutGraph(drawable, parsed.view, { direction: parsed.direction }), drawingState(stepper, { precision: parsed.precision }), { heading: path.basename(parsed.file) });
  try {
    fs.writeFileSync(parsed.out, svg);
  } catch (e) {
    io.stderr(`graphstep render: could not write ${parsed.out}: ${(e as Error).message}\n`);
    return 1;
  }
  io.stdout(`${parsed.out}: ${stepper.describePosition()}\n`);
  return 0;
}
