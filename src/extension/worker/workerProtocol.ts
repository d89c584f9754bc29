/**
 * Every message between the extension host and a document's evaluation
 * thread (`out/evalWorker.js`). The host checks the text and owns the
 * position; the thread checks the same text again, owns the tape, and does
 * everything that touches tensor elements: stepping, the background NaN
 * check, Gradient Check, hovers and inline values. Plain data only
 * (structured clone); tensor data travels as transferred `Float64Array`s.
 */
import type { CheckOptions } from '../../core/check';
import type { InlineValueLabel } from '../../core/editor/inlineValueLabels';
import type { GradCheckReport } from '../../core/engine/gradcheck';
import type { Diagnostic, Range } from '../../core/language/range';
import type { FileRead } from '../../core/ops/loadRules';
import type { CheckTransfer } from './checkTransfer';

/** The data part of the check options (file access is made in the thread from `files`). */
export type WorkerCheckOptions = Omit<CheckOptions, 'files' | 'evaluate' | 'expand'> & {
  /** The composite ops to open: every one, or these keys. */
  readonly expand?: 'all' | readonly string[];
};

/** Where `load()` reads from: the `.nn` file and the folder it may not leave; null for an unsaved document. */
export interface WorkerFiles {
  readonly file: string;
  readonly folder: string;
  /**
   * In the browser, where the thread has no file system: what each path the
   * text may load gave when the host read it (`src/web/workspaceFiles.ts`).
   * In Node the thread reads the disk itself and this is absent.
   */
  readonly read?: Readonly<Record<string, FileRead>>;
}

/**
 * Check a text (the host checks nothing itself): answered by `checked`. When
 * the thread has no graph yet (a new thread, after a crash or an abandoned
 * computation), `previous` is the text the host shows now, so the position
 * can still follow its node into the new graph.
 */
export interface CheckMessage {
  readonly type: 'check';
  readonly request: number;
  readonly text: string;
  readonly check: WorkerCheckOptions;
  readonly files: WorkerFiles | null;
  readonly previous: { readonly text: string; readonly check: WorkerCheckOptions; readonly files: WorkerFiles | null; readonly generation: number; readonly target: number } | null;
}

/**
 * Where the position of the graph shown lands in a newly checked graph
 * (`mapPosition`, worked out in the thread): valid while the host still
 * stands at `from` on graph `generation`.
 */
export interface MappedPosition {
  readonly generation: number;
  readonly from: number;
  readonly to: number;
}

/**
 * A new good graph: the one of check `checked` when the thread still has it,
 * else check `text` again. Stand at `target`, and (when `evaluate`) run the
 * background NaN check.
 */
export interface LoadMessage {
  readonly type: 'load';
  readonly generation: number;
  readonly checked: number;
  readonly text: string;
  readonly check: WorkerCheckOptions;
  readonly files: WorkerFiles | null;
  /** Node count of the host's graph of the same text: a different count means the files changed in between. */
  readonly nodeCount: number;
  readonly target: number;
  /** The goTo request this load's target answers (0: none). */
  readonly request: number;
  readonly evaluate: boolean;
}

export type ToWorker =
  | CheckMessage
  | LoadMessage
  | { readonly type: 'goTo'; readonly generation: number; readonly target: number; readonly request: number }
  | { readonly type: 'hover'; readonly generation: number; readonly request: number; readonly binding: number; readonly maxItems: number }
  | { readonly type: 'inlineLabels'; readonly generation: number; readonly request: number }
  | { readonly type: 'gradCheck'; readonly generation: number; readonly request: number }
  | { readonly type: 'cancel'; readonly request: number }
  /** The debugger's Set Value: leaf `node` of graph `previous` holds `value` (its shape, then its elements); the result is graph `generation`. */
  | { readonly type: 'setLeaf'; readonly previous: number; readonly generation: number; readonly node: number; readonly shape: readonly number[]; readonly data: Float64Array; readonly target: number; readonly request: number }
  | TrainingToWorker;

/** GraphStep: Train — training the loaded text's `train` statement in the thread (see `TrainingJob`). */
export type TrainingToWorker =
  /** Train graph `generation`'s file from the start (ending any training before); answered by `trainProgress` with the same request. */
  | { readonly type: 'train'; readonly generation: number; readonly request: number }
  | { readonly type: 'trainControl'; readonly request: number; readonly action: 'pause' | 'resume' | 'stop' }
  /**
   * Show iteration `iteration` of training `training`: graph `previous` with
   * its params as they were before that iteration's update and its batch
   * leaves holding that iteration's rows becomes graph `generation` (answered
   * by `trainLeaves`, then the tape at `target`, settled for `request`).
   */
  | { readonly type: 'trainAt'; readonly training: number; readonly iteration: number; readonly previous: number; readonly generation: number; readonly target: number; readonly request: number };

/** Where a training stands. */
export type TrainingState = 'running' | 'paused' | 'done' | 'stopped' | 'failed';

/** Accuracy measured after one step's update (as `EpochRecord`). */
export interface TrainingEpoch {
  readonly step: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number | null;
}

/** What a training reports: the losses and epochs since its last report (from step `from`), and where it stands. */
export interface TrainingProgress {
  readonly type: 'trainProgress';
  readonly request: number;
  readonly state: TrainingState;
  /** Why it stopped or failed (null otherwise). */
  readonly message: string | null;
  readonly steps: number;
  readonly from: number;
  readonly losses: Float64Array;
  readonly epochs: readonly TrainingEpoch[];
  /** Every how many steps a checkpoint is kept. */
  readonly checkpointEvery: number;
  /** Bytes the checkpoints and the history hold. */
  readonly memoryBytes: number;
}

/** A leaf of the graph shown and its value at an iteration. */
export interface LeafValue {
  readonly node: number;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** The leaves `trainAt` replaced (null when it could not: `message` says why); the tape of `generation` follows. */
export interface TrainingLeaves {
  readonly type: 'trainLeaves';
  readonly generation: number;
  readonly request: number;
  readonly iteration: number;
  readonly leaves: readonly LeafValue[] | null;
  readonly message: string | null;
}

/**
 * What changed on the tape since the last update, in typed arrays so that
 * receiving it costs the host next to nothing whatever the number of
 * slots: each slot that now holds another tensor (an index into the
 * update's tensors, or -1 for none) and each changed count. A tensor held
 * by several slots travels once. The tensors' shapes are `shapes` (for each,
 * its rank then its dimensions); the elements of small tensors follow one
 * another in `packed`, each large tensor has its own buffer in `large`.
 */
export interface TapeUpdate {
  readonly position: number;
  readonly shapes: Float64Array;
  readonly packed: Float64Array;
  readonly large: readonly Float64Array[];
  /** Pairs: node id, tensor. */
  readonly values: Int32Array;
  /** Pairs: node id, tensor. */
  readonly grads: Int32Array;
  /** Triples: consumer id, input index, tensor. */
  readonly edges: Int32Array;
  /** Pairs: node id, contributions arrived. */
  readonly arrived: Int32Array;
}

/** Tensors of at most this many elements travel packed together; larger ones in their own buffer. */
export const PACKED_MAX_ELEMENTS = 4096;

export type FromWorker =
  /** The check of a text (see `CheckTransfer`). */
  | { readonly type: 'checked'; readonly request: number; readonly transfer: CheckTransfer; readonly mapped: MappedPosition | null }
  /** The tape moved; `settled` once it stands at the target of goTo `request`. */
  | { readonly type: 'tape'; readonly generation: number; readonly request: number; readonly settled: boolean; readonly update: TapeUpdate }
  /** What the background check found (may be empty). */
  | { readonly type: 'evaluationProblems'; readonly generation: number; readonly diagnostics: readonly Diagnostic[] }
  /** A step could not run, or the text could not be loaded; the tape stays where it is. */
  | { readonly type: 'failed'; readonly generation: number; readonly message: string; readonly range: Range | null }
  | { readonly type: 'hover'; readonly request: number; readonly markdown: string | null }
  | { readonly type: 'inlineLabels'; readonly request: number; readonly labels: readonly InlineValueLabel[] | null }
  | { readonly type: 'gradCheckProgress'; readonly request: number; readonly done: number; readonly total: number }
  /** The report, or null when cancelled, superseded by a new text, or failed (`error`). */
  | { readonly type: 'gradCheck'; readonly request: number; readonly report: GradCheckReport | null; readonly error?: string }
  | TrainingProgress
  | TrainingLeaves;

/** A request's answer: the messages that carry a `request` and end it. */
export type WorkerAnswer = Extract<FromWorker, { type: 'hover' | 'inlineLabels' | 'gradCheck' }>;
