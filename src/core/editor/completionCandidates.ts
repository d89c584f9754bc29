import type { Graph } from '../graph/graph';
import { DECLARATIONS } from '../language/ast';
import type { Position } from '../language/range';
import { CONSTRUCTORS } from '../ops/constructors';
import { referenceDoc } from '../ops/reference';
import { OPS, opByName } from '../ops/registry';
import { DATASETS } from '../train/datasets';
import { OPTIMIZERS } from '../train/optimizers';
import { bindingsInScopeAt, type NameIndex } from './bindingLookup';
import { callContextAt } from './callContext';
import { functionsInScopeAt } from './functionNames';
import { nodeKindText, shapeText } from './nodeLabel';
import * as l10n from '@vscode/l10n';

export type CandidateKind = 'variable' | 'operation' | 'constructor' | 'keyword' | 'argument' | 'property';

/** One completion, with what the editor shows beside it. */
export interface CompletionCandidate {
  readonly label: string;
  readonly kind: CandidateKind;
  /** One line beside the label: a signature, or a binding's kind, shape and line. */
  readonly detail: string;
  /** Markdown shown in the details pane. */
  readonly documentation: string;
  /** Insert `label(` … `)` and open signature help. */
  readonly isCall: boolean;
  /** Sorts before the others (names in scope, the keyword argument of the call). */
  readonly preferred: boolean;
}

/**
 * What can be written at `position`: after a `.`, the transpose `T`; at the
 * start of a line, the statement keywords and names to rebind; elsewhere the
 * names in scope (their newest binding), the functions defined above, the
 * operations and their aliases,
 * the leaf constructors, the keyword arguments of the enclosing call, and
 * `true`/`false`/`None`. `graph`, when it matches the text, adds each name's
 * kind and shape.
 */
export function completionCandidates(text: string, index: NameIndex, graph: Graph | null, position: Position): CompletionCandidate[] {
  const lineText = text.split(/\r?\n/)[position.line] ?? '';
  const before = lineText.slice(0, position.character);
  if (/\.\s*[\p{L}_]*$/u.test(before) && !/\d\.[\p{L}_]*$/u.test(before)) {
    return [{ label: 'T', kind: 'property', detail: 'x.T', documentation: referenceDoc('transpose'), isCall: false, preferred: true }];
  }
  const names = [...bindingsInScopeAt(index, position)].map(([name, i]): CompletionCandidate => {
    const binding = index.bindings[i]!;
    const node = graph && binding.nodeId >= 0 ? graph.nodes[binding.nodeId] : undefined;
    const line = binding.statementRange.start.line + 1;
    const detail = node ? l10n.t('{0} {1} · line {2}', nodeKindText(graph!, node.id), shapeText(node.shape), line) : l10n.t('line {0}', line);
    return { label: name, kind: 'variable', detail, documentation: l10n.t('`{0}`, bound on line {1}.', name, line), isCall: false, preferred: true };
  });
  if (/^\s*train\s+[\p{L}_][\p{L}\p{N}_]*\s+with\s+[\p{L}_]*$/u.test(before)) return optimizerCandidates();
  if (/^\s*[\p{L}_][\p{L}\p{N}_]*$|^\s*$/u.test(before)) {
    const keywords = [...DECLARATIONS, 'output', 'def', 'batch', 'train', 'test'].map((k): CompletionCandidate => ({
      label: k,
      kind: 'keyword',
      detail: KEYWORD_FORMS[k] ?? l10n.t('{0} NAME = EXPR', k),
      documentation: KEYWORD_DOCS[k]?.() ?? '',
      isCall: false,
      preferred: false,
    }));
    return [...keywords, ...names];
  }
  const ops = OPS.flatMap((op) =>
    [op.name, ...op.aliases].map((label): CompletionCandidate => ({
      label,
      kind: 'operation',
      detail: label === op.name ? op.signature : l10n.t('{0} (alias of {1})', op.signature, op.name),
      documentation: referenceDoc(op.name),
      isCall: true,
      preferred: false,
    })),
  );
  const constructors = CONSTRUCTORS.map((c): CompletionCandidate => ({
    label: c.name,
    kind: 'constructor',
    detail: c.signature,
    documentation: `${referenceDoc(c.name)}\n\n${l10n.t('A leaf constructor: only in the value of an `input`, `param` or `const`.')}`,
    isCall: true,
    preferred: false,
  }));
  const functions = functionsInScopeAt(index, position).map((f): CompletionCandidate => ({
    label: f.name,
    kind: 'operation',
    detail: l10n.t('{0} · def on line {1}', f.signature, f.line + 1),
    documentation: l10n.t('A function defined on line {0}; each call is drawn as one group.', f.line + 1),
    isCall: true,
    preferred: true,
  }));
  const call = callContextAt(text, position);
  const op = call ? opByName(call.callee) : undefined;
  const ctor = call ? CONSTRUCTORS.find((c) => c.name === call.callee) : undefined;
  const optimizer = call ? OPTIMIZERS.find((o) => o.name === call.callee) : undefined;
  const training = call ? TRAINING_CALLS[call.callee] : undefined;
  const argumentNames = op ? op.attrs.filter((a) => a.kind !== 'ints').map((a) => a.name) : ctor ? ctor.keywords : optimizer ? optimizer.hyper.map((h) => h.name) : (training?.keywords ?? []);
  const signature = op?.signature ?? ctor?.signature ?? (optimizer ? optimizerSignature(optimizer.name) : (training?.signature ?? ''));
  const argumentsOfCall = argumentNames.map((name): CompletionCandidate => ({
    label: `${name}=`,
    kind: 'argument',
    detail: signature,
    documentation: l10n.t('Keyword argument of `{0}`.', call!.callee),
    isCall: false,
    preferred: true,
  }));
  const literals = ['true', 'false', 'None'].map((k): CompletionCandidate => ({ label: k, kind: 'keyword', detail: k === 'None' ? l10n.t('no value (axis=None)') : l10n.t('flag'), documentation: '', isCall: false, preferred: false }));
  return [...argumentsOfCall, ...names, ...functions, ...ops, ...constructors, ...literals];
}

/** The optimizers after `train LOSS with`. */
function optimizerCandidates(): CompletionCandidate[] {
  return OPTIMIZERS.map((o) => ({
    label: o.name,
    kind: 'operation',
    detail: optimizerSignature(o.name),
    documentation: l10n.t("An optimizer of the textbook's common/optimizer.py: `{0}` for every param W.", o.doc),
    isCall: true,
    preferred: true,
  }));
}

function optimizerSignature(name: string): string {
  const o = OPTIMIZERS.find((d) => d.name === name)!;
  return `${o.name}(${o.hyper.map((h) => `${h.name}=${h.default}`).join(', ')})`;
}

/** The calls of the training statements that take keywords: `sample(...)` and the data sets. */
const TRAINING_CALLS: Readonly<Record<string, { readonly signature: string; readonly keywords: readonly string[] }>> = {
  sample: { signature: 'sample(A, B, size=n, seed=s)', keywords: ['size', 'seed'] },
  ...Object.fromEntries(DATASETS.map((d) => [d.name, { signature: d.signature, keywords: d.keywords }])),
};

const KEYWORD_FORMS: Readonly<Record<string, string>> = {
  output: 'output NAME',
  def: 'def NAME(PARAMS) = EXPR',
  batch: 'batch a, b = sample(A, B, size=n, seed=s)',
  train: 'train LOSS with OPTIMIZER for N steps',
  test: 'test a, b = A2, B2',
};

/** Called when shown: the text in the display language. */
const KEYWORD_DOCS: Readonly<Record<string, () => string>> = {
  batch: () => l10n.t('Const leaves holding n rows of A and B, drawn anew at every training step (`np.random.seed(s)` then `np.random.choice(N, n)` per step): `batch x, t = sample(X, T, size=100, seed=0)`.'),
  train: () => l10n.t('Trains every param: each step runs the forward pass, the backward pass from LOSS and the optimizer\'s update: `train loss with sgd(lr=0.1) for 2000 steps`.'),
  test: () => l10n.t('What stands in for the batch leaves when accuracy is measured: `test x, t = Xt, Tt`.'),
  input: () => l10n.t('A leaf whose gradient is computed and shown: `input x = 2`.'),
  param: () => l10n.t('A trainable leaf (a parameter of the network); its gradient is computed: `param W = randn(2, 3, seed=0) * 0.01`.'),
  const: () => l10n.t('A leaf with no gradient (labels, masks): `const t = [0, 0, 1]`.'),
  def: () => l10n.t('A function of your own, one expression over its parameters: `def affine_relu(x, W, b) = relu(affine(x, W, b))`. Each call is inlined and drawn as one group.'),
  output: () => l10n.t('The value the backward pass starts from, seeded with gradient 1 (ones for a tensor). At most one; default: the last assigned name.'),
};
