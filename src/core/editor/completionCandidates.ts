import type { Graph } from '../graph/graph';
import { DECLARATIONS } from '../language/ast';
import type { Position } from '../language/range';
import { CONSTRUCTORS } from '../ops/constructors';
import { OPS, opByName } from '../ops/registry';
import { bindingsInScopeAt, type NameIndex } from './bindingLookup';
import { callContextAt } from './callContext';
import { functionsInScopeAt } from './functionNames';
import { nodeKindText, shapeText } from './nodeLabel';

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
    return [{ label: 'T', kind: 'property', detail: 'x.T', documentation: opByName('transpose')?.doc ?? 'Transpose.', isCall: false, preferred: true }];
  }
  const names = [...bindingsInScopeAt(index, position)].map(([name, i]): CompletionCandidate => {
    const binding = index.bindings[i]!;
    const node = graph && binding.nodeId >= 0 ? graph.nodes[binding.nodeId] : undefined;
    const line = binding.statementRange.start.line + 1;
    const detail = node ? `${nodeKindText(graph!, node.id)} ${shapeText(node.shape)} · line ${line}` : `line ${line}`;
    return { label: name, kind: 'variable', detail, documentation: `\`${name}\`, bound on line ${line}.`, isCall: false, preferred: true };
  });
  if (/^\s*[\p{L}_][\p{L}\p{N}_]*$|^\s*$/u.test(before)) {
    const keywords = [...DECLARATIONS, 'output', 'def'].map((k): CompletionCandidate => ({
      label: k,
      kind: 'keyword',
      detail: k === 'output' ? 'output NAME' : k === 'def' ? 'def NAME(PARAMS) = EXPR' : `${k} NAME = EXPR`,
      documentation: KEYWORD_DOCS[k] ?? '',
      isCall: false,
      preferred: false,
    }));
    return [...keywords, ...names];
  }
  const ops = OPS.flatMap((op) =>
    [op.name, ...op.aliases].map((label): CompletionCandidate => ({
      label,
      kind: 'operation',
      detail: label === op.name ? op.signature : `${op.signature} (alias of ${op.name})`,
      documentation: op.doc,
      isCall: true,
      preferred: false,
    })),
  );
  const constructors = CONSTRUCTORS.map((c): CompletionCandidate => ({
    label: c.name,
    kind: 'constructor',
    detail: c.signature,
    documentation: `${c.doc}\n\nA leaf constructor: only in the value of an \`input\`, \`param\` or \`const\`.`,
    isCall: true,
    preferred: false,
  }));
  const functions = functionsInScopeAt(index, position).map((f): CompletionCandidate => ({
    label: f.name,
    kind: 'operation',
    detail: `${f.signature} · def on line ${f.line + 1}`,
    documentation: `A function defined on line ${f.line + 1}; each call is drawn as one group.`,
    isCall: true,
    preferred: true,
  }));
  const call = callContextAt(text, position);
  const op = call ? opByName(call.callee) : undefined;
  const ctor = call ? CONSTRUCTORS.find((c) => c.name === call.callee) : undefined;
  const argumentNames = op ? op.attrs.filter((a) => a.kind !== 'ints').map((a) => a.name) : (ctor?.keywords ?? []);
  const argumentsOfCall = argumentNames.map((name): CompletionCandidate => ({
    label: `${name}=`,
    kind: 'argument',
    detail: (op ?? ctor)!.signature,
    documentation: `Keyword argument of \`${call!.callee}\`.`,
    isCall: false,
    preferred: true,
  }));
  const literals = ['true', 'false', 'None'].map((k): CompletionCandidate => ({ label: k, kind: 'keyword', detail: k === 'None' ? 'no value (axis=None)' : 'flag', documentation: '', isCall: false, preferred: false }));
  return [...argumentsOfCall, ...names, ...functions, ...ops, ...constructors, ...literals];
}

const KEYWORD_DOCS: Readonly<Record<string, string>> = {
  input: 'A leaf whose gradient is computed and shown: `input x = 2`.',
  param: 'A trainable leaf (a parameter of the network); its gradient is computed: `param W = randn(2, 3, seed=0) * 0.01`.',
  const: 'A leaf with no gradient (labels, masks): `const t = [0, 0, 1]`.',
  def: 'A function of your own, one expression over its parameters: `def affine_relu(x, W, b) = relu(affine(x, W, b))`. Each call is inlined and drawn as one group.',
  output: 'The value the backward pass starts from, seeded with gradient 1 (ones for a tensor). At most one; default: the last assigned name.',
};
