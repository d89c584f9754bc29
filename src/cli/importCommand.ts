import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MAX_TENSOR_ELEMENTS } from '../core/check';
import { importModel } from '../core/onnx/importModel';
import type { CliIo } from './commands';

const USAGE = 'usage: graphstep import MODEL.onnx -o OUT.nn [--input NAME=FILE.npy]...';

interface ImportArgs {
  readonly model: string;
  readonly out: string;
  readonly inputs: ReadonlyMap<string, string>;
}

function parse(args: readonly string[]): ImportArgs | string {
  let model: string | null = null;
  let out: string | null = null;
  const inputs = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === '--output') {
      out = args[++i] ?? null;
      if (out === null) return `expected a .nn file name after ${a}`;
    } else if (a === '--input') {
      const v = args[++i];
      const eq = v?.indexOf('=') ?? -1;
      if (v === undefined || eq <= 0 || eq === v.length - 1) return `expected NAME=FILE.npy after --input, found '${v ?? ''}'`;
      inputs.set(v.slice(0, eq), v.slice(eq + 1));
    } else if (a.startsWith('-')) return `expected -o or --input, found '${a}'`;
    else if (model === null) model = a;
    else return `expected one MODEL.onnx, found a second: '${a}'`;
  }
  if (model === null) return 'expected MODEL.onnx';
  if (out === null) return 'expected -o OUT.nn';
  if (!out.endsWith('.nn')) return `expected the output to be a .nn file, found '${out}'`;
  return { model, out, inputs };
}

/**
 * `graphstep import MODEL.onnx -o OUT.nn`: writes OUT.nn and its `.npy`
 * files beside it, or nothing when the model cannot be imported.
 */
export function importCommand(argv: readonly string[], io: CliIo): number {
  const args = parse(argv);
  if (typeof args === 'string') {
    io.stderr(`graphstep import: ${args}\n${USAGE}\n`);
    return 2;
  }
  const read = (file: string): Uint8Array | string => {
    try {
      return fs.readFileSync(file);
    } catch (e) {
      return `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`;
    }
  };
  const bytes = read(args.model);
  if (typeof bytes === 'string') {
    io.stderr(`graphstep import: ${bytes}\n`);
    return 1;
  }
  const inputs = new Map<string, { fileName: string; bytes: Uint8Array }>();
  for (const [name, file] of args.inputs) {
    const b = read(file);
    if (typeof b === 'string') {
      io.stderr(`graphstep import: --input ${name}: ${b}\n`);
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
    io.stderr(`graphstep import: cannot write ${args.out}: ${(e as Error).message}\n`);
    return 1;
  }
  const statements = imported.model.text.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('#')).length;
  io.stdout(`wrote ${args.out} (${statements} statements) and ${imported.model.files.length} .npy file${imported.model.files.length === 1 ? '' : 's'} beside it\n`);
  return 0;
}
