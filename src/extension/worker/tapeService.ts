import * as l10n from '@vscode/l10n';
import { checkSource, evaluationSteps, type CheckResult } from '../../core/check';
import { withLeafValue } from '../../core/debug/graphRuntime';
import { bindingHoverMarkdown } from '../../core/editor/hoverMarkdown';
import { inlineValueLabels } from '../../core/editor/inlineValueLabels';
import { mapPosition } from '../../core/engine/positionMap';
import { gradientCheckSteps, type GradCheckProgress, type GradCheckReport } from '../../core/engine/gradcheck';
import { Stepper } from '../../core/engine/stepper';
import type { Graph } from '../../core/graph/graph';
import type { Diagnostic } from '../../core/language/range';
import { Tensor } from '../../core/tensor';
import type { IterationReplay } from '../../core/train/checkpointedTraining';
import { leafValuesFor, TrainingJob, withLeafValues } from '../training/trainingJob';
import { SentTape } from './sentTape';
import { encodeCheck, type CheckCodec } from './checkTransfer';
import type { FileAccess } from '../../core/ops/constructorDef';
import type { CheckMessage, FromWorker, LoadMessage, MappedPosition, ToWorker, WorkerCheckOptions, WorkerFiles } from './workerProtocol';

/** How long the thread works before it reads its messages again (a newer target or text supersedes older work). */
const SLICE_MS = 20;
/** During a long run to a far position, how often the host is shown where the tape is. */
const PROGRESS_MS = 250;
/** A hover or inline values asked during a run longer than this is answered at the position reached so far. */
const ANSWER_DURING_RUN_MS = 500;
/** How often a running Gradient Check reports progress. */
const GRADCHECK_PROGRESS_MS = 40;

type Post = (message: FromWorker, transfer?: ArrayBuffer[]) => void;

/** What the thread's work needs from the platform it runs on (Node: src/node; the browser: src/web). */
export interface ThreadPlatform {
  /** What `load()` may read for a document (`files` as the host sent them). */
  readonly documentFiles: (files: WorkerFiles | null) => FileAccess;
  /** How checks travel to the host as bytes (the host decodes with the same). */
  readonly codec: CheckCodec;
}

interface Loaded {
  readonly generation: number;
  readonly check: CheckResult;
  readonly graph: Graph;
  readonly stepper: Stepper;
  readonly sent: SentTape;
}

type Quick = Extract<ToWorker, { type: 'hover' | 'inlineLabels' }>;

interface GradCheckJob {
  readonly request: number;
  readonly steps: Generator<GradCheckProgress, GradCheckReport>;
  ranMs: number;
  sliceStart: number;
  lastProgress: number;
}

/**
 * The evaluation thread's work, without the thread: it takes the host's
 * messages, and does one thing at a time in slices of {@link SLICE_MS},
 * most urgent first — move the tape to the latest target, tell the host,
 * answer hovers and inline values (at the target, so they match what the
 * host shows next), then Gradient Check, then the background NaN check.
 * `busySince` (a shared clock cell) holds the start of the unit of work
 * running now, 0 between units, so the host can tell a thread deep in one
 * long operation (which it terminates when an edit supersedes it) from one
 * that will read its messages soon.
 */
export class TapeService {
  private loaded: Loaded | null = null;
  private target = 0;
  private request = 0;
  private settledSent = true;
  private lastProgress = 0;
  /** When the tape started moving towards the current target. */
  private runStart = 0;
  private readonly quick: Quick[] = [];
  private gradCheck: GradCheckJob | null = null;
  private evaluation: { readonly generation: number; readonly steps: Generator<void, Diagnostic[]> } | null = null;
  private scheduled = false;
  private pendingCheck: CheckMessage | null = null;
  /** The last check sent to the host, kept for the `load` that follows it. */
  private lastChecked: { readonly request: number; readonly check: CheckResult } | null = null;
  private idleWaiters: (() => void)[] = [];
  /** The text of the last load, for a training of a graph shown with composite ops opened. */
  private source: { readonly text: string; readonly check: WorkerCheckOptions; readonly files: WorkerFiles | null } | null = null;
  private training: TrainingJob | null = null;
  /** A `trainAt` recomputing its iteration, a step per unit of work. */
  private iteration: { message: Extract<ToWorker, { type: 'trainAt' }>; readonly replay: IterationReplay } | null = null;

  constructor(
    private readonly post: Post,
    private readonly platform: ThreadPlatform,
    private readonly busySince: Float64Array<ArrayBufferLike> = new Float64Array(2),
  ) {}

  receive(message: ToWorker): void {
    switch (message.type) {
      case 'check':
        // Only the newest text counts: an older one still waiting is dropped.
        this.pendingCheck = message;
        break;
      case 'load':
        this.load(message);
        break;
      case 'goTo':
        if (this.iteration?.message.generation === message.generation) this.iteration.message = { ...this.iteration.message, target: message.target, request: message.request };
        else if (this.loaded?.generation === message.generation) {
          this.target = clamp(message.target, this.loaded.stepper.total);
          this.request = message.request;
          if (this.settledSent) this.runStart = performance.now();
          this.settledSent = false;
        }
        break;
      case 'hover':
      case 'inlineLabels':
        this.quick.push(message);
        break;
      case 'gradCheck':
        this.startGradCheck(message.generation, message.request);
        break;
      case 'setLeaf':
        this.setLeaf(message);
        break;
      case 'train':
        this.startTraining(message.generation, message.request);
        break;
      case 'trainControl':
        if (this.training?.request === message.request && this.training.control(message.action)) this.reportTraining();
        break;
      case 'trainAt':
        this.startIteration(message);
        break;
      case 'cancel':
        if (this.gradCheck?.request === message.request) {
          this.post({ type: 'gradCheck', request: message.request, report: null });
          this.gradCheck = null;
        }
        break;
      default: {
        const unknown: never = message;
        throw new Error(`unknown message ${JSON.stringify(unknown)}`);
      }
    }
    this.schedule();
  }

  /** Resolves when nothing is left to do (for tests). */
  whenIdle(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Checks a text for the host; where the position shown lands in its graph goes with it. */
  private checkUnit(message: CheckMessage): void {
    const check = this.checkText(message.text, message.check, message.files);
    let mapped: MappedPosition | null = null;
    const graph = check.graph;
    if (graph) {
      const loaded = this.loaded;
      const previous = message.previous;
      if (loaded && loaded.graph.nodes.length > 0) mapped = { generation: loaded.generation, from: this.target, to: mapPosition(loaded.graph, this.target, graph) };
      else if (previous && previous.target > 0) {
        const before = this.checkText(previous.text, previous.check, previous.files).graph;
        if (before) mapped = { generation: previous.generation, from: previous.target, to: mapPosition(before, previous.target, graph) };
      }
    }
    this.lastChecked = { request: message.request, check };
    const { transfer, buffers } = encodeCheck(check, this.platform.codec);
    this.post({ type: 'checked', request: message.request, transfer, mapped }, buffers);
  }

  private load(message: LoadMessage): void {
    if (this.gradCheck) this.post({ type: 'gradCheck', request: this.gradCheck.request, report: null });
    this.gradCheck = null;
    this.evaluation = null;
    this.loaded = null;
    // The same text again (composite ops opened, a setting changed): the training goes on, its iterations still shown.
    const sameText = this.source !== null && this.source.text === message.text && sameFiles(this.source.files, message.files);
    this.source = { text: message.text, check: message.check, files: message.files };
    this.iteration = null;
    if (!sameText) {
      if (this.training?.running || this.training?.state === 'paused') {
        this.training.end('stopped', l10n.t('the file changed'));
        this.reportTraining();
      }
      this.training = null;
    }
    this.unit(() => {
      const kept = this.lastChecked && this.lastChecked.request === message.checked ? this.lastChecked.check : null;
      this.lastChecked = null;
      let check: CheckResult;
      try {
        check = kept ?? checkSource(message.text, { ...message.check, expand: expandOption(message.check.expand), files: this.platform.documentFiles(message.files), evaluate: false });
      } catch (e) {
        this.post({ type: 'failed', generation: message.generation, message: l10n.t('GraphStep could not check this file: {0}', (e as Error).message), range: null });
        return;
      }
      const graph = check.graph;
      if (!graph || graph.nodes.length !== message.nodeCount) {
        const message_ = graph ? 'the files this file loads changed while it was checked; edit or save it to check again' : (check.diagnostics[0]?.message ?? 'the file has errors');
        this.post({ type: 'failed', generation: message.generation, message: message_, range: null });
        return;
      }
      const stepper = new Stepper(graph);
      this.loaded = { generation: message.generation, check, graph, stepper, sent: new SentTape(graph) };
      this.target = clamp(message.target, stepper.total);
      this.request = message.request;
      this.settledSent = false;
      this.lastProgress = this.runStart = performance.now();
      if (message.evaluate) this.evaluation = { generation: message.generation, steps: evaluationSteps(graph) };
    }, true);
  }

  /** The same replacement as the host's (`withLeafValue`), then the tape recomputed up to the target. */
  private setLeaf(message: Extract<ToWorker, { type: 'setLeaf' }>): void {
    const loaded = this.loaded;
    if (!loaded || loaded.generation !== message.previous) return;
    if (this.gradCheck) this.post({ type: 'gradCheck', request: this.gradCheck.request, report: null });
    this.gradCheck = null;
    this.evaluation = null;
    this.unit(() => {
      const replaced = withLeafValue(loaded.graph, message.node, new Tensor(message.shape, message.data));
      if (typeof replaced === 'string') {
        this.post({ type: 'failed', generation: message.generation, message: replaced, range: null });
        return;
      }
      const stepper = new Stepper(replaced);
      this.loaded = { generation: message.generation, check: loaded.check, graph: replaced, stepper, sent: new SentTape(replaced) };
      this.target = clamp(message.target, stepper.total);
      this.request = message.request;
      this.settledSent = false;
      this.lastProgress = this.runStart = performance.now();
    });
  }

  /** GraphStep: Train: a new training of the loaded text from its first step (a training under way ends). */
  private startTraining(generation: number, request: number): void {
    const loaded = this.loaded;
    const fail = (message: string): void => this.post({ type: 'trainProgress', request, state: 'failed', message, steps: 0, from: 0, losses: new Float64Array(0), epochs: [], checkpointEvery: 1, memoryBytes: 0 });
    if (!loaded || loaded.generation !== generation) return fail(l10n.t('the file changed before training started'));
    if (this.training?.running || this.training?.state === 'paused') {
      this.training.end('stopped', l10n.t('a new training started'));
      this.reportTraining();
    }
    this.training = null;
    this.iteration = null;
    // A graph shown with composite ops opened has no plan: the same text, checked as written, has.
    let check = loaded.check;
    if (!check.training && this.source) check = this.checkText(this.source.text, { ...this.source.check, expand: undefined }, this.source.files);
    if (!check.graph || !check.training) return fail(l10n.t('expected a train statement (train LOSS with OPTIMIZER for N steps), found none'));
    this.training = new TrainingJob(request, check.graph, check.training);
    this.reportTraining();
  }

  private reportTraining(force = true): void {
    const report = this.training?.report(force);
    if (report) this.post(report, [report.losses.buffer as ArrayBuffer]);
  }

  /** Starts recomputing an iteration of the training (see the `trainAt` message). */
  private startIteration(message: Extract<ToWorker, { type: 'trainAt' }>): void {
    const loaded = this.loaded;
    if (!loaded || loaded.generation !== message.previous) return;
    const job = this.training;
    if (!job || job.request !== message.training) return this.iterationFailed(loaded, message, l10n.t('that training is no longer in the evaluation thread; train again'));
    if (!Number.isInteger(message.iteration) || message.iteration < 0 || message.iteration > job.run.step) return this.iterationFailed(loaded, message, l10n.t('expected an iteration in 0..{0}, found {1}', job.run.step, message.iteration));
    this.iteration = { message, replay: job.replayTo(message.iteration) };
  }

  /** Tells the host why not; the host has moved to the new generation, so the same graph goes on under it. */
  private iterationFailed(loaded: Loaded, message: Extract<ToWorker, { type: 'trainAt' }>, why: string): void {
    this.post({ type: 'trainLeaves', generation: message.generation, request: message.request, iteration: message.iteration, leaves: null, message: why });
    this.loaded = { ...loaded, generation: message.generation };
    this.target = clamp(message.target, loaded.stepper.total);
    this.request = message.request;
    this.settledSent = false;
  }

  /** One recomputed step towards the iteration; at it, the graph shown takes its leaves. */
  private iterationUnit(loaded: Loaded): void {
    const job = this.iteration!;
    const message = job.message;
    let leaves;
    try {
      if (!job.replay.advance()) return;
      this.iteration = null;
      leaves = leafValuesFor(this.training!.graph, loaded.graph, job.replay.leaves());
    } catch (e) {
      this.iteration = null;
      return this.iterationFailed(loaded, message, l10n.t('GraphStep could not recompute that iteration: {0}', (e as Error).message));
    }
    if (typeof leaves === 'string') return this.iterationFailed(loaded, message, leaves);
    const graph = withLeafValues(loaded.graph, leaves);
    const stepper = new Stepper(graph);
    // The host gets copies: the graph here keeps its own arrays.
    const sent = leaves.map((l) => ({ ...l, data: l.data.slice() }));
    this.post({ type: 'trainLeaves', generation: message.generation, request: message.request, iteration: message.iteration, leaves: sent, message: null }, sent.map((l) => l.data.buffer as ArrayBuffer));
    this.loaded = { generation: message.generation, check: loaded.check, graph, stepper, sent: new SentTape(graph) };
    this.target = clamp(message.target, stepper.total);
    this.request = message.request;
    this.settledSent = false;
    this.lastProgress = this.runStart = performance.now();
  }

  private startGradCheck(generation: number, request: number): void {
    const loaded = this.loaded;
    if (!loaded || loaded.generation !== generation) return this.post({ type: 'gradCheck', request, report: null });
    if (this.gradCheck) this.post({ type: 'gradCheck', request: this.gradCheck.request, report: null });
    // The clock counts only the time the check itself runs, so its times leave out everything between.
    const clock = (): number => job.ranMs + (job.sliceStart ? performance.now() - job.sliceStart : 0);
    const job: GradCheckJob = { request, steps: gradientCheckSteps(loaded.graph, () => clock()), ranMs: 0, sliceStart: 0, lastProgress: 0 };
    this.gradCheck = job;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.pump());
  }

  /** One slice of work; schedules the next while anything is left. */
  private pump(): void {
    const start = performance.now();
    let more = true;
    while (more && performance.now() - start < SLICE_MS) more = this.work();
    this.scheduled = false;
    if (more) return this.schedule();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Does the most urgent unit of work; false when there is none. */
  private work(): boolean {
    const loaded = this.loaded;
    if (!loaded && this.pendingCheck) {
      const pending = this.pendingCheck;
      this.pendingCheck = null;
      this.unit(() => this.checkUnit(pending), true);
      return true;
    }
    if (!loaded) {
      for (const q of this.quick.splice(0)) this.answerQuick(q, null);
      return false;
    }
    const stepper = loaded.stepper;
    const pending = this.pendingCheck;
    if (pending) {
      this.pendingCheck = null;
      this.unit(() => this.checkUnit(pending), true);
      return true;
    }
    const q = this.quick.length > 0 && (this.settledSent || performance.now() - this.runStart > ANSWER_DURING_RUN_MS) ? this.quick.shift() : undefined;
    if (q) {
      this.unit(() => this.answerQuick(q, loaded.generation === q.generation ? loaded : null));
      return true;
    }
    if (stepper.position !== this.target) {
      this.unit(() => {
        try {
          if (stepper.position < this.target) stepper.next();
          else stepper.previous();
        } catch (e) {
          const node = stepper.nodeAtStep(stepper.position + 1);
          this.post({ type: 'failed', generation: loaded.generation, message: l10n.t('GraphStep could not run this step: {0}', (e as Error).message), range: node === null ? null : loaded.graph.nodes[node]!.range });
          this.target = stepper.position;
        }
      });
      if (stepper.position !== this.target && performance.now() - this.lastProgress > PROGRESS_MS) this.sendTape(loaded, false);
      return true;
    }
    if (!this.settledSent) {
      this.unit(() => this.sendTape(loaded, true));
      return true;
    }
    if (this.iteration) {
      this.unit(() => this.iterationUnit(loaded));
      return true;
    }
    if (this.training?.running) {
      const job = this.training;
      this.unit(() => job.step());
      this.reportTraining(false);
      return true;
    }
    if (this.gradCheck) {
      this.unit(() => this.gradCheckUnit(this.gradCheck!));
      return true;
    }
    if (this.evaluation) {
      this.unit(() => this.evaluationUnit(loaded));
      return true;
    }
    return false;
  }

  private sendTape(loaded: Loaded, settled: boolean): void {
    if (settled) this.settledSent = true;
    const { update, transfer } = loaded.sent.update(loaded.stepper);
    this.post({ type: 'tape', generation: loaded.generation, request: this.request, settled, update }, transfer);
    this.lastProgress = performance.now();
  }

  /** Always answers (null when it cannot say), so the host never waits in vain. */
  private answerQuick(q: Quick, loaded: Loaded | null): void {
    if (q.type === 'hover') {
      const binding = loaded?.check.bindings[q.binding];
      const markdown = attempt(() => (loaded && binding && binding.nodeId >= 0 ? bindingHoverMarkdown(loaded.stepper, binding, { maxItems: q.maxItems }) : null));
      this.post({ type: 'hover', request: q.request, markdown });
    } else {
      this.post({ type: 'inlineLabels', request: q.request, labels: attempt(() => (loaded ? inlineValueLabels(loaded.stepper, loaded.check.bindings) : null)) });
    }
  }

  private gradCheckUnit(job: GradCheckJob): void {
    job.sliceStart = performance.now();
    let result: IteratorResult<GradCheckProgress, GradCheckReport>;
    try {
      result = job.steps.next();
    } catch (e) {
      this.post({ type: 'gradCheck', request: job.request, report: null, error: (e as Error).message });
      this.gradCheck = null;
      return;
    } finally {
      job.ranMs += performance.now() - job.sliceStart;
      job.sliceStart = 0;
    }
    if (result.done) {
      this.post({ type: 'gradCheck', request: job.request, report: result.value });
      this.gradCheck = null;
    } else if (result.value.total > 0 && (job.lastProgress === 0 || performance.now() - job.lastProgress > GRADCHECK_PROGRESS_MS)) {
      this.post({ type: 'gradCheckProgress', request: job.request, done: result.value.done, total: result.value.total });
      job.lastProgress = performance.now();
    }
  }

  private evaluationUnit(loaded: Loaded): void {
    const evaluation = this.evaluation!;
    let diagnostics: readonly Diagnostic[];
    try {
      const r = evaluation.steps.next();
      if (!r.done) return;
      diagnostics = r.value;
    } catch (e) {
      diagnostics = [{ severity: 'error', message: l10n.t('GraphStep could not evaluate this file: {0}', (e as Error).message), range: loaded.graph.nodes[0]!.range }];
    }
    this.evaluation = null;
    this.post({ type: 'evaluationProblems', generation: evaluation.generation, diagnostics });
  }

  /** Checks a text as the host asked (never throws: a failure is the check's one error). */
  private checkText(text: string, options: WorkerCheckOptions, files: WorkerFiles | null): CheckResult {
    try {
      return checkSource(text, { ...options, expand: expandOption(options.expand), files: this.platform.documentFiles(files), evaluate: false });
    } catch (e) {
      const message = `GraphStep could not check this file: ${(e as Error).message}`;
      return { graph: null, diagnostics: [{ severity: 'error', message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }], statements: [], bindings: [], references: [], cost: 0, memoryBytes: 0, evaluationSkipped: false };
    }
  }

  /**
   * Runs one unit of work with its start in the shared clock cell (and in
   * the next cell, whether it checks a text: a newer text waits for that
   * rather than abandon it, since the position is kept in the tape). What it
   * throws is reported as a problem of the current text, never left to end
   * the thread.
   */
  private unit(run: () => void, checking = false): void {
    this.busySince[0] = Date.now();
    this.busySince[1] = checking ? 1 : 0;
    try {
      run();
    } catch (e) {
      const generation = this.loaded?.generation;
      if (generation !== undefined) this.post({ type: 'failed', generation, message: l10n.t('GraphStep could not evaluate this file: {0}', (e as Error).message), range: null });
    } finally {
      this.busySince[0] = 0;
    }
  }
}

function sameFiles(a: WorkerFiles | null, b: WorkerFiles | null): boolean {
  return a === b || (a !== null && b !== null && a.file === b.file && a.folder === b.folder);
}

function attempt<T>(compute: () => T | null): T | null {
  try {
    return compute();
  } catch {
    return null;
  }
}

function clamp(position: number, total: number): number {
  return Math.max(0, Math.min(total, Math.trunc(position)));
}

function expandOption(expand: 'all' | readonly string[] | undefined): 'all' | ReadonlySet<string> | undefined {
  return expand === undefined || expand === 'all' ? expand : new Set(expand);
}
