import type { Shape, Tensor } from '../tensor';

/** A value of an op's non-tensor argument (`axis=1`, `keepdims=true`, reshape's sizes). */
export type AttrValue = number | boolean | null | readonly number[];

/** What an attribute accepts; see AttrSpec. */
export type AttrKind = 'int' | 'intOrNone' | 'float' | 'bool' | 'ints';

/** An op's attributes, by name, after defaults are applied. */
export type OpAttrs = Readonly<Record<string, AttrValue>>;

/**
 * A non-tensor argument of an op. `int`/`bool` take one constant; `intOrNone`
 * also takes `None`; `float` takes any finite number (batchnorm's `eps`);
 * `ints` collects every remaining positional argument (reshape's `d1, d2, ...`).
 */
export interface AttrSpec {
  readonly name: string;
  readonly kind: AttrKind;
  readonly default?: AttrValue;
}

export type ShapeResult = { readonly ok: true; readonly shape: Shape } | { readonly ok: false; readonly message: string };

/**
 * What an evaluation of the tape is for. An op whose forward differs while a
 * network learns (dropout) reads it; every other op ignores it.
 */
export interface EvaluationContext {
  /**
   * The training step this forward and backward pass belongs to, counted
   * from 0 (the index of its loss in `graphstep train --json`), or null
   * outside training: a plain run or step, constant folding, a gradient
   * check, an accuracy measurement.
   */
  readonly trainingStep: number | null;
}

/** The context of every evaluation that is not a training step. */
export const NOT_TRAINING: EvaluationContext = Object.freeze({ trainingStep: null });

/** What an op's local backward gets. */
export interface BackwardContext {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly gradOutput: Tensor;
  readonly attrs: OpAttrs;
  /** Whether each input wants a gradient (false for constants); an op may return null there. */
  readonly needsGrad: readonly boolean[];
  /** The evaluation this backward belongs to; absent means NOT_TRAINING. */
  readonly context?: EvaluationContext;
}

/**
 * One operation of the language: how it is called, how its shape follows
 * from its inputs', its forward, its local backward, and how it is drawn.
 * Adding an op means adding one of these (and its test).
 */
export interface OpDef {
  /** Canonical name, used in `--json` (`mul`, `softmax_with_loss`). */
  readonly name: string;
  /** Other call names (`MulLayer`, `ReLU`). */
  readonly aliases: readonly string[];
  /** The infix or prefix operator that makes this op, if any (`*`, `@`, `-` for neg). */
  readonly operator?: string;
  /** Drawn inside the node: `×`, `+`, `ReLU`, `σ`, `Affine`. */
  readonly symbol: string;
  /** Names of the tensor inputs, in order (`x`, `W`, `b`). */
  readonly inputs: readonly string[];
  /** Non-tensor arguments, after the tensor inputs. */
  readonly attrs: readonly AttrSpec[];
  /** Call signature as users read it: `sum(x, axis=None, keepdims=false)`. */
  readonly signature: string;
  /** One line: what the forward computes and what the backward does. */
  readonly doc: string;
  /** Output shape, or a message naming both shapes when they do not fit. */
  shape(inputs: readonly Shape[], attrs: OpAttrs): ShapeResult;
  /** `context` absent means NOT_TRAINING. */
  forward(inputs: readonly Tensor[], attrs: OpAttrs, context?: EvaluationContext): Tensor;
  /**
   * A problem with the input values that shapes cannot show (a class index
   * out of range), or null. Optional: forward never throws and gives NaN
   * where the values make no sense, so calling this only improves the message.
   */
  checkValues?(inputs: readonly Tensor[], attrs: OpAttrs): string | null;
  /**
   * A warning the shapes alone call for (numpy's "Mean of empty slice"), or
   * null. Optional.
   */
  shapeWarning?(inputs: readonly Shape[], attrs: OpAttrs): string | null;
  /** Gradient for each input, already reduced to that input's own shape. */
  backward(ctx: BackwardContext): readonly (Tensor | null)[];
}
