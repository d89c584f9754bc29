import type { CheckResult } from '../../core/check';
import type { Graph, GraphNode } from '../../core/graph/graph';
import { tapePlan } from '../../core/engine/stepper';
import { statementOutline } from '../../core/language/statementOutline';
import { drawableGraph } from '../../core/render/drawableGraph';
import { adoptEncodedDrawable, encodeDrawable } from '../../core/render/drawableTransfer';
import { Tensor } from '../../core/tensor';
import type { TapePlan } from './tapeMirror';

/**
 * A check made in the evaluation thread, on its way to the extension host.
 * Receiving a whole check of a 10,000-statement file as one message would
 * hold the host's thread for over 100 ms (rebuilding half a million small
 * objects), so the long lists travel as one buffer of small serialized
 * batches that the host reads a few at a time, handing its event loop back
 * in between (`CheckAssembler`).
 */
export interface CheckTransfer {
  /** The batches, one after another (each an array of items, encoded by the platform's `CheckCodec`). */
  readonly bytes: Uint8Array;
  /** Per batch: its section (see SECTIONS), then the offset where it ends. */
  readonly batches: Int32Array;
  readonly head: CheckHead;
  /** The graph's tape plan (forward steps, backward steps, contributions expected per node), worked out in the thread. */
  readonly plan: { readonly forward: Int32Array; readonly backward: Int32Array; readonly expected: Int32Array } | null;
  /** A large graph's drawable form, encoded for the graph panel here rather than on the host (`encodeDrawable`). */
  readonly drawable: Uint8Array | null;
}

/** Graphs of more nodes than this have their drawable form encoded in the thread. */
const ENCODE_DRAWABLE_MIN_NODES = 2000;

/** The small part of a check, read at once. */
interface CheckHead {
  readonly hasGraph: boolean;
  readonly output: number | null;
  readonly groups: Graph['groups'];
  /** What a file that trains updates its params with (the update drawn at each param, GraphStep: Train). */
  readonly training: Graph['training'] | null;
  readonly cost: number;
  readonly memoryBytes: number;
  readonly evaluationSkipped: boolean;
  /** Whether the check's bindings and references are the graph's own lists (then they travel once). */
  readonly sharedBindings: boolean;
  readonly sharedReferences: boolean;
}

/**
 * How a batch of items becomes bytes in the thread and items again on the
 * host; both ends of a platform use the same one: `v8.serialize` in Node
 * (src/node/v8Codec.ts), devalue's text in the browser (src/web/devalueCodec.ts).
 * Either keeps every float64 bit (NaN, -0), typed arrays, `undefined` fields, Maps and Sets.
 */
export interface CheckCodec {
  encode(items: readonly unknown[]): Uint8Array;
  decode(bytes: Uint8Array): unknown[];
}

/** The lists that travel in batches, in this order. */
const SECTIONS = ['nodes', 'graphBindings', 'graphReferences', 'diagnostics', 'statements', 'bindings', 'references'] as const;
type Section = (typeof SECTIONS)[number];

/** Items per batch: a batch of the largest items (statements) reads in well under 10 ms. */
const BATCH_ITEMS = 50;

/** Encodes a check in the thread; the buffers returned are to be transferred, not copied. */
export function encodeCheck(check: CheckResult, codec: CheckCodec): { transfer: CheckTransfer; buffers: ArrayBuffer[] } {
  const graph = check.graph;
  const lists: Record<Section, readonly unknown[]> = {
    nodes: graph?.nodes ?? [],
    graphBindings: graph?.bindings ?? [],
    graphReferences: graph?.references ?? [],
    diagnostics: check.diagnostics,
    // The host reads statements for the outline only: their expression trees stay here.
    statements: check.statements.map(statementOutline),
    bindings: graph && check.bindings === graph.bindings ? [] : check.bindings,
    references: graph && check.references === graph.references ? [] : check.references,
  };
  const chunks: Uint8Array[] = [];
  const batches: number[] = [];
  let end = 0;
  SECTIONS.forEach((section, s) => {
    const list = lists[section];
    for (let i = 0; i < list.length; i += BATCH_ITEMS) {
      const chunk = codec.encode(list.slice(i, i + BATCH_ITEMS));
      chunks.push(chunk);
      end += chunk.length;
      batches.push(s, end);
    }
  });
  const bytes = new Uint8Array(end);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  const head: CheckHead = {
    hasGraph: graph !== null,
    output: graph?.output ?? null,
    groups: graph?.groups ?? [],
    training: graph?.training ?? null,
    cost: check.cost,
    memoryBytes: check.memoryBytes,
    evaluationSkipped: check.evaluationSkipped,
    sharedBindings: graph !== null && check.bindings === graph.bindings,
    sharedReferences: graph !== null && check.references === graph.references,
  };
  const batchArray = Int32Array.from(batches);
  const p = graph ? tapePlan(graph) : null;
  const plan = p ? { forward: Int32Array.from(p.forward), backward: Int32Array.from(p.backward), expected: Int32Array.from(p.expected) } : null;
  const drawable = graph && graph.nodes.length > ENCODE_DRAWABLE_MIN_NODES ? encodeDrawable(drawableGraph(graph)) : null;
  const buffers = [bytes.buffer as ArrayBuffer, batchArray.buffer as ArrayBuffer];
  if (plan) buffers.push(plan.forward.buffer as ArrayBuffer, plan.backward.buffer as ArrayBuffer, plan.expected.buffer as ArrayBuffer);
  if (drawable) buffers.push(drawable.buffer as ArrayBuffer);
  return { transfer: { bytes, batches: batchArray, head, plan, drawable }, buffers };
}

/**
 * Reads a `CheckTransfer` on the host a slice at a time: `step(ms)` reads
 * batches for about `ms` milliseconds and says whether it is done; then
 * `result()` is the check, equal to the thread's (leaf values are Tensors
 * again).
 */
export class CheckAssembler {
  private next = 0;
  private readonly lists: Record<Section, unknown[]> = {
    nodes: [],
    graphBindings: [],
    graphReferences: [],
    diagnostics: [],
    statements: [],
    bindings: [],
    references: [],
  };

  constructor(
    private readonly transfer: CheckTransfer,
    private readonly codec: CheckCodec,
  ) {}

  get done(): boolean {
    return this.next * 2 >= this.transfer.batches.length;
  }

  step(ms: number): boolean {
    const start = performance.now();
    const { bytes, batches } = this.transfer;
    while (!this.done) {
      const i = this.next++;
      const section = SECTIONS[batches[2 * i]!]!;
      const from = i === 0 ? 0 : batches[2 * i - 1]!;
      const items = this.codec.decode(bytes.subarray(from, batches[2 * i + 1]!));
      if (section === 'nodes') for (const node of items) reviveValue(node as { value?: { readonly shape: readonly number[]; readonly data: Float64Array } });
      const list = this.lists[section];
      for (const item of items) list.push(item);
      if (performance.now() - start >= ms) break;
    }
    return this.done;
  }

  /** The graph's tape plan, as `tapePlan` gives it (null without a graph). */
  plan(): TapePlan | null {
    const p = this.transfer.plan;
    return p ? { forward: Array.from(p.forward), backward: Array.from(p.backward), expected: Array.from(p.expected) } : null;
  }

  result(): CheckResult {
    if (!this.done) throw new Error('the check has not been read whole yet');
    const h = this.transfer.head;
    const l = this.lists;
    const graph: Graph | null = h.hasGraph
      ? { nodes: l.nodes as GraphNode[], output: h.output, bindings: l.graphBindings as Graph['bindings'], references: l.graphReferences as Graph['references'], groups: h.groups, ...(h.training ? { training: h.training } : {}) }
      : null;
    if (graph && this.transfer.drawable) adoptEncodedDrawable(graph, this.transfer.drawable);
    return {
      graph,
      diagnostics: l.diagnostics as CheckResult['diagnostics'],
      statements: l.statements as CheckResult['statements'],
      bindings: h.sharedBindings && graph ? graph.bindings : (l.bindings as CheckResult['bindings']),
      references: h.sharedReferences && graph ? graph.references : (l.references as CheckResult['references']),
      cost: h.cost,
      memoryBytes: h.memoryBytes,
      evaluationSkipped: h.evaluationSkipped,
    };
  }
}

/** A structured clone keeps a tensor's fields but not its class. */
function reviveValue(node: { value?: { readonly shape: readonly number[]; readonly data: Float64Array } }): void {
  const v = node.value;
  if (v && !(v instanceof Tensor)) node.value = new Tensor(v.shape, v.data);
}
