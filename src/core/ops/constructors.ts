import { excerpt } from '../language/excerpt';
import { rand, randn, isValidSeed } from '../random';
import { shapeLimitProblem, shapeText } from './limits';
import { Tensor, sizeOf, type Shape } from '../tensor';
import type { ConstArg, ConstArgs, ConstructorContext, ConstructorDef, ConstructorResult } from './constructorDef';
import { loadTensor } from './loadFile';
import * as l10n from '@vscode/l10n';

/*
 * Leaf constructors: evaluated once when the file is loaded. `shape()` checks
 * every argument and gives the size before anything is allocated.
 */

type ShapeCheck = ReturnType<ConstructorDef['shape']>;
type Problem = { readonly ok: false; readonly message: string; readonly argIndex?: number; readonly keyword?: string };

const problem = (message: string, where: { argIndex?: number; keyword?: string } = {}): Problem => ({ ok: false, message, ...where });

function describe(arg: ConstArg): string {
  if (typeof arg === 'string') return JSON.stringify(excerpt(arg));
  if (arg.rank === 0) return String(arg.data[0]);
  return l10n.t('a tensor of shape {0}', shapeText(arg.shape));
}

/** A scalar argument's number, or null. */
function scalarOf(arg: ConstArg | undefined): number | null {
  return arg !== undefined && typeof arg !== 'string' && arg.rank === 0 ? arg.data[0]! : null;
}

function isDim(v: number | null): v is number {
  return v !== null && Number.isInteger(v) && v >= 0;
}

/**
 * The dimensions `d...` given as positional arguments (or, as numpy allows,
 * one 1-D tensor of them).
 */
function dimsOf(name: string, args: ConstArgs): Shape | Problem {
  const p = args.positional;
  const only = p[0];
  if (p.length === 1 && only !== undefined && typeof only !== 'string' && only.rank === 1) {
    const dims = Array.from(only.data);
    const bad = dims.findIndex((d) => !isDim(d));
    return bad < 0 ? dims : problem(l10n.t('{0}: expected non-negative whole dimensions, found {1} in {2}', name, String(dims[bad]), shapeText(dims)), { argIndex: 0 });
  }
  const dims: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = scalarOf(p[i]);
    if (!isDim(v)) return problem(l10n.t('{0}: expected dimension {1} to be a non-negative whole number, found {2}', name, i + 1, describe(p[i]!)), { argIndex: i });
    dims.push(v);
  }
  return dims;
}

function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;
}

function unknownKeyword(name: string, args: ConstArgs, allowed: readonly string[]): Problem | null {
  for (const key of args.keywords.keys()) {
    if (!allowed.includes(key)) {
      const wanted = allowed.length ? l10n.t('one of the keywords {0}', allowed.join(', ')) : l10n.t('no keyword arguments');
      return problem(l10n.t("{0}: expected {1}, found '{2}'", name, wanted, excerpt(key)), { keyword: key });
    }
  }
  return null;
}

/** A constructor whose shape follows from its arguments alone; `make` runs only after `shape` passed. */
function sized(
  name: string,
  signature: string,
  doc: string,
  keywords: readonly string[],
  shapeOf: (args: ConstArgs) => Shape | Problem,
  make: (shape: Shape, args: ConstArgs, ctx: ConstructorContext) => Tensor,
): ConstructorDef {
  const shape = (args: ConstArgs): ShapeCheck => {
    const kw = unknownKeyword(name, args, keywords);
    if (kw) return kw;
    const s = shapeOf(args);
    return isProblem(s) ? s : { ok: true, shape: s };
  };
  return {
    name,
    signature,
    doc,
    keywords,
    shape,
    build: (args, ctx): ConstructorResult => {
      const s = shape(args);
      if (!s.ok) return s;
      const dims = s.shape!;
      const limit = shapeLimitProblem(dims, ctx.maxElements);
      if (limit) return problem(`${name}: ${limit}`);
      return { ok: true, value: make(dims, args, ctx) };
    },
  };
}

/** The seed keyword, or the context's default; a message when it is not a 32-bit unsigned whole number. */
function seedOf(name: string, args: ConstArgs): Problem | null {
  const arg = args.keywords.get('seed');
  if (arg === undefined) return null;
  const v = scalarOf(arg);
  return v !== null && isValidSeed(v) ? null : problem(l10n.t('{0}: expected seed to be a whole number in 0..4294967295, found {1}', name, describe(arg)), { keyword: 'seed' });
}

function seedValue(args: ConstArgs, ctx: ConstructorContext): number {
  return scalarOf(args.keywords.get('seed')) ?? ctx.defaultSeed >>> 0;
}

function seededDims(name: string) {
  return (args: ConstArgs): Shape | Problem => seedOf(name, args) ?? dimsOf(name, args);
}

export const zeros = sized('zeros', 'zeros(d1, d2, ...)', 'A tensor of zeros with the given dimensions (none: a scalar).', [], (a) => dimsOf('zeros', a), (s) => Tensor.filled(s, 0));

export const ones = sized('ones', 'ones(d1, d2, ...)', 'A tensor of ones with the given dimensions.', [], (a) => dimsOf('ones', a), (s) => Tensor.filled(s, 1));

export const full = sized(
  'full',
  'full(d1, d2, ..., value=v)',
  'A tensor of the given dimensions, every element v.',
  ['value'],
  (args) => {
    const value = args.keywords.get('value');
    if (value === undefined) return problem(l10n.t('full: expected value=v (the fill value), found none'));
    if (scalarOf(value) === null) return problem(l10n.t('full: expected value to be a number, found {0}', describe(value)), { keyword: 'value' });
    return dimsOf('full', args);
  },
  (s, args) => Tensor.filled(s, scalarOf(args.keywords.get('value'))!),
);

export const eye = sized(
  'eye',
  'eye(n, m=n)',
  'The n×n identity matrix (n×m with ones on the diagonal, as np.eye).',
  [],
  (args) => {
    if (args.positional.length < 1 || args.positional.length > 2) return problem(l10n.t('eye: expected 1 or 2 sizes eye(n, m=n), found {0}', args.positional.length));
    const dims = dimsOf('eye', args);
    return isProblem(dims) ? dims : [dims[0]!, dims[1] ?? dims[0]!];
  },
  (s) => {
    const [n, m] = s as [number, number];
    const out = new Float64Array(n * m);
    for (let i = 0; i < Math.min(n, m); i++) out[i * m + i] = 1;
    return new Tensor(s, out);
  },
);

/** np.arange's length and values: start, start + step, then start + i·(that second value − start). */
function arangeParams(args: ConstArgs): [number, number, number] | Problem {
  const p = args.positional;
  if (p.length < 1 || p.length > 3) return problem(l10n.t('arange: expected arange(n) or arange(start, stop, step=1), found {0} arguments', p.length));
  const values: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = scalarOf(p[i]);
    if (v === null || !Number.isFinite(v)) return problem(l10n.t('arange: expected argument {0} to be a finite number, found {1}', i + 1, describe(p[i]!)), { argIndex: i });
    values.push(v);
  }
  const [start, stop, step] = p.length === 1 ? [0, values[0]!, 1] : [values[0]!, values[1]!, values[2] ?? 1];
  if (step === 0) return problem(l10n.t('arange: expected a non-zero step, found 0'), { argIndex: 2 });
  return [start, stop, step];
}

export const arange = sized(
  'arange',
  'arange(n)',
  'The numbers 0, 1, ..., n−1 (also arange(start, stop, step), as np.arange).',
  [],
  (args) => {
    const params = arangeParams(args);
    if (isProblem(params)) return params;
    const [start, stop, step] = params;
    return [Math.max(0, Math.ceil((stop - start) / step))];
  },
  (s, args) => {
    const [start, , step] = arangeParams(args) as [number, number, number];
    const out = new Float64Array(s[0]!);
    if (out.length > 0) out[0] = start;
    if (out.length > 1) out[1] = start + step;
    const delta = out[1]! - start;
    for (let i = 2; i < out.length; i++) out[i] = start + i * delta;
    return new Tensor(s, out);
  },
);

export const randnConstructor = sized(
  'randn',
  'randn(d1, d2, ..., seed=s)',
  'Standard normal samples, equal to np.random.seed(s); np.random.randn(d1, d2, ...). Without seed, one derived from the variable name.',
  ['seed'],
  seededDims('randn'),
  (s, args, ctx) => randn(s, seedValue(args, ctx)),
);

export const randConstructor = sized(
  'rand',
  'rand(d1, d2, ..., seed=s)',
  'Uniform samples in [0, 1), equal to np.random.seed(s); np.random.rand(d1, d2, ...). Without seed, one derived from the variable name.',
  ['seed'],
  seededDims('rand'),
  (s, args, ctx) => rand(s, seedValue(args, ctx)),
);

export const onehot = sized(
  'onehot',
  'onehot(labels, classes)',
  'One-hot rows: labels of shape S give shape S + [classes], 1 at each label.',
  [],
  (args) => {
    const [labels, classes] = args.positional;
    if (args.positional.length !== 2 || labels === undefined || typeof labels === 'string') {
      return problem(l10n.t('onehot: expected onehot(labels, classes), found {0} arguments', args.positional.length));
    }
    const c = scalarOf(classes);
    if (!isDim(c) || c === 0) return problem(l10n.t('onehot: expected classes to be a positive whole number, found {0}', describe(classes!)), { argIndex: 1 });
    for (let i = 0; i < labels.size; i++) {
      const v = labels.data[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= c) return problem(l10n.t('onehot: expected labels in 0..{0}, found {1} at position {2}', c - 1, v, i), { argIndex: 0 });
    }
    return [...labels.shape, c];
  },
  (s, args) => {
    const labels = args.positional[0] as Tensor;
    const c = s[s.length - 1]!;
    const out = new Float64Array(sizeOf(s));
    for (let i = 0; i < labels.size; i++) out[i * c + labels.data[i]!] = 1;
    return new Tensor(s, out);
  },
);

export const load: ConstructorDef = {
  name: 'load',
  signature: 'load("path", member?)',
  doc: 'A tensor from a .npy (float64/float32/int/bool, C order), .npz (load("d.npz", "x") reads the array x), .csv (read like np.loadtxt(path, delimiter=",")), .json (nested arrays) or MNIST IDX (…idx3-ubyte) file, or any of them gzipped (.gz), relative to the .nn file.',
  keywords: [],
  shape: (args) => {
    const kw = unknownKeyword('load', args, []);
    if (kw) return kw;
    const [path, member] = args.positional;
    if (args.positional.length < 1 || args.positional.length > 2 || typeof path !== 'string') {
      return problem(`load: expected a path string load("data.npy") or load("data.npz", "x"), found ${args.positional.length === 1 || args.positional.length === 2 ? describe(path!) : `${args.positional.length} arguments`}`, args.positional.length === 1 || args.positional.length === 2 ? { argIndex: 0 } : {});
    }
    if (member !== undefined && typeof member !== 'string') return problem(l10n.t('load: expected the name of an array of the .npz archive as a string, found {0}', describe(member)), { argIndex: 1 });
    return { ok: true, shape: null };
  },
  build: (args, ctx) => {
    const check = load.shape(args);
    if (!check.ok) return check;
    const path = args.positional[0] as string;
    const file = ctx.files.read(path);
    if (!file.ok) {
      const reason = file.message.replace(/^load:\s*/, '');
      const name = excerpt(path);
      return problem(reason.includes(name) ? `load: ${reason}` : l10n.t('load: cannot read "{0}": {1}', name, excerpt(reason, 200)), { argIndex: 0 });
    }
    const member = args.positional[1] as string | undefined;
    const result = loadTensor(path, file.bytes, ctx.maxElements, member);
    return result.ok ? result : problem(result.message, { argIndex: result.message.startsWith(l10n.t('load: expected a member name only for an .npz archive, found "{0}" for "{1}"').split('{0}')[0]!) ? 1 : 0 });
  },
};

/** Every leaf constructor. */
export const CONSTRUCTORS: readonly ConstructorDef[] = [zeros, ones, full, eye, arange, randnConstructor, randConstructor, onehot, load];

/** The constructor called by this name, if any. */
export function constructorByName(name: string): ConstructorDef | undefined {
  return CONSTRUCTORS.find((c) => c.name === name);
}
