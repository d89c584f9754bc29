import type { Expr, TrainingStatement } from '../language/ast';
import { excerpt } from '../language/excerpt';
import type { Range } from '../language/range';
import type { GraphNode } from '../graph/graph';
import { opByName } from '../ops/registry';
import type { Shape, Tensor } from '../tensor';
import { BatchSampler, takeRows } from './batchSampler';
import { DATASETS, datasetByName } from './datasets';
import { OPTIMIZERS, optimizerByName, type OptimizerDef } from './optimizers';
import * as l10n from '@vscode/l10n';

/** `batch a, b = sample(A, B, size=n, seed=s)`, resolved. */
export interface BatchPlan {
  /** The const leaves the statement made, one per source. */
  readonly leaves: readonly number[];
  /** A, B: the whole data the rows are drawn from (same size of axis 0). */
  readonly sources: readonly Tensor[];
  readonly size: number;
  readonly seed: number;
}

/** What a file's `train` statement asks for, resolved against its graph (node ids of the graph as built). */
export interface TrainingPlan {
  /** The node whose value is minimised; the backward pass of each step starts there. */
  readonly loss: number;
  readonly optimizer: OptimizerDef;
  /** Every hyper-parameter of the optimizer, defaults filled in. */
  readonly hyper: Readonly<Record<string, number>>;
  readonly steps: number;
  readonly batch: BatchPlan | null;
  /** `test a, b = A2, B2`: the leaves and what stands in for them when test accuracy is measured. */
  readonly test: { readonly leaves: readonly number[]; readonly values: readonly Tensor[] } | null;
  /** The `param` leaves, in source order: what each step updates. */
  readonly params: readonly number[];
  /** Whether accuracy is defined: the loss is softmax_with_loss or cross_entropy. */
  readonly accuracy: boolean;
  /** The train statement. */
  readonly range: Range;
}

/** What the graph builder lends the training statements. */
export interface TrainingHost {
  /** The constant value of an expression (names of const leaves, literals, constructors); null after reporting why not. */
  constant(expr: Expr): Tensor | null;
  /** A new const leaf bound to `name`; returns its node id. */
  addConstLeaf(name: string, nameRange: Range, value: Tensor): number;
  /** The node of the newest binding of `name`, recording the use; null after reporting an unknown name. */
  lookup(name: string, range: Range): number | null;
  readonly nodes: readonly GraphNode[];
  /** Binds `name` to nothing, after its statement failed. */
  bindFailed(name: string, nameRange: Range): void;
  /** The seed a random draw uses when the call gives none. */
  defaultSeed(name: string): number;
  /** Whether tensors of these shapes may be made (each within the element limits, all together within the memory budget); false after reporting why not at `range`. */
  allowTensors(shapes: readonly (readonly number[])[], range: Range, what: string): boolean;
  error(range: Range, message: string): void;
}

const SAMPLE_KEYWORDS = ['size', 'seed'];

/**
 * Collects a file's training statements while its graph is built (batch
 * leaves are made on the spot, so later statements use them) and checks them
 * together once the graph is complete.
 */
export class TrainingStatements {
  private batch: (BatchPlan & { readonly range: Range }) | null = null;
  private train: { readonly statement: Extract<TrainingStatement, { kind: 'train' }>; readonly loss: number; readonly optimizer: OptimizerDef; readonly hyper: Record<string, number>; readonly steps: number } | null = null;
  private test: { readonly statement: Extract<TrainingStatement, { kind: 'test' }>; readonly leaves: number[]; readonly values: Tensor[] } | null = null;
  private failed = false;

  constructor(private readonly host: TrainingHost) {}

  /** Handles one statement, reporting its problems. */
  add(statement: TrainingStatement): void {
    if (statement.kind === 'batch' || statement.kind === 'unpack') {
      if (!(statement.kind === 'batch' ? this.addBatch(statement) : this.addDataset(statement))) {
        // the names stay bound, to nothing, so their uses report nothing more
        this.failed = true;
        for (const n of statement.names) this.host.bindFailed(n.name, n.range);
      }
    } else if (statement.kind === 'train') this.addTrain(statement);
    else this.addTest(statement);
  }

  /** The plan, or null when the file trains nothing or a training statement had an error. */
  finish(): TrainingPlan | null {
    if (this.failed || !this.train) {
      if (!this.train && this.test && !this.failed) this.host.error(this.test.statement.range, l10n.t('test: expected a train statement (train LOSS with OPTIMIZER for N steps), found none'));
      return null;
    }
    const nodes = this.host.nodes;
    const lossNode = nodes[this.train.loss]!;
    const params = nodes.filter((n) => n.kind === 'param').map((n) => n.id);
    const accuracy = lossNode.op === 'softmax_with_loss' || lossNode.op === 'cross_entropy';
    if (this.batch && !this.substitutionFits(this.batch.leaves, this.batch.sources, this.batch.range, 'batch: the whole data')) return null;
    if (this.test) {
      if (!accuracy) {
        this.host.error(this.test.statement.range, l10n.t('test: expected a loss made by softmax_with_loss or cross_entropy to measure accuracy, found {0}', lossNode.op));
        return null;
      }
      if (!this.substitutionFits(this.test.leaves, this.test.values, this.test.statement.range, 'test')) return null;
    }
    return {
      loss: this.train.loss,
      optimizer: this.train.optimizer,
      hyper: this.train.hyper,
      steps: this.train.steps,
      batch: this.batch && { leaves: this.batch.leaves, sources: this.batch.sources, size: this.batch.size, seed: this.batch.seed },
      test: this.test && { leaves: this.test.leaves, values: this.test.values },
      params,
      accuracy,
      range: this.train.statement.range,
    };
  }

  private fail(range: Range, message: string): void {
    this.failed = true;
    this.host.error(range, message);
  }

  /** Makes the batch leaves; false after reporting a problem. */
  private addBatch(s: Extract<TrainingStatement, { kind: 'batch' }>): boolean {
    const names = s.names.map((n) => n.name).join(', ');
    const fail = (range: Range, message: string): false => {
      this.host.error(range, message);
      return false;
    };
    if (this.batch) return fail(s.range, l10n.t('expected one batch statement, found a second (the first is on line {0})', this.batch.range.start.line + 1));
    const expr = s.expr;
    if (expr.kind !== 'call' || expr.callee !== 'sample') {
      return fail(expr.range, l10n.t('batch: expected sample({0}, size=n, seed=s), found {1}', names.toUpperCase(), expr.kind === 'call' ? `${excerpt(expr.callee)}()` : l10n.t('an expression')));
    }
    const sources: Tensor[] = [];
    let size: number | null = null;
    let sizeRange: Range = expr.range;
    let seed: number | null = null;
    for (const arg of expr.args) {
      if (arg.keyword === null) {
        const value = this.host.constant(arg.value);
        if (!value) return false;
        if (value.rank === 0) return fail(arg.range, l10n.t('sample: expected a tensor with rows (axis 0) to draw from, found a scalar'));
        sources.push(value);
        continue;
      }
      if (!SAMPLE_KEYWORDS.includes(arg.keyword)) return fail(arg.keywordRange ?? arg.range, l10n.t("sample: expected one of the keywords size, seed, found '{0}'", excerpt(arg.keyword)));
      const value = this.host.constant(arg.value);
      if (!value) return false;
      const n = value.rank === 0 ? value.data[0]! : NaN;
      const max = arg.keyword === 'seed' ? 0xffffffff : 0x7fffffff;
      if (!Number.isInteger(n) || n < (arg.keyword === 'seed' ? 0 : 1) || n > max) {
        return fail(arg.value.range, l10n.t('sample: expected {0} for {1}, found {2}', arg.keyword === 'seed' ? l10n.t('a whole number in 0..4294967295') : l10n.t('a whole number ≥ 1'), arg.keyword, value.rank === 0 ? String(value.data[0]) : l10n.t('a tensor of shape [{0}]', value.shape.join(','))));
      }
      if (arg.keyword === 'size') {
        size = n;
        sizeRange = arg.value.range;
      } else seed = n;
    }
    if (sources.length !== s.names.length) {
      return fail(expr.range, s.names.length === 1 ? l10n.t('sample: expected 1 tensor to draw from (one for each of {0}), found {1}', names, sources.length) : l10n.t('sample: expected {0} tensors to draw from (one for each of {1}), found {2}', s.names.length, names, sources.length));
    }
    const rows = sources[0]!.shape[0]!;
    const other = sources.findIndex((t) => t.shape[0] !== rows);
    if (other >= 0) return fail(expr.args[other]!.range, l10n.t('sample: expected {0} rows (axis 0) as the first tensor has, found {1} in tensor {2}', rows, String(sources[other]!.shape[0]), other + 1));
    if (rows === 0) return fail(expr.args[0]!.range, l10n.t('sample: expected at least one row to draw from, found none'));
    if (size === null) return fail(expr.range, l10n.t('sample: expected size=n, the rows of each batch, found none'));
    // Every batch is bounded before a row is drawn: the sampler's indices and the rows it gathers.
    if (!this.host.allowTensors(sources.map((source) => [size, ...source.shape.slice(1)]), sizeRange, 'sample')) return false;
    const seedValue = seed ?? this.host.defaultSeed(s.names[0]!.name);
    const first = new BatchSampler(seedValue, rows, size).next();
    const leaves = s.names.map((n, i) => this.host.addConstLeaf(n.name, n.range, takeRows(sources[i]!, first)));
    this.batch = { leaves, sources, size, seed: seedValue, range: s.range };
    return true;
  }

  /** `const X, T = spiral(...)`: one const leaf per value; false after reporting a problem. */
  private addDataset(s: Extract<TrainingStatement, { kind: 'unpack' }>): boolean {
    const expr = s.expr;
    const dataset = expr.kind === 'call' ? datasetByName(expr.callee) : undefined;
    if (expr.kind !== 'call' || !dataset) {
      this.host.error(expr.range, l10n.t('expected a data set that gives {0} values ({1}), found {2}', s.names.length, DATASETS.map((d) => d.signature).join(', '), expr.kind === 'call' ? `${excerpt(expr.callee)}()` : l10n.t('an expression')));
      return false;
    }
    if (dataset.values.length !== s.names.length) {
      this.host.error(s.nameRange, l10n.t('{0}: expected {1} names ({2}), found {3}', dataset.name, dataset.values.length, dataset.values.join(', '), s.names.length));
      return false;
    }
    const positional: number[] = [];
    const keywords = new Map<string, number>();
    for (const arg of expr.args) {
      const value = this.host.constant(arg.value);
      if (!value) return false;
      if (arg.keyword !== null && !dataset.keywords.includes(arg.keyword)) {
        this.host.error(arg.keywordRange ?? arg.range, l10n.t("{0}: expected one of the keywords {1}, found '{2}'", dataset.name, dataset.keywords.join(', '), excerpt(arg.keyword)));
        return false;
      }
      const n = value.rank === 0 ? value.data[0]! : NaN;
      if (!Number.isInteger(n) || n < 0) {
        this.host.error(arg.value.range, l10n.t('{0}: expected a whole number ≥ 0, found {1}', dataset.name, value.rank === 0 ? n : l10n.t('a tensor of shape [{0}]', value.shape.join(','))));
        return false;
      }
      if (arg.keyword === null) positional.push(n);
      else keywords.set(arg.keyword, n);
    }
    const made = dataset.make(positional, keywords, this.host.defaultSeed(s.names[0]!.name));
    if (!made.ok) {
      this.host.error(expr.range, made.message);
      return false;
    }
    s.names.forEach((n, i) => this.host.addConstLeaf(n.name, n.range, made.values[i]!));
    return true;
  }

  private addTrain(s: Extract<TrainingStatement, { kind: 'train' }>): void {
    if (this.train) return this.fail(s.range, l10n.t('expected one train statement, found a second (the first is on line {0})', this.train.statement.range.start.line + 1));
    const loss = this.host.lookup(s.loss.name, s.loss.range);
    const optimizer = this.optimizer(s.optimizer);
    const stepsValue = this.host.constant(s.steps);
    if (loss === null || !optimizer || !stepsValue) return void (this.failed = true);
    const lossNode = this.host.nodes[loss]!;
    if (lossNode.kind !== 'op') return this.fail(s.loss.range, l10n.t("train: expected a loss computed from the params, found the {0} '{1}'", lossNode.kind, excerpt(s.loss.name)));
    if (lossNode.shape.length !== 0) return this.fail(s.loss.range, l10n.t("train: expected a scalar loss, found '{0}' of shape [{1}]", excerpt(s.loss.name), lossNode.shape.join(',')));
    const steps = stepsValue.rank === 0 ? stepsValue.data[0]! : NaN;
    if (!Number.isInteger(steps) || steps < 1 || steps > 1e9) return this.fail(s.steps.range, l10n.t('train: expected a whole number of steps ≥ 1, found {0}', stepsValue.rank === 0 ? steps : l10n.t('a tensor of shape [{0}]', stepsValue.shape.join(','))));
    this.train = { statement: s, loss, optimizer: optimizer.def, hyper: optimizer.hyper, steps };
  }

  private optimizer(expr: Expr): { def: OptimizerDef; hyper: Record<string, number> } | null {
    const names = OPTIMIZERS.map((o) => o.name).join(', ');
    const callee = expr.kind === 'call' ? expr.callee : expr.kind === 'name' ? expr.name : null;
    const def = callee === null ? undefined : optimizerByName(callee);
    if (!def) {
      this.fail(expr.kind === 'call' ? expr.calleeRange : expr.range, l10n.t('train: expected an optimizer ({0}), found {1}', names, callee === null ? l10n.t('an expression') : `'${excerpt(callee)}'`));
      return null;
    }
    const hyper: Record<string, number> = {};
    for (const h of def.hyper) hyper[h.name] = h.default;
    const args = expr.kind === 'call' ? expr.args : [];
    const signature = `${def.name}(${def.hyper.map((h) => `${h.name}=${h.default}`).join(', ')})`;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const spec = arg.keyword === null ? def.hyper[i] : def.hyper.find((h) => h.name === arg.keyword);
      if (!spec) {
        this.fail(arg.keywordRange ?? arg.range, arg.keyword === null ? l10n.t('{0}: expected at most {1} arguments {2}, found more', def.name, def.hyper.length, signature) : l10n.t("{0}: expected one of the keywords {1}, found '{2}'", def.name, def.hyper.map((h) => h.name).join(', '), excerpt(arg.keyword)));
        return null;
      }
      const value = this.host.constant(arg.value);
      if (!value) {
        this.failed = true;
        return null;
      }
      if (value.rank !== 0 || !Number.isFinite(value.data[0]!)) {
        this.fail(arg.value.range, l10n.t('{0}: expected a finite number for {1}, found {2}', def.name, spec.name, value.rank === 0 ? String(value.data[0]) : l10n.t('a tensor of shape [{0}]', value.shape.join(','))));
        return null;
      }
      hyper[spec.name] = value.data[0]!;
    }
    return { def, hyper };
  }

  private addTest(s: Extract<TrainingStatement, { kind: 'test' }>): void {
    if (this.test) return this.fail(s.range, l10n.t('expected one test statement, found a second (the first is on line {0})', this.test.statement.range.start.line + 1));
    if (s.values.length !== s.names.length) {
      return this.fail(s.range, s.names.length === 1 ? l10n.t("test: expected 1 value after '=' (one for each of {0}), found {1}", s.names.map((n) => n.name).join(', '), s.values.length) : l10n.t("test: expected {0} values after '=' (one for each of {1}), found {2}", s.names.length, s.names.map((n) => n.name).join(', '), s.values.length));
    }
    const leaves: number[] = [];
    const values: Tensor[] = [];
    for (let i = 0; i < s.names.length; i++) {
      const name = s.names[i]!;
      const id = this.host.lookup(name.name, name.range);
      const value = this.host.constant(s.values[i]!);
      if (id === null || !value) return void (this.failed = true);
      const node = this.host.nodes[id]!;
      if (node.kind !== 'const' && node.kind !== 'input') return this.fail(name.range, l10n.t("test: expected a data leaf (a batch name or a const), found the {0} '{1}'", node.kind, excerpt(name.name)));
      leaves.push(id);
      values.push(value);
    }
    const rows = values[0]!.shape[0];
    const other = values.findIndex((v) => v.shape[0] !== rows);
    if (other >= 0) return this.fail(s.values[other]!.range, l10n.t('test: expected {0} rows (axis 0) as the first value has, found {1}', String(rows), String(values[other]!.shape[0])));
    this.test = { statement: s, leaves, values };
  }

  /**
   * Whether the graph's shapes still check with `values` standing in for
   * `leaves` (more or fewer rows); otherwise reports the first op that
   * refuses them, at `range`.
   */
  private substitutionFits(leaves: readonly number[], values: readonly Tensor[], range: Range, what: string): boolean {
    const nodes = this.host.nodes;
    const shapes: Shape[] = nodes.map((n) => n.shape);
    for (let i = 0; i < leaves.length; i++) {
      const leaf = nodes[leaves[i]!]!;
      const value = values[i]!;
      if (value.rank !== leaf.shape.length || value.shape.some((d, k) => k > 0 && d !== leaf.shape[k])) {
        this.fail(range, l10n.t("{0}: expected {1}'s shape [{2}], found [{3}]", what, excerpt(leaf.name ?? l10n.t('the leaf')), ['N', ...leaf.shape.slice(1)].join(','), value.shape.join(',')));
        return false;
      }
      shapes[leaf.id] = value.shape;
    }
    const scores = nodes[this.train!.loss]!.inputs;
    const needed = ancestors(nodes, [this.train!.loss]);
    for (const node of nodes) {
      if (node.kind !== 'op' || !needed[node.id]) continue;
      if (node.id === this.train!.loss) continue;
      const result = opByName(node.op)!.shape(node.inputs.map((i) => shapes[i]!), node.attrs);
      if (!result.ok) {
        this.fail(range, l10n.t('{0}: the graph does not take {1} rows: {2} (line {3})', what, String(values[0]!.shape[0]), result.message, node.range.start.line + 1));
        return false;
      }
      shapes[node.id] = result.shape;
    }
    const [x, t] = scores.map((i) => shapes[i]!);
    if (x && t && x[0] !== t[0]) {
      this.fail(range, l10n.t('{0}: expected as many labels as rows of scores, found {1} labels for {2} rows', what, String(t[0]), String(x[0])));
      return false;
    }
    return true;
  }
}

/** Which nodes the given ones depend on (themselves included). */
export function ancestors(nodes: readonly GraphNode[], targets: readonly number[]): boolean[] {
  const needed = new Array<boolean>(nodes.length).fill(false);
  for (const t of targets) needed[t] = true;
  for (let id = nodes.length - 1; id >= 0; id--) {
    if (!needed[id]) continue;
    for (const input of nodes[id]!.inputs) needed[input] = true;
  }
  return needed;
}
