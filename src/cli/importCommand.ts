import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MAX_TENSOR_ELEMENTS } from '../core/check';
import { importModel } from '../core/onnx/importModel';
import type { CliIo } from './commands';
import { parseCommandLine } from './options';
import * as l10n from '@vscode/l10n';

const USAGE = 'usage: graphstep import MODEL.onnx -o OUT.nn [--input NAME=FILE.npy]...';

interface ImportArgs {
  readonly model: string;
  readonly out: string;
  readonly inputs: ReadonlyMap<string, string>;
}

function parse(argv: readonly string[]): ImportArgs | string {
  const line = parseCommandLine(argv, { output: { type: 'string', short: 'o', value: 'OUT.nn' }, input: { type: 'string', multiple: true, value: 'NAME=FILE.npy' } });
  if (typeof line === 'string') return line;
  const [model, second] = line.positionals;
  if (model === undefined) return l10n.t('expected MODEL.onnx');
  if (second !== undefined) return l10n.t("expected one MODEL.onnx, found a second: '{0}'", second);
  const out = line.values['output'];
  if (typeof out !== 'string') return l10n.t('expected -o OUT.nn');
  if (!out.endsWith('.nn')) return l10n.t("expected the output to be a .nn file, found '{0}'", out);
  const inputs = new Map<string, string>();
  for (const v of (line.values['input'] as string[] | undefined) ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) return l10n.t("expected NAME=FILE.npy after --input, found '{0}'", v);
    inputs.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return { model, out, inputs };
}

/**
 * `graphstep import MODEL.onnx -o OUT.nn`: writes OUT.nn and its `.npy`
 * files beside it, or nothing when the model cannot be imported.
 */
export function importCommand(argv: readonly string[], io: CliIo): number {
  const args = parse(argv);
  if (typeof args === 'string') {
    io.stderr(`${l10n.t('graphstep import: {0}', args)}\n${USAGE}\n`);
    return 2;
  }
  const read = (file: string): Uint8Array | string => {
    try {
      return fs.readFileSync(file);
    } catch (e) {
      return l10n.t('cannot read {0}: {1}', file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? l10n.t('no such file') : (e as Error).message);
    }
  };
  const bytes = read(args.model);
  if (typeof bytes === 'string') {
    io.stderr(l10n.t('graphstep import: {0}', bytes) + '\n');
    return 1;
  }
  const inputs = new Map<string, { fileName: string; bytes: Uint8Array }>();
  for (const [name, file] of args.inputs) {
    const b = read(file);
    if (typeof b === 'string') {
      io.stderr(l10n.t('graphstep import: --input {0}: {1}', name, b) + '\n');
      return 1;
    }
    inputs.set(name, { fileName: file, bytes: b });
  }
  const stem = path.basename(args.out, '.nn');
  const imported = importModel(bytes, { modelName: path.basename(args.model), outputStem: stem, inputs, maxElements: DEFAULT_MAX_TENSOR_ELEMENTS });
  if (!imported.ok) {
    io.stderr(`${args.model}: error: ${imported.message}\n`);
    return 1;
  }
  const folder = path.dirname(path.resolve(args.out));
  const written: string[] = [];
  try {
    fs.mkdirSync(folder, { recursive: true });
    for (const f of imported.model.files) {
      const target = path.join(folder, f.fileName);
      fs.writeFileSync(target, f.bytes);
      written.push(target);
    }
    fs.writeFileSync(args.out, imported.model.text);
  } catch (e) {
    for (const w of written) fs.rmSync(w, { force: true });
    io.stderr(l10n.t('graphstep import: cannot write {0}: {1}', args.out, (e as Error).message) + '\n');
    return 1;
  }
  const statements = imported.model.text.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('#')).length;
  io.stdout((imported.model.files.length === 1 ? l10n.t('wrote {0} ({1} statements) and 1 .npy file beside it', args.out, statements) : l10n.t('wrote {0} ({1} statements) and {2} .npy files beside it', args.out, statements, imported.model.files.length)) + '\n');
  return 0;
}
