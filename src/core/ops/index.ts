/** The operations and leaf constructors of the language. */
export type { AttrKind, AttrSpec, AttrValue, BackwardContext, OpAttrs, OpDef, ShapeResult } from './opDef';
export type { ConstArg, ConstArgs, ConstructorContext, ConstructorDef, ConstructorResult, FileAccess } from './constructorDef';
export { OPS, opByName, opByOperator } from './registry';
export { CONSTRUCTORS, constructorByName } from './constructors';
