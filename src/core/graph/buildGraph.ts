import type { Argument, Expr, Statement } from '../language/ast';
import { excerpt } from '../language/excerpt';
import type { Diagnostic, Range } from '../language/range';
import type { ConstArg, ConstructorDef, FileAccess } from '../ops/constructorDef';
import { constructorByName } from '../ops/constructors';
import { BYTES_PER_ELEMENT, shapeLimitProblem, shapeText } from '../ops/limits';
import type { AttrKind, AttrValue, OpDef } from '../ops/opDef';
import { OPS, opByName, opByOperator } from '../ops/registry';
import { sizeOf, Tensor, type Shape } from '../tensor';
import type { Binding, Graph, GraphNode, NameReference, NodeKind } from './graph';
import { SuggestionIndex } from './suggest';
import { formatBytes, memoryMessage } from './tapeMemory';
import type { FunctionCall } from './groups';
import { functionSignature, UserFunctions, type UserFunction } from './userFunctions';
import { TrainingStatements, type TrainingPlan } from '../train/trainingPlan';
import * as l10n from '@vscode/l10n';

export interface BuildOptions {
  /** Largest tensor allowed, checked before anything is allocated. */
  readonly maxTensorElements: number;
  /** Files for `load()`. */
  readonly files: FileAccess;
  /**
   * Most bytes the tensors of the tape may hold (values, gradients and edge
   * gradients, from the shapes); leaves are refused before they are
   * allocated. Unbounded when absent.
   */
  readonly maxMemoryBytes?: number;
}

export interface BuildResult {
  /** The graph; complete only when `diagnostics` has no error. */
  readonly graph: Graph;
  readonly diagnostics: readonly Diagnostic[];
  /** Every inlined call of a user function; a node's `group` is an index into it. */
  readonly calls: readonly FunctionCall[];
  /** The file's `train` statement with its batch and test, resolved; null when it has none or one had an error. */
  readonly training: TrainingPlan | null;
  /** For each node, the index of the statement that made it (in the list built from). */
  readonly nodeStatements: Int32Array;
}

/** Every op's call names, for "did you mean" after an unknown function. */
const OP_NAMES = new SuggestionIndex(OPS.flatMap((o) => [o.name, ...o.aliases]));

const TRANSPOSE: OpDef = opByName('transpose')!;

/** Deepest nesting of user-function calls inside calls. */
export const MAX_CALL_DEPTH = 64;
/** Most nodes a graph may have before a call of a user function is refused (nested calls multiply). */
export const MAX_NODES_FOR_CALLS = 500_000;

/** Most distinct number literals given one shared tensor each. */
const MAX_SHARED_SCALARS = 1024;

/** Shared by every node that has no attributes or no inputs: graphs are immutable. */
const NO_ATTRS: Record<string, AttrValue> = Object.freeze({}) as Record<string, AttrValue>;
const NO_INPUTS: readonly number[] = Object.freeze([]);

/** What an expression lowers to while the graph is built. */
type Lowered =
  | { readonly kind: 'node'; readonly id: number; readonly range: Range }
  | { readonly kind: 'const'; readonly tensor: Tensor; readonly range: Range }
  | { readonly kind: 'string'; readonly value: string; readonly range: Range }
  | { readonly kind: 'bool'; readonly value: boolean; readonly range: Range }
  | { readonly kind: 'none'; readonly range: Range }
  /** An error was already reported for this expression: stay quiet about it downstream. */
  | { readonly kind: 'poison'; readonly range: Range };

/**
 * Turns parsed statements into a checked computational graph: names resolved
 * to their newest binding, leaf expressions evaluated, constant
 * sub-expressions folded, every op's shape checked. Each problem is a
 * diagnostic at its range; building goes on so all of them are reported.
 */
export function buildGraph(statements: readonly Statement[], options: BuildOptions): BuildResult {
  const builder = new GraphBuilder(options);
  for (let i = 0; i < statements.length; i++) builder.add(statements[i]!);
  return builder.finish();
}

/**
 * `buildGraph` one statement at a time, in source order, then `finish`: a
 * caller that parses and builds each statement in turn holds no file-long
 * list of expression trees. What depends on later statements (a call of a
 * function whose def comes further down) is settled in `finish`.
 */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly bindings: Binding[] = [];
  private readonly references: NameReference[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly scope = new Map<string, number>();
  private statementRange: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  private statementName = '';
  /** The statement being built, and the statement of every node made so far. */
  private statementIndex = -1;
  private nodeStatements = new Int32Array(64);
  /** Names in scope for "did you mean", made at the first unknown name (most files have none). */
  private names: SuggestionIndex | null = null;
  /**
   * One tensor per distinct number literal: tensors are immutable, and a
   * file that writes `1.0001` five thousand times needs one, not five
   * thousand small allocations (-0 is kept apart from 0).
   */
  private readonly scalars = new Map<number, Tensor>();
  private negativeZero: Tensor | null = null;
  /** Bytes of the values of the nodes made so far (leaves are allocated while building). */
  private valueBytes = 0;
  private memoryReported = false;
  private readonly functions = new UserFunctions();
  /** Errors at calls of a function with no def above, and how each reads if a def of it comes later (see `finish`). */
  private readonly unknownCalls: { readonly index: number; readonly callee: string; readonly definedBelow: (line: number) => Diagnostic }[] = [];
  private output: number | null = null;
  private outputStatement: Statement | null = null;
  private lastBinding: number | null = null;
  private readonly calls: FunctionCall[] = [];
  /** While a function body is inlined: its parameters' values, the call being inlined, and the calls around it. */
  private locals: ReadonlyMap<string, Lowered> | null = null;
  private currentCall: number | null = null;
  private callLimitReported = false;
  private readonly callStack: { readonly fn: UserFunction; readonly range: Range }[] = [];
  private readonly training = new TrainingStatements({
    constant: (expr) => this.toTensor(this.lower(expr, true), l10n.t('a training statement')),
    addConstLeaf: (name, nameRange, value) => {
      const id = this.addNode(name, 'const', 'const', NO_INPUTS, NO_ATTRS, value.shape, nameRange, value);
      this.bindName(name, id, nameRange);
      return id;
    },
    bindFailed: (name, nameRange) => this.bindName(name, -1, nameRange),
    lookup: (name, range) => {
      const found = this.lowerName(name, range, false);
      return found.kind === 'node' ? found.id : null;
    },
    nodes: this.nodes,
    defaultSeed: seedFromName,
    allowTensors: (shapes, range, what) => shapes.every((shape) => this.withinLimit(shape, range, what)) && this.reserve(shapes.reduce((n, shape) => n + sizeOf(shape), 0), range),
    error: (range, message) => this.error(range, message),
  });

  constructor(private readonly options: BuildOptions) {}

  /** A binding made by a training statement (the loop in `build` makes the others). */
  private bindName(name: string, nodeId: number, range: Range): void {
    const binding = this.bindings.length;
    this.bindings.push({ name, nodeId, range, statementRange: this.statementRange });
    this.references.push({ range, binding, isDefinition: true });
    this.scope.set(name, binding);
    this.names?.add(name);
  }

  /** Builds the next statement of the file. */
  add(statement: Statement): void {
    this.statementIndex++;
    this.statementRange = statement.range;
    if (statement.kind === 'def') {
      this.functions.declare(statement);
      this.functions.define(statement, {
        bindings: this.bindings,
        references: this.references,
        error: (r, m) => this.error(r, m),
        unknownFunction: (callee, range, definedBelow) => this.unknownCall(callee, range, definedBelow),
      });
      return;
    }
    if (statement.kind === 'output') {
      if (this.outputStatement) {
        this.error(statement.range, l10n.t('expected at most one output statement, found a second (the first is on line {0})', this.outputStatement.range.start.line + 1));
        return;
      }
      this.outputStatement = statement;
      const binding = this.scope.get(statement.name);
      if (binding === undefined) {
        this.error(statement.nameRange, l10n.t("output: expected a defined name, found unknown name '{0}'", excerpt(statement.name)));
        this.output = -1;
        return;
      }
      this.references.push({ range: statement.nameRange, binding, isDefinition: false });
      this.output = this.bindings[binding]!.nodeId;
      return;
    }
    if (statement.kind === 'batch' || statement.kind === 'train' || statement.kind === 'test' || statement.kind === 'unpack') {
      this.statementName = statement.kind === 'train' ? statement.loss.name : statement.names[0]!.name;
      this.training.add(statement);
      return;
    }
    this.statementName = statement.name;
    const nodeId = this.assign(statement);
    const binding = this.bindings.length;
    this.bindings.push({ name: statement.name, nodeId, range: statement.nameRange, statementRange: statement.range });
    this.references.push({ range: statement.nameRange, binding, isDefinition: true });
    this.scope.set(statement.name, binding);
    this.names?.add(statement.name);
    this.lastBinding = binding;
  }

  /** The graph of the statements added, and everything learnt on the way. */
  finish(): BuildResult {
    // a call of a function defined further down says so, now that every def is known
    for (const call of this.unknownCalls) {
      const line = this.functions.defLine(call.callee);
      if (line !== null) this.diagnostics[call.index] = call.definedBelow(line);
    }
    let output = this.output;
    if (output === null && this.lastBinding !== null) output = this.bindings[this.lastBinding]!.nodeId;
    const training = this.training.finish();
    const graph: Graph = { nodes: this.nodes, output: output !== null && output >= 0 ? output : null, bindings: this.bindings, references: this.references, groups: [] };
    return { graph, diagnostics: this.diagnostics, calls: this.calls, training, nodeStatements: this.nodeStatements.subarray(0, this.nodes.length) };
  }

  /** Called just before the error at `range` of a call of a function with no def so far: the error to put in its place if a def of it comes later. */
  private unknownCall(callee: string, range: Range, definedBelow: (line: number) => string): void {
    const stack = [...this.callStack];
    this.unknownCalls.push({ index: this.diagnostics.length, callee, definedBelow: (line) => this.errorDiagnostic(range, definedBelow(line), stack) });
  }

  private reportMemory(range: Range, budget: number, found: string): void {
    this.memoryReported = true;
    this.error(range, memoryMessage(budget, found));
  }

  /**
   * Counts a new value of `elements` numbers against the memory budget before
   * it is allocated; false (after one diagnostic) when it does not fit.
   */
  private reserve(elements: number, range: Range): boolean {
    const budget = this.options.maxMemoryBytes;
    const bytes = this.valueBytes + elements * BYTES_PER_ELEMENT;
    if (budget === undefined || bytes <= budget) return true;
    if (!this.memoryReported) this.reportMemory(range, budget, `${formatBytes(bytes)} of values by here (refused before allocating it)`);
    return false;
  }

  /** Builds one assignment; returns the bound node id, or -1 when the statement had an error. */
  private assign(statement: Extract<Statement, { kind: 'assign' }>): number {
    const isLeaf = statement.declaration !== null || !mentionsName(statement.expr);
    if (isLeaf) {
      const kind: NodeKind = statement.declaration ?? 'input';
      const value = this.toTensor(this.lower(statement.expr, true), l10n.t("the value of {0} '{1}'", kind, excerpt(statement.name)));
      if (!value) return -1;
      this.warnIfNotFinite(value, statement.expr.range, l10n.t("the value of '{0}'", excerpt(statement.name)));
      return this.addNode(statement.name, kind, kind, NO_INPUTS, NO_ATTRS, value.shape, statement.nameRange, value);
    }
    const firstNew = this.nodes.length;
    const result = this.lower(statement.expr, false);
    if (result.kind === 'poison') return -1;
    if (result.kind !== 'node') {
      this.error(statement.expr.range, l10n.t("expected a tensor value for '{0}', found {1}", excerpt(statement.name), describeLowered(result)));
      return -1;
    }
    const node = this.nodes[result.id]!;
    if (result.id >= firstNew && node.name === null) (node as { name: string | null }).name = statement.name;
    return result.id;
  }

  /**
   * Lowers an expression. A chain of left-associative operators (`x + x + …`,
   * `x.T.T…`) is as deep as it is long, so its left spine is walked in a
   * loop; what is left to recurse into is bounded by the parser's nesting limit.
   */
  private lower(expr: Expr, leafMode: boolean): Lowered {
    if (expr.kind !== 'binary' && expr.kind !== 'transpose') return this.lowerTerm(expr, leafMode);
    const first = expr.kind === 'binary' ? expr.left : expr.operand;
    // one operator (`x * 2`, most statements): no spine to keep
    if (first.kind !== 'binary' && first.kind !== 'transpose') return this.lowerLink(expr, this.lowerTerm(first, leafMode), leafMode);
    const spine: Expr[] = [];
    let e: Expr = expr;
    while (e.kind === 'binary' || e.kind === 'transpose') {
      spine.push(e);
      e = e.kind === 'binary' ? e.left : e.operand;
    }
    let result = this.lowerTerm(e, leafMode);
    for (let i = spine.length - 1; i >= 0; i--) result = this.lowerLink(spine[i]!, result, leafMode);
    return result;
  }

  /** One link of a left spine (a binary operator or `.T`) applied to what its left side lowered to. */
  private lowerLink(link: Expr, left: Lowered, leafMode: boolean): Lowered {
    if (link.kind === 'binary') {
      const right = this.lower(link.right, leafMode);
      return this.applyOp(opByOperator(link.op, 2)!, [left, right], NO_ATTRS, link.opRange, link.range);
    }
    if (link.kind === 'transpose') return this.applyOp(TRANSPOSE, [left], NO_ATTRS, link.opRange, link.range);
    return left;
  }

  private lowerTerm(expr: Expr, leafMode: boolean): Lowered {
    switch (expr.kind) {
      case 'number':
        return { kind: 'const', tensor: this.scalar(expr.value), range: expr.range };
      case 'string':
        return { kind: 'string', value: expr.value, range: expr.range };
      case 'bool':
        return { kind: 'bool', value: expr.value, range: expr.range };
      case 'none':
        return { kind: 'none', range: expr.range };
      case 'error':
        return { kind: 'poison', range: expr.range };
      case 'name':
        return this.lowerName(expr.name, expr.range, leafMode);
      case 'tensor':
        return this.lowerTensorLiteral(expr);
      case 'unary': {
        const operand = this.lower(expr.operand, leafMode);
        if (expr.op === '+') return operand;
        return this.applyOp(opByOperator('-', 1)!, [operand], NO_ATTRS, expr.opRange, expr.range);
      }
      case 'binary':
      case 'transpose':
        return this.lower(expr, leafMode);
      case 'call':
        return this.lowerCall(expr, leafMode);
    }
  }

  private lowerName(name: string, range: Range, leafMode: boolean): Lowered {
    // in a function body every name is a parameter (the def was checked)
    if (this.locals) return this.locals.get(name) ?? { kind: 'poison', range };
    const binding = this.scope.get(name);
    if (binding === undefined) {
      this.names ??= new SuggestionIndex(this.scope.keys());
      const hint = this.names.suggest(name);
      this.error(range, hint ? l10n.t("expected a defined name, found unknown name '{0}' (did you mean '{1}'?)", excerpt(name), hint) : l10n.t("expected a defined name, found unknown name '{0}'", excerpt(name)));
      return { kind: 'poison', range };
    }
    this.references.push({ range, binding, isDefinition: false });
    const id = this.bindings[binding]!.nodeId;
    if (id < 0) return { kind: 'poison', range };
    if (!leafMode) return { kind: 'node', id, range };
    const node = this.nodes[id]!;
    if (node.kind === 'const' && node.value) return { kind: 'const', tensor: node.value, range };
    this.error(range, l10n.t("expected a constant in a leaf's value, found {0} '{1}' (a leaf is evaluated once and has no inputs; drop 'input'/'param'/'const' to compute it)", node.kind === 'op' ? l10n.t('the computed value') : l10n.t('the {0}', node.kind), excerpt(name)));
    return { kind: 'poison', range };
  }

  private lowerTensorLiteral(expr: Extract<Expr, { kind: 'tensor' }>): Lowered {
    const data: number[] = [];
    const shape = this.collectLiteral(expr, data);
    if (!shape) return { kind: 'poison', range: expr.range };
    const problem = shapeLimitProblem(shape, this.options.maxTensorElements);
    if (problem) {
      this.error(expr.range, l10n.t('tensor literal: {0}', problem));
      return { kind: 'poison', range: expr.range };
    }
    if (!this.reserve(data.length, expr.range)) return { kind: 'poison', range: expr.range };
    return { kind: 'const', tensor: new Tensor(shape, Float64Array.from(data)), range: expr.range };
  }

  /** Flattens a nested literal into `data`, returning its shape, or null after reporting a ragged or non-numeric element. */
  private collectLiteral(expr: Extract<Expr, { kind: 'tensor' }>, data: number[]): number[] | null {
    let inner: number[] | null = null;
    for (let i = 0; i < expr.elements.length; i++) {
      const element = expr.elements[i]!;
      let shape: number[] | null;
      if (element.kind === 'tensor') {
        shape = this.collectLiteral(element, data);
        if (!shape) return null;
      } else {
        const name = firstName(element);
        if (name) {
          this.error(name.range, l10n.t("expected numbers in a tensor literal, found the variable '{0}' (a literal holds constants only)", excerpt(name.name)));
          return null;
        }
        const value = this.lower(element, true);
        if (value.kind === 'poison') return null;
        if (value.kind === 'bool') {
          data.push(value.value ? 1 : 0);
          shape = [];
        } else if (value.kind === 'const' && value.tensor.rank === 0) {
          data.push(value.tensor.data[0]!);
          shape = [];
        } else {
          this.error(element.range, l10n.t('expected a number in the tensor literal, found {0}', describeLowered(value)));
          return null;
        }
      }
      if (inner === null) inner = shape;
      else if (!sameShape(inner, shape)) {
        this.error(element.range, l10n.t('expected a rectangular tensor literal: element {0} has shape {1}, element 1 has {2}', i + 1, shapeText(shape), shapeText(inner)));
        return null;
      }
    }
    return [expr.elements.length, ...(inner ?? [])];
  }

  private lowerCall(expr: Extract<Expr, { kind: 'call' }>, leafMode: boolean): Lowered {
    const op = opByName(expr.callee);
    if (op) return this.lowerOpCall(op, expr, leafMode);
    const ctor = constructorByName(expr.callee);
    if (ctor) {
      if (!leafMode) {
        this.error(expr.calleeRange, l10n.t("expected an operation, found the leaf constructor {0}() (it makes a leaf's value: use it as `param NAME = {1}`)", ctor.name, ctor.signature));
        return { kind: 'poison', range: expr.range };
      }
      return this.lowerConstructor(ctor, expr);
    }
    const fn = this.functions.get(expr.callee);
    if (fn) return this.lowerFunctionCall(fn, expr, leafMode);
    const definedBelow = (line: number): string => l10n.t("expected a function defined above, found '{0}', defined below on line {1} (define a function before its first call)", excerpt(expr.callee), line + 1);
    const below = this.functions.definedBelow(expr.callee);
    if (below !== null) {
      this.error(expr.calleeRange, definedBelow(below));
      for (const arg of expr.args) this.lower(arg.value, leafMode);
      return { kind: 'poison', range: expr.range };
    }
    this.unknownCall(expr.callee, expr.calleeRange, definedBelow);
    const hint = OP_NAMES.suggest(expr.callee);
    this.error(expr.calleeRange, hint ? l10n.t("expected an operation, found unknown function '{0}' (did you mean '{1}'?)", excerpt(expr.callee), hint) : l10n.t("expected an operation, found unknown function '{0}'", excerpt(expr.callee)));
    for (const arg of expr.args) this.lower(arg.value, leafMode);
    return { kind: 'poison', range: expr.range };
  }

  /**
   * A call of a user function: the arguments are lowered where the call is,
   * then the body with the parameters bound to them. Its nodes belong to a
   * new FunctionCall; a problem inside the body is reported at the call.
   */
  private lowerFunctionCall(fn: UserFunction, expr: Extract<Expr, { kind: 'call' }>, leafMode: boolean): Lowered {
    if (this.callStack.length === 0) this.references.push({ range: expr.calleeRange, binding: fn.binding, isDefinition: false });
    const bound = this.functions.bindArguments(fn, expr.args, expr.range, (r, m) => this.error(r, m));
    const values = bound?.map((arg) => this.lower(arg, leafMode));
    if (!bound) for (const arg of expr.args) this.lower(arg.value, leafMode);
    if (!values || !fn.ok || values.some((v) => v.kind === 'poison')) return { kind: 'poison', range: expr.range };
    if (this.callStack.length >= MAX_CALL_DEPTH || this.nodes.length >= MAX_NODES_FOR_CALLS) {
      const why = this.callStack.length >= MAX_CALL_DEPTH ? l10n.t('calls nested at most {0} deep', MAX_CALL_DEPTH) : l10n.t('at most {0} nodes before a call', MAX_NODES_FOR_CALLS);
      // once is enough: the calls refused after the first say nothing new
      if (!this.callLimitReported) this.error(expr.range, l10n.t('{0}: expected {1}, found more (each call is drawn inline)', fn.name, why));
      this.callLimitReported = true;
      return { kind: 'poison', range: expr.range };
    }
    const locals = new Map<string, Lowered>();
    fn.statement.params.forEach((p, i) => locals.set(p.name, values[i]!));
    const saved = { locals: this.locals, call: this.currentCall };
    this.currentCall = this.calls.length;
    this.calls.push({ name: fn.name, parent: saved.call, range: expr.range, statementLine: this.statementRange.start.line });
    this.locals = locals;
    this.callStack.push({ fn, range: expr.range });
    const result = this.lower(fn.statement.body, leafMode);
    this.callStack.pop();
    this.locals = saved.locals;
    this.currentCall = saved.call;
    return { ...result, range: expr.range };
  }

  private lowerOpCall(op: OpDef, expr: Extract<Expr, { kind: 'call' }>, leafMode: boolean): Lowered {
    const args = expr.args;
    if (op.attrs.length === 0 && args.length === op.inputs.length && allPositional(args)) {
      // the common call: every input given in order, no attributes
      const inputs = new Array<Lowered>(args.length);
      for (let i = 0; i < args.length; i++) inputs[i] = this.lower(args[i]!.value, leafMode);
      return this.applyOp(op, inputs, NO_ATTRS, expr.range, expr.range);
    }
    const inputs: (Lowered | undefined)[] = new Array(op.inputs.length).fill(undefined);
    const attrArgs = new Map<string, Argument[]>();
    let positionalAttr = 0;
    let failed = false;
    let positional = 0;
    for (const arg of expr.args) {
      if (arg.keyword === null) {
        if (positional < op.inputs.length) {
          inputs[positional++] = this.lower(arg.value, leafMode);
          continue;
        }
        const spec = op.attrs[positionalAttr];
        if (!spec) {
          this.error(arg.range, l10n.t('{0}: expected at most {1} arguments {2}, found more', op.name, op.inputs.length + op.attrs.length, op.signature));
          failed = true;
          continue;
        }
        const list = attrArgs.get(spec.name);
        if (list) list.push(arg);
        else attrArgs.set(spec.name, [arg]);
        if (spec.kind !== 'ints') positionalAttr++;
        continue;
      }
      const inputIndex = op.inputs.indexOf(arg.keyword);
      if (inputIndex >= 0) {
        inputs[inputIndex] = this.lower(arg.value, leafMode);
        continue;
      }
      if (op.attrs.some((a) => a.name === arg.keyword)) {
        attrArgs.set(arg.keyword, [arg]);
        continue;
      }
      const known = [...op.inputs, ...op.attrs.map((a) => a.name)];
      this.error(arg.keywordRange ?? arg.range, l10n.t("{0}: expected one of the keywords {1}, found '{2}'", op.name, known.join(', '), excerpt(arg.keyword)));
      failed = true;
    }
    const missing = inputs.findIndex((i) => i === undefined);
    if (missing >= 0) {
      this.error(expr.range, op.inputs.length === 1
        ? l10n.t('{0}: expected 1 tensor argument {1}, found {2}', op.name, op.signature, inputs.filter((i) => i !== undefined).length)
        : l10n.t('{0}: expected {1} tensor arguments {2}, found {3}', op.name, op.inputs.length, op.signature, inputs.filter((i) => i !== undefined).length));
      return { kind: 'poison', range: expr.range };
    }
    const attrs: Record<string, AttrValue> = op.attrs.length === 0 ? NO_ATTRS : {};
    for (const spec of op.attrs) {
      const args = attrArgs.get(spec.name);
      if (!args) {
        if (spec.default === undefined) {
          this.error(expr.range, l10n.t('{0}: expected the argument {1} {2}, found none', op.name, spec.name, op.signature));
          failed = true;
        } else attrs[spec.name] = spec.default;
        continue;
      }
      const value = this.attrValue(op, spec.name, spec.kind, args);
      if (value === undefined) failed = true;
      else attrs[spec.name] = value;
    }
    if (failed) return { kind: 'poison', range: expr.range };
    return this.applyOp(op, inputs as Lowered[], attrs, expr.range, expr.range);
  }

  private attrValue(op: OpDef, name: string, kind: AttrKind, args: readonly Argument[]): AttrValue | undefined {
    const values = args.map((a) => this.lower(a.value, true));
    if (values.some((v) => v.kind === 'poison')) return undefined;
    const bad = (v: Lowered, wanted: string): undefined => {
      this.error(v.range, l10n.t('{0}: expected {1} for {2}, found {3}', op.name, wanted, name, describeLowered(v)));
      return undefined;
    };
    if (kind === 'ints') {
      const out: number[] = [];
      for (const v of values) {
        if (v.kind !== 'const' || v.tensor.rank > 1) return bad(v, 'whole numbers');
        const data = v.tensor.data;
        for (let i = 0; i < data.length; i++) {
          if (!Number.isInteger(data[i])) return bad(v, 'whole numbers');
          out.push(data[i]!);
        }
      }
      return out;
    }
    const v = values[0]!;
    if (kind === 'bool') {
      if (v.kind === 'bool') return v.value;
      if (v.kind === 'const' && v.tensor.rank === 0 && (v.tensor.data[0] === 0 || v.tensor.data[0] === 1)) return v.tensor.data[0] === 1;
      return bad(v, 'true or false');
    }
    if (kind === 'float') {
      if (v.kind === 'const' && v.tensor.rank === 0 && Number.isFinite(v.tensor.data[0])) return v.tensor.data[0]!;
      return bad(v, 'a finite number');
    }
    if (kind === 'intOrNone' && v.kind === 'none') return null;
    if (v.kind === 'const' && v.tensor.rank === 0 && Number.isInteger(v.tensor.data[0])) return v.tensor.data[0]!;
    return bad(v, kind === 'intOrNone' ? l10n.t('a whole number or None') : l10n.t('a whole number'));
  }

  private lowerConstructor(ctor: ConstructorDef, expr: Extract<Expr, { kind: 'call' }>): Lowered {
    const positional: ConstArg[] = [];
    const positionalRanges: Range[] = [];
    const keywords = new Map<string, ConstArg>();
    const keywordRanges = new Map<string, Range>();
    let failed = false;
    for (const arg of expr.args) {
      const value = this.lower(arg.value, true);
      let constArg: ConstArg | undefined;
      if (value.kind === 'const') constArg = value.tensor;
      else if (value.kind === 'string') constArg = value.value;
      else if (value.kind === 'bool') constArg = Tensor.scalar(value.value ? 1 : 0);
      else if (value.kind !== 'poison') this.error(value.range, l10n.t('{0}: expected a number, tensor or string, found {1}', ctor.name, describeLowered(value)));
      if (constArg === undefined) {
        failed = true;
        continue;
      }
      if (arg.keyword === null) {
        positional.push(constArg);
        positionalRanges.push(arg.range);
      } else if (!ctor.keywords.includes(arg.keyword)) {
        const wanted = ctor.keywords.length ? l10n.t('one of the keywords {0}', ctor.keywords.join(', ')) : l10n.t('no keyword arguments');
        this.error(arg.keywordRange ?? arg.range, l10n.t("{0}: expected {1}, found '{2}'", ctor.name, wanted, excerpt(arg.keyword)));
        failed = true;
      } else {
        keywords.set(arg.keyword, constArg);
        keywordRanges.set(arg.keyword, arg.range);
      }
    }
    if (failed) return { kind: 'poison', range: expr.range };
    const args = { positional, keywords };
    const where = (r: { argIndex?: number; keyword?: string }): Range =>
      (r.argIndex !== undefined ? positionalRanges[r.argIndex] : undefined) ?? (r.keyword !== undefined ? keywordRanges.get(r.keyword) : undefined) ?? expr.range;
    const shape = ctor.shape(args);
    if (!shape.ok) {
      this.error(where(shape), shape.message);
      return { kind: 'poison', range: expr.range };
    }
    if (shape.shape && !this.withinLimit(shape.shape, expr.range, ctor.name)) return { kind: 'poison', range: expr.range };
    if (shape.shape && !this.reserve(sizeOf(shape.shape), expr.range)) return { kind: 'poison', range: expr.range };
    const built = ctor.build(args, { defaultSeed: seedFromName(this.statementName), maxElements: this.options.maxTensorElements, files: this.options.files });
    if (!built.ok) {
      this.error(where(built), built.message);
      return { kind: 'poison', range: expr.range };
    }
    // load() learns its shape only by reading; its limits were checked before allocating, the budget is checked now
    if (!shape.shape && !this.reserve(built.value.size, expr.range)) return { kind: 'poison', range: expr.range };
    return { kind: 'const', tensor: built.value, range: expr.range };
  }

  /** One op applied to lowered inputs: folded when all are constants, else a new node. */
  private applyOp(op: OpDef, inputs: readonly Lowered[], attrs: Record<string, AttrValue>, opRange: Range, range: Range): Lowered {
    const n = inputs.length;
    for (let i = 0; i < n; i++) if (inputs[i]!.kind === 'poison') return { kind: 'poison', range };
    const shapes = new Array<Shape>(n);
    let constants = true;
    for (let i = 0; i < n; i++) {
      const input = inputs[i]!;
      if (input.kind === 'node') {
        shapes[i] = this.nodes[input.id]!.shape;
        constants = false;
      } else if (input.kind === 'const') shapes[i] = input.tensor.shape;
      else {
        this.error(input.range, l10n.t('{0}: expected a tensor for {1}, found {2}', op.name, String(op.inputs[i]), describeLowered(input)));
        return { kind: 'poison', range };
      }
    }
    const result = op.shape(shapes, attrs);
    if (!result.ok) {
      this.error(opRange, result.message);
      return { kind: 'poison', range };
    }
    if (!this.withinLimit(result.shape, opRange, op.name)) return { kind: 'poison', range };
    if (op.shapeWarning) {
      const warning = op.shapeWarning(shapes, attrs);
      if (warning) this.diagnostics.push({ severity: 'warning', range: opRange, message: warning });
    }
    if (constants) {
      const values = new Array<Tensor>(n);
      for (let i = 0; i < n; i++) values[i] = (inputs[i] as { tensor: Tensor }).tensor;
      const problem = op.checkValues?.(values, attrs) ?? null;
      if (problem) {
        this.error(opRange, problem);
        return { kind: 'poison', range };
      }
      return { kind: 'const', tensor: op.forward(values, attrs), range };
    }
    const ids = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const input = inputs[i]!;
      if (input.kind === 'node') ids[i] = input.id;
      else {
        const tensor = (input as { tensor: Tensor }).tensor;
        ids[i] = this.addNode(null, 'const', 'const', NO_INPUTS, NO_ATTRS, tensor.shape, input.range, tensor);
      }
    }
    const id = this.addNode(null, 'op', op.name, ids, attrs, result.shape, opRange, undefined);
    return { kind: 'node', id, range };
  }

  private scalar(x: number): Tensor {
    if (Object.is(x, -0)) return (this.negativeZero ??= Tensor.scalar(-0));
    let t = this.scalars.get(x);
    if (t !== undefined) return t;
    t = Tensor.scalar(x);
    // a file of many different numbers (a counter in every statement) would only grow the map
    if (this.scalars.size < MAX_SHARED_SCALARS) this.scalars.set(x, t);
    return t;
  }

  private withinLimit(shape: Shape, range: Range, what: string): boolean {
    const problem = shapeLimitProblem(shape, this.options.maxTensorElements);
    if (problem === null) return true;
    this.error(range, `${what}: ${problem}`);
    return false;
  }

  private toTensor(value: Lowered, what: string): Tensor | null {
    if (value.kind === 'const') return value.tensor;
    if (value.kind === 'bool') return Tensor.scalar(value.value ? 1 : 0);
    if (value.kind !== 'poison') this.error(value.range, l10n.t('expected a number or tensor for {0}, found {1}', what, describeLowered(value)));
    return null;
  }

  private warnIfNotFinite(value: Tensor, range: Range, what: string): void {
    for (const x of value.data) {
      if (!Number.isFinite(x)) {
        this.diagnostics.push({ severity: 'warning', range, message: l10n.t('{0} contains {1}', what, String(x)) });
        return;
      }
    }
  }

  private addNode(name: string | null, kind: NodeKind, op: string, inputs: readonly number[], attrs: Record<string, AttrValue>, shape: Shape, range: Range, value: Tensor | undefined): number {
    const id = this.nodes.length;
    this.valueBytes += sizeOf(shape) * BYTES_PER_ELEMENT;
    if (id === this.nodeStatements.length) {
      const wider = new Int32Array(2 * id);
      wider.set(this.nodeStatements);
      this.nodeStatements = wider;
    }
    this.nodeStatements[id] = this.statementIndex;
    // One object shape for every node (value present even when undefined) keeps V8 on its fast path.
    this.nodes.push({ id, name, kind, op, inputs, attrs, shape, range, statementRange: this.statementRange, value, group: this.currentCall, expandKey: undefined });
    return id;
  }

  private error(range: Range, message: string): void {
    this.diagnostics.push(this.errorDiagnostic(range, message, this.callStack));
  }

  /** A problem inside an inlined function body (`stack`: the calls being inlined) is reported at the outermost call, naming the functions. */
  private errorDiagnostic(range: Range, message: string, stack: readonly { readonly fn: UserFunction; readonly range: Range }[]): Diagnostic {
    if (stack.length > 0) {
      const inner = stack[stack.length - 1]!.fn.statement;
      const names = stack.map((c) => `${c.fn.name}()`);
      const chain = (names.length > 4 ? [...names.slice(0, 2), '…', ...names.slice(-2)] : names).join(' → ');
      return {
        severity: 'error',
        range: stack[0]!.range,
        message: l10n.t('in {0}: {1} (in the body of def {2}, line {3})', chain, message, functionSignature(inner), inner.range.start.line + 1),
      };
    }
    return { severity: 'error', range, message };
  }
}

function allPositional(args: readonly Argument[]): boolean {
  for (let i = 0; i < args.length; i++) if (args[i]!.keyword !== null) return false;
  return true;
}

function mentionsName(expr: Expr): boolean {
  // most statements show a name at once (`x * 2`, `relu(x)`, `f(x @ W)`): no walk
  if (expr.kind === 'name' || (expr.kind === 'binary' && (expr.left.kind === 'name' || expr.right.kind === 'name'))) return true;
  if (expr.kind === 'call') {
    for (let i = 0; i < expr.args.length; i++) {
      const v = expr.args[i]!.value;
      if (v.kind === 'name' || (v.kind === 'binary' && v.left.kind === 'name')) return true;
    }
  }
  return firstName(expr) !== null;
}

/** The first variable an expression mentions, if any (depth first, left to right, without recursion). */
function firstName(expr: Expr): Extract<Expr, { kind: 'name' }> | null {
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    switch (e.kind) {
      case 'name':
        return e;
      case 'tensor':
        for (let i = e.elements.length - 1; i >= 0; i--) stack.push(e.elements[i]!);
        break;
      case 'unary':
      case 'transpose':
        stack.push(e.operand);
        break;
      case 'binary':
        stack.push(e.right, e.left);
        break;
      case 'call':
        for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i]!.value);
        break;
      default:
        break;
    }
  }
  return null;
}

function describeLowered(v: Lowered): string {
  switch (v.kind) {
    case 'node':
      return l10n.t('a computed tensor');
    case 'const':
      return v.tensor.rank === 0 ? l10n.t('the number {0}', String(v.tensor.data[0])) : l10n.t('a tensor of shape [{0}]', v.tensor.shape.join(','));
    case 'string':
      return l10n.t('the string "{0}"', excerpt(v.value));
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'none':
      return 'None';
    case 'poison':
      return l10n.t('an invalid value');
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** FNV-1a of the name: the seed of `randn`/`rand` when the call gives none. */
export function seedFromName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

