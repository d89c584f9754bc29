import type { Range } from './range';

/** An expression of the `.nn` language, with the range it spans. */
export type Expr =
  | { readonly kind: 'number'; readonly value: number; readonly range: Range }
  | { readonly kind: 'string'; readonly value: string; readonly range: Range }
  | { readonly kind: 'bool'; readonly value: boolean; readonly range: Range }
  | { readonly kind: 'none'; readonly range: Range }
  | { readonly kind: 'name'; readonly name: string; readonly range: Range }
  | { readonly kind: 'tensor'; readonly elements: readonly Expr[]; readonly range: Range }
  | { readonly kind: 'unary'; readonly op: '-' | '+'; readonly operand: Expr; readonly opRange: Range; readonly range: Range }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr; readonly opRange: Range; readonly range: Range }
  | { readonly kind: 'call'; readonly callee: string; readonly calleeRange: Range; readonly args: readonly Argument[]; readonly range: Range }
  | { readonly kind: 'transpose'; readonly operand: Expr; readonly opRange: Range; readonly range: Range }
  | { readonly kind: 'error'; readonly range: Range };

export type BinaryOperator = '+' | '-' | '*' | '/' | '@' | '**';

/** A call argument, positional or `name=value`. */
export interface Argument {
  readonly keyword: string | null;
  readonly keywordRange: Range | null;
  readonly value: Expr;
  readonly range: Range;
}

export type Declaration = 'input' | 'param' | 'const';

/** One line (or bracketed run of lines) of a `.nn` file. */
export type Statement =
  | {
      readonly kind: 'assign';
      /** `input`, `param`, `const`, or null for a plain `NAME = EXPR`. */
      readonly declaration: Declaration | null;
      readonly name: string;
      readonly nameRange: Range;
      readonly expr: Expr;
      readonly range: Range;
    }
  | { readonly kind: 'output'; readonly name: string; readonly nameRange: Range; readonly range: Range }
  | DefStatement
  | TrainingStatement;

/**
 * The statements of training, each starting with a word that is a keyword
 * only there (`batch x = …` is a statement, `batch = 3` an assignment):
 * - `batch a, b = sample(A, B, size=n, seed=s)`: const leaves drawn anew at every training step;
 * - `train LOSS with OPTIMIZER for N steps`;
 * - `test a, b = A2, B2`: what stands in for the batch leaves when accuracy is measured.
 * `nameRange` is the first name's.
 */
export type TrainingStatement =
  | { readonly kind: 'batch'; readonly names: readonly Parameter[]; readonly expr: Expr; readonly nameRange: Range; readonly range: Range }
  | { readonly kind: 'train'; readonly loss: Parameter; readonly optimizer: Expr; readonly steps: Expr; readonly nameRange: Range; readonly range: Range }
  | { readonly kind: 'test'; readonly names: readonly Parameter[]; readonly values: readonly Expr[]; readonly nameRange: Range; readonly range: Range }
  /** `const X, T = spiral(n, classes, seed=s)`: one const leaf per value of a data set. */
  | { readonly kind: 'unpack'; readonly names: readonly Parameter[]; readonly expr: Expr; readonly nameRange: Range; readonly range: Range };

/** The words that start a training statement when a name follows them. */
export const TRAINING_WORDS: readonly string[] = ['batch', 'train', 'test'];

/** A parameter of a user function: a name local to its body. */
export interface Parameter {
  readonly name: string;
  readonly range: Range;
}

/** `def NAME(p1, p2, ...) = EXPR`: a user function, inlined at each call. */
export interface DefStatement {
  readonly kind: 'def';
  readonly name: string;
  readonly nameRange: Range;
  readonly params: readonly Parameter[];
  readonly body: Expr;
  readonly range: Range;
}

export const DECLARATIONS: readonly string[] = ['input', 'param', 'const'];
export const KEYWORDS: readonly string[] = ['input', 'param', 'const', 'output', 'def', 'true', 'false', 'True', 'False', 'None'];
