import type { Shape, Tensor } from '../tensor';

/** An evaluated argument of a leaf constructor: a constant tensor or a string (a path). */
export type ConstArg = Tensor | string;

/** The arguments of a leaf-constructor call, evaluated: positional and keyword. */
export interface ConstArgs {
  readonly positional: readonly ConstArg[];
  readonly keywords: ReadonlyMap<string, ConstArg>;
}

/** Reads files for `load()`. The host resolves the path against the `.nn` file and refuses paths outside the workspace. */
export interface FileAccess {
  read(path: string): { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly message: string };
}

export interface ConstructorContext {
  /** Seed to use when the call gives none: derived from the variable's name. */
  readonly defaultSeed: number;
  /** Largest tensor allowed; checked before anything is allocated. */
  readonly maxElements: number;
  readonly files: FileAccess;
}

/**
 * Where a constructor's problem is: the whole call (`argIndex` undefined),
 * a positional argument, or a keyword argument by name.
 */
export type ConstructorResult =
  | { readonly ok: true; readonly value: Tensor }
  | { readonly ok: false; readonly message: string; readonly argIndex?: number; readonly keyword?: string };

/**
 * A leaf constructor (`zeros`, `randn`, `load`...): usable only in a leaf's
 * expression, evaluated once when the file is loaded.
 */
export interface ConstructorDef {
  readonly name: string;
  readonly signature: string;
  readonly doc: string;
  /** Keywords it accepts (`seed`, `value`). */
  readonly keywords: readonly string[];
  /**
   * The shape it will make, checked against the size limit before `build`
   * allocates; null when only building can tell (`load`, which checks the
   * limit itself).
   */
  shape(args: ConstArgs): { readonly ok: true; readonly shape: Shape | null } | { readonly ok: false; readonly message: string; readonly argIndex?: number; readonly keyword?: string };
  build(args: ConstArgs, ctx: ConstructorContext): ConstructorResult;
}
