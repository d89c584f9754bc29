import type { Range } from '../language/range';
import type { OpAttrs } from '../ops/opDef';
import type { Shape, Tensor } from '../tensor';

/** `input`/`param` leaves get gradients; `const` leaves do not; `op` nodes are computed. */
export type NodeKind = 'input' | 'param' | 'const' | 'op';

/** One node of the computational graph: a leaf or one operation. */
export interface GraphNode {
  readonly id: number;
  /** The variable it is bound to, or null for an unnamed intermediate or literal. */
  readonly name: string | null;
  readonly kind: NodeKind;
  /** The op's canonical name for `op` nodes; the kind (`input`, `param`, `const`) for leaves. */
  readonly op: string;
  /** Ids of the input nodes, in the op's argument order (empty for leaves). */
  readonly inputs: readonly number[];
  readonly attrs: OpAttrs;
  readonly shape: Shape;
  /** Where the node is made: the operator or call for an op, the name (or literal) for a leaf. */
  readonly range: Range;
  /** The whole statement the node belongs to. */
  readonly statementRange: Range;
  /** A leaf's value, evaluated when the file is loaded. Undefined for op nodes. */
  readonly value?: Tensor;
  /** The innermost group the node belongs to (an index into `Graph.groups`), or null at the top level. */
  readonly group: number | null;
  /** Set on a composite op (affine, softmax, …) that can be opened into its elementary ops: the key to open it by. */
  readonly expandKey?: string;
}

/** What made a group: an opened composite op, a call of a user function, or a block of source lines. */
export type GroupKind = 'composite' | 'function' | 'block';

/** A set of nodes drawn together (and collapsible into one box). */
export interface GraphGroup {
  /** Its index in `Graph.groups`. */
  readonly id: number;
  /**
   * Stable across edits that do not touch it: `composite:<line>:<col>`,
   * `fn:<name>:<line>:<col>` (of the call), `block:<first line>`.
   */
  readonly key: string;
  readonly kind: GroupKind;
  /** Drawn on the group: "Affine", "affine_relu", "layer 1". */
  readonly label: string;
  /** The enclosing group, or null at the top level. */
  readonly parent: number | null;
  /** The call, or the block's lines. */
  readonly range: Range;
}

/** One binding of a name: `c = ...` binds `c` to a node; a later `c = ...` is a new binding. */
export interface Binding {
  readonly name: string;
  readonly nodeId: number;
  /** The name at its definition. */
  readonly range: Range;
  readonly statementRange: Range;
  /**
   * Set for the names a `def` makes, which are bound to no node (`nodeId` -1):
   * the function's name, and each parameter (local to the function's body).
   */
  readonly role?: 'function' | 'parameter';
}

/** An occurrence of a name in the source, resolved to the binding it means. */
export interface NameReference {
  readonly range: Range;
  readonly binding: number;
  readonly isDefinition: boolean;
}

/** A checked graph: nodes in topological (source) order, ids equal to indices. */
export interface Graph {
  readonly nodes: readonly GraphNode[];
  /** The node the backward pass starts from; null when the file defines nothing. */
  readonly output: number | null;
  readonly bindings: readonly Binding[];
  readonly references: readonly NameReference[];
  /** Groups of nodes, parents before children; nodes point at their innermost one. */
  readonly groups: readonly GraphGroup[];
  /** Set when the file trains: the optimizer each training step updates the `params` (node ids) with. */
  readonly training?: {
    readonly optimizer: string;
    readonly hyper: Readonly<Record<string, number>>;
    readonly params: readonly number[];
  };
}

/**
 * A node with some fields replaced, written out field by field: an object
 * spread is several times slower, which shows at 10,000 nodes.
 */
export function copyNode(node: GraphNode, id: number, inputs: readonly number[], name: string | null, group: number | null, expandKey: string | undefined): GraphNode {
  return {
    id,
    name,
    kind: node.kind,
    op: node.op,
    inputs,
    attrs: node.attrs,
    shape: node.shape,
    range: node.range,
    statementRange: node.statementRange,
    value: node.value,
    group,
    expandKey,
  };
}
