import { CONSTRUCTORS } from './constructors';
import type { OpDef } from './opDef';
import { OPS } from './registry';
import { l10nLanguage } from '../l10n';
import { CONSTRUCTOR_DOC_JA, CONSTRUCTOR_REFERENCE_JA, OP_REFERENCE_JA, REFERENCE_LABELS_JA } from './referenceJa';

/**
 * The language reference of every operation and leaf constructor: the text
 * of docs/language.md's tables and of completion, hover and signature help.
 * docs/language.md's tables are generated from this and the registry
 * (`npm run docs`); a unit test checks that they agree.
 */
export interface OpReference {
  /** The `###` section of docs/language.md's "Operations" the op is listed in. */
  readonly section: string;
  /** The textbook's (ゼロから作るDeep Learning) Japanese name of the layer or function, when it has one. */
  readonly textbook?: string;
  /** Ways to write the op besides its operator, its signature and its aliases (`x.T`). */
  readonly extraCalls?: readonly string[];
  readonly forward: string;
  readonly backward: string;
  readonly example: string;
}

/** The reference by the op's canonical name (OpDef.name); its keys are the names a translation must cover (referenceJa.ts). */
const OP_REFERENCE_ENTRIES = {
  add: {
    section: 'Arithmetic',
    textbook: '加算レイヤ',
    forward: 'a + b',
    backward: 'da = dout, db = dout (each reduced to its shape)',
    example: '`fruit_sum = apple_sum + orange_sum`',
  },
  sub: {
    section: 'Arithmetic',
    forward: 'a − b',
    backward: 'da = dout, db = −dout',
    example: '`d = y - t`',
  },
  mul: {
    section: 'Arithmetic',
    textbook: '乗算レイヤ',
    forward: 'a · b element-wise',
    backward: 'da = dout · b, db = dout · a',
    example: '`total = fruit_sum * tax`',
  },
  div: {
    section: 'Arithmetic',
    forward: 'a / b',
    backward: 'da = dout / b, db = −dout · a / b²',
    example: '`y = 1 / (1 + e)`',
  },
  pow: {
    section: 'Arithmetic',
    forward: 'a^b',
    backward: 'da = dout · b · a^(b−1); db = dout · a^b · ln a where a > 0, else 0',
    example: '`sq = d ** 2`',
  },
  neg: {
    section: 'Arithmetic',
    forward: '−x',
    backward: 'dx = −dout',
    example: '`e = exp(-x)`',
  },
  matmul: {
    section: 'Arithmetic',
    textbook: '行列の積',
    forward: 'matrix product: 2-D @ 2-D, 1-D @ 2-D, 2-D @ 1-D, 1-D @ 1-D',
    backward: 'da = dout @ bᵀ, db = aᵀ @ dout',
    example: '`h = x @ W`',
  },
  relu: {
    section: 'Element-wise functions',
    textbook: 'ReLUレイヤ',
    forward: 'max(0, x)',
    backward: 'dx = dout where x > 0, else 0',
    example: '`a1 = relu(z1)`',
  },
  sigmoid: {
    section: 'Element-wise functions',
    textbook: 'Sigmoidレイヤ',
    forward: '1 / (1 + exp(−x))',
    backward: 'dx = dout · y · (1 − y)',
    example: '`y = sigmoid(x)`',
  },
  tanh: {
    section: 'Element-wise functions',
    forward: 'tanh x',
    backward: 'dx = dout · (1 − y²)',
    example: '`h = tanh(z)`',
  },
  exp: {
    section: 'Element-wise functions',
    forward: 'eˣ',
    backward: 'dx = dout · y',
    example: '`e = exp(-x)`',
  },
  log: {
    section: 'Element-wise functions',
    forward: 'ln x',
    backward: 'dx = dout / x',
    example: '`l = log(p)`',
  },
  sqrt: {
    section: 'Element-wise functions',
    forward: '√x',
    backward: 'dx = dout / (2 √x)',
    example: '`r = sqrt(v)`',
  },
  abs: {
    section: 'Element-wise functions',
    forward: '\\|x\\|',
    backward: 'dx = dout · sign(x)',
    example: '`m = abs(d)`',
  },
  sum: {
    section: 'Reductions and shapes',
    forward: 'sum over one axis (negative counts from the end) or all',
    backward: "dout broadcast back to x's shape",
    example: '`s = sum(x, axis=1)`',
  },
  mean: {
    section: 'Reductions and shapes',
    forward: 'mean',
    backward: 'dout / n broadcast back',
    example: '`m = mean(x)`',
  },
  max: {
    section: 'Reductions and shapes',
    forward: 'largest element, as `np.max` (NaN wins)',
    backward: 'dout to the largest element; ties share it equally (as `torch.amax`)',
    example: '`m = max(z, axis=1, keepdims=true)`',
  },
  pick: {
    section: 'Reductions and shapes',
    forward: "`x[arange(batch), t]`: each row's element in column t[i] (a 1-D x with one index gives x[t])",
    backward: 'dout to the picked elements, 0 elsewhere; no gradient for t',
    example: '`s = pick(scores, labels)`',
  },
  transpose: {
    section: 'Reductions and shapes',
    extraCalls: ['x.T'],
    forward: "axes reversed (1-D unchanged); with axes, output axis i is x's axis axes[i], as `np.transpose(x, axes)`",
    backward: 'dout transposed back (by the inverse order)',
    example: '`g = W.T`, `t = transpose(x, 0, 2, 1)`',
  },
  reshape: {
    section: 'Reductions and shapes',
    forward: 'same data, new shape (one size may be −1)',
    backward: 'dout reshaped back',
    example: '`f = reshape(x, 2, -1)`',
  },
  affine: {
    section: 'Layers and losses',
    textbook: 'Affineレイヤ',
    forward: "x @ W + b as ONE node (the textbook's Affine layer)",
    backward: 'dx = dout @ Wᵀ, dW = xᵀ @ dout, db = dout summed over the batch axis',
    example: '`z1 = affine(x, W1, b1)`',
  },
  softmax: {
    section: 'Layers and losses',
    textbook: 'ソフトマックス関数',
    forward: 'along the last axis: exp(x − max) / Σ exp(x − max)',
    backward: 'dx = y · (dout − Σ dout · y) along the last axis',
    example: '`p = softmax(z)`',
  },
  cross_entropy: {
    section: 'Layers and losses',
    textbook: '交差エントロピー誤差',
    forward: '−Σ t · log(y + 1e-7) / batch; t one-hot (same shape as y) or class indices (1-D, length batch)',
    backward: 'dy = −t / (y + 1e-7) / batch; no gradient for t',
    example: '`l = cross_entropy(p, t)`',
  },
  softmax_with_loss: {
    section: 'Layers and losses',
    textbook: 'Softmax-with-Lossレイヤ',
    forward: 'cross_entropy(softmax(x), t) as ONE node',
    backward: 'dx = (softmax(x) − onehot(t)) / batch; no gradient for t',
    example: '`loss = softmax_with_loss(z2, t)`',
  },
  mse: {
    section: 'Layers and losses',
    textbook: '2乗和誤差',
    forward: 'mean((y − t)²)',
    backward: 'dy = 2 (y − t) / n · dout, dt = −dy',
    example: '`loss = mse(y, t)`',
  },
  conv2d: {
    section: 'Convolution, pooling and other layers',
    textbook: 'Convolutionレイヤ',
    forward: "the textbook's Convolution layer: `col = im2col(x)` (one row per output position, its window ordered channel, row, column; padding reads 0), `col · W.reshape(FN, −1)ᵀ + b`, reshaped to `[N, FN, OH, OW]`",
    backward: 'db = dout summed over N, OH, OW; dW = doutᵀ · col; dx = col2im(dout · W) (the rows of dcol added back where they were read)',
    example: '`c1 = conv2d(x, W1, b1, pad=1)`',
  },
  max_pool: {
    section: 'Convolution, pooling and other layers',
    textbook: 'Poolingレイヤ',
    forward: "the textbook's Pooling layer: the largest element of each h×w window; `stride=None` steps by the window's size (PyTorch's default; the textbook's SimpleConvNet uses 2×2, stride 2)",
    backward: 'dout to the element that was the largest (the first on ties; NaN wins), 0 elsewhere',
    example: '`p1 = max_pool(r1, 2, 2, stride=2)`',
  },
  avg_pool: {
    section: 'Convolution, pooling and other layers',
    forward: "the mean of each window; padding counts as zeros in the mean unless `count_include_pad=false` (PyTorch's `AvgPool2d` defaults)",
    backward: 'dout / count, spread over the window',
    example: '`a = avg_pool(x, 2, 2)`',
  },
  global_avg_pool: {
    section: 'Convolution, pooling and other layers',
    forward: "the mean of each channel's plane: `[N, C, H, W]` → `[N, C, 1, 1]`",
    backward: 'dout / (H·W) to every position',
    example: '`g = global_avg_pool(c3)`',
  },
  flatten: {
    section: 'Convolution, pooling and other layers',
    forward: 'keeps axis 0 and joins the others: `[N, C, H, W]` → `[N, C·H·W]` (`torch.flatten(x, 1)`)',
    backward: 'dout reshaped back',
    example: '`f = flatten(p2)`',
  },
  batchnorm: {
    section: 'Convolution, pooling and other layers',
    textbook: 'Batch Normalizationレイヤ',
    forward: 'Batch Normalization in its inference form, per channel (axis 1): `gamma · (x − mean) / √(var + eps) + beta` with the running statistics given',
    backward: 'dx = dout·γ/√(var + eps); dγ = Σ dout·x̂; dβ = Σ dout; dmean = −Σ dout·γ/√(var + eps); dvar = −½ Σ dout·γ·(x − mean)·(var + eps)^(−3/2)',
    example: '`n1 = batchnorm(c1, g1, be1, m1, v1)`',
  },
  concat: {
    section: 'Convolution, pooling and other layers',
    forward: 'a and b joined along one axis, `np.concatenate([a, b], axis)`; the other axes must match',
    backward: 'dout split back along that axis',
    example: '`h = concat(h1, h2, axis=1)`',
  },
  log_softmax: {
    section: 'Convolution, pooling and other layers',
    forward: 'along the last axis, `x − max − log Σ exp(x − max)` (never forms the quotient, so it does not underflow to −∞)',
    backward: 'dx = dout − softmax(x) · Σ dout',
    example: '`lp = log_softmax(z)`',
  },
  dropout: {
    section: 'Convolution, pooling and other layers',
    textbook: 'Dropoutレイヤ',
    forward: 'in training step k: `x · mask / (1 − ratio)` with `mask = rand(x.shape) ≥ ratio` drawn as `np.random.seed(seed + k); np.random.rand(*x.shape)`, a new mask each step (inverted dropout, as PyTorch: the expected value stays x); outside training (a run, a step, a gradient check) the identity',
    backward: "dout · mask / (1 − ratio) with the same step's mask; dout outside training",
    example: '`h = dropout(a1, 0.5, seed=3)`',
  },
  leaky_relu: {
    section: 'Convolution, pooling and other layers',
    forward: 'x where x > 0, else alpha · x',
    backward: 'dout where x > 0, else alpha · dout',
    example: '`a = leaky_relu(z, alpha=0.1)`',
  },
} satisfies Record<string, OpReference>;

/** An op the reference has an entry for. */
export type ReferencedOp = keyof typeof OP_REFERENCE_ENTRIES;

/** By the op's canonical name (OpDef.name). */
export const OP_REFERENCE: Readonly<Record<string, OpReference>> = OP_REFERENCE_ENTRIES;

export interface ConstructorReference {
  /** The first cell: the ways to call it, as code (`` `load("path")` ``). */
  readonly calls: string;
  readonly value: string;
  readonly example: string;
}

/** The constructors' rows; their call cells are the keys a translation must cover (referenceJa.ts). */
const CONSTRUCTOR_ROWS = [
  { calls: '`zeros(d...)`', value: 'all 0', example: '`param b1 = zeros(4)`' },
  { calls: '`ones(d...)`', value: 'all 1', example: '`const m = ones(2, 3)`' },
  { calls: '`full(d..., value=v)`', value: 'all v', example: '`param b = full(3, value=0.1)`' },
  { calls: '`eye(n)`', value: 'n × n identity', example: '`const I = eye(3)`' },
  { calls: '`arange(n)`', value: '0, 1, …, n − 1', example: '`input x = arange(5)`' },
  { calls: '`randn(d..., seed=s)`', value: 'standard normal; the same numbers as `numpy.random.seed(s); numpy.random.randn(d...)`', example: '`param W1 = randn(2, 4, seed=1) * 0.01`' },
  { calls: '`rand(d..., seed=s)`', value: 'uniform in [0, 1); as `numpy.random.seed(s); numpy.random.rand(d...)`', example: '`input u = rand(3, seed=7)`' },
  { calls: '`onehot(labels, classes)`', value: 'one-hot rows for integer labels', example: '`const t = onehot([2, 0], 3)`' },
  { calls: '`load("path")`', value: '`.npy`, `.csv` or `.json` (nested arrays), an MNIST IDX file (`…idx3-ubyte`, `…idx1-ubyte`), or any of them gzipped (`.gz`); the path is relative to the `.nn` file and must stay inside the root folder (below)', example: '`input x = load("data/x.npy")`' },
  { calls: '`load("path.npz", "name")`', value: "the array `name` of an `.npz` archive (`np.savez`, stored or compressed); without a name, the archive's only array", example: '`const x = load("d.npz", "x")`' },
] as const satisfies readonly ConstructorReference[];

/** A row of the constructors' table, by its call cell. */
export type ConstructorRow = (typeof CONSTRUCTOR_ROWS)[number]['calls'];

/** In the order of the table; a constructor may have more than one row (`load` of a file, of an `.npz` member). */
export const CONSTRUCTOR_REFERENCE: readonly ConstructorReference[] = CONSTRUCTOR_ROWS;

/** Every way to write the op: its operator (`a + b`), its signature, other forms, its aliases. */
export function opCalls(op: OpDef): string[] {
  const operator = op.operator === undefined ? [] : [op.inputs.length === 1 ? `${op.operator}${op.inputs[0]}` : `${op.inputs[0]} ${op.operator} ${op.inputs[1]}`];
  return [...operator, op.signature, ...(OP_REFERENCE[op.name]?.extraCalls ?? []), ...op.aliases];
}

/** The sections of "Operations", in the order of their first op in the registry. */
export function operationSections(): string[] {
  return [...new Set(OPS.map((op) => OP_REFERENCE[op.name]?.section ?? 'Other operations'))];
}

/** One section's table of docs/language.md, as markdown: every op of the registry in that section, in registry order. */
export function operationTable(section: string): string {
  const rows = OPS.filter((op) => (OP_REFERENCE[op.name]?.section ?? 'Other operations') === section).map((op) => {
    const ref = OP_REFERENCE[op.name];
    const calls = opCalls(op).map((c) => `\`${c}\``).join(', ') + (ref?.textbook ? ` (${ref.textbook})` : '');
    return `| ${calls} | ${ref?.forward ?? op.doc} | ${ref?.backward ?? ''} | ${ref?.example ?? ''} |`;
  });
  return ['| op | forward | backward | example |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The leaf constructors' table of docs/language.md, as markdown. */
export function constructorTable(): string {
  const rows = CONSTRUCTOR_REFERENCE.map((r) => `| ${r.calls} | ${r.value} | ${r.example} |`);
  return ['| constructor | value | example |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The names a row's call cell introduces (`load("path")` → load). */
function calledNames(calls: string): string[] {
  return [...calls.matchAll(/`([\p{L}_][\p{L}\p{N}_]*)\(/gu)].map((m) => m[1]!);
}

/** The language the reference is shown in: Japanese when the display language is, else English. */
function japanese(): boolean {
  return l10nLanguage().split('-')[0] === 'ja';
}

const LABELS = { textbook: 'textbook', forward: 'forward', backward: 'backward', example: 'example', value: 'value' } as const;

/**
 * The one-line documentation of an op (by name or alias) or a leaf
 * constructor, in the display language (OpDef.doc / ConstructorDef.doc in
 * English); '' for anything else.
 */
export function referenceDoc(name: string): string {
  const op = opOf(name);
  if (op) return (japanese() ? OP_REFERENCE_JA[op.name]?.doc : undefined) ?? op.doc;
  const constructor = CONSTRUCTORS.find((c) => c.name === name);
  if (!constructor) return '';
  return (japanese() ? CONSTRUCTOR_DOC_JA[constructor.name] : undefined) ?? constructor.doc;
}

/** What an op's local backward does: its one-line doc after "Backward:" (逆伝播:), in the display language; undefined when it says nothing of it. */
export function backwardRuleText(name: string): string | undefined {
  return /(?:Backward|逆伝播): (.*)$/.exec(referenceDoc(name))?.[1];
}

/**
 * The reference's longer text for completion, hover and signature help, as
 * markdown (`**forward** …  **backward** …  **example** …`), for an op by
 * name or alias or a constructor by name, in the display language (the
 * examples are code: the same in every language); '' for anything else.
 */
export function referenceMarkdown(name: string): string {
  const ja = japanese();
  const labels = ja ? REFERENCE_LABELS_JA : LABELS;
  const op = opOf(name);
  if (op) {
    const ref = OP_REFERENCE[op.name];
    if (!ref) return '';
    const text = (ja ? OP_REFERENCE_JA[op.name] : undefined) ?? ref;
    return [...(ref.textbook ? [`**${labels.textbook}** ${ref.textbook}`] : []), `**${labels.forward}** ${text.forward}`, `**${labels.backward}** ${text.backward}`, `**${labels.example}** ${ref.example}`].join('  \n');
  }
  const rows = CONSTRUCTOR_ROWS.filter((r) => calledNames(r.calls).includes(name));
  if (rows.length === 0 || !CONSTRUCTORS.some((c) => c.name === name)) return '';
  return rows.map((r) => `**${labels.value}** ${(ja ? CONSTRUCTOR_REFERENCE_JA[r.calls] : undefined) ?? r.value}  \n**${labels.example}** ${r.example}`).join('\n\n');
}

function opOf(name: string): OpDef | undefined {
  return OPS.find((o) => o.name === name || o.aliases.includes(name));
}
