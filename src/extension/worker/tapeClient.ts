import * as l10n from '@vscode/l10n';
import type { CheckResult } from '../../core/check';
import type { InlineValueLabel } from '../../core/editor/inlineValueLabels';
import type { GradCheckReport } from '../../core/engine/gradcheck';
import { withLeafValue } from '../../core/debug/graphRuntime';
import { mapPosition } from '../../core/engine/positionMap';
import { drawnLabel } from '../../core/render/drawableGraph';
import { adoptEncodedDrawable, encodedDrawableOf, hasEncodedDrawable } from '../../core/render/drawableTransfer';
import type { Graph } from '../../core/graph/graph';
import type { Diagnostic, Range } from '../../core/language/range';
import type { Tensor } from '../../core/tensor';
import { CheckAssembler } from './checkTransfer';
import { ABANDON_AFTER_MS, EvaluationWorker, type EvaluationThreads } from './evaluationWorker';
import { TapeMirror, type TapePlan } from './tapeMirror';
import { withLeafValues } from '../training/trainingJob';
import type { FromWorker, LoadMessage, MappedPosition, ToWorker, TrainingProgress, WorkerAnswer, WorkerCheckOptions, WorkerFiles } from './workerProtocol';
import type { StepMove as NamedStepMove } from '../../core/protocol';

/** Graphs small enough that the host maps a position from one to the other itself (well under a millisecond). */
const HOST_MAP_MAX_NODES = 4000;

/** How long the host takes a tape update before it hands its event loop back. */
const TAPE_SLICE_MS = 8;

/** How long the host reads a check before it hands its event loop back. */
const ASSEMBLE_SLICE_MS = 8;

/** A check made in the thread, and where the position shown lands in its graph. */
export interface CheckAnswer {
  readonly request: number;
  readonly check: CheckResult;
  readonly mapped: MappedPosition | null;
  /** The graph's tape plan, worked out in the thread. */
  readonly plan: TapePlan | null;
}

/** How long the previous graph stays shown while the thread computes the new one up to its position. */
const SWAP_AFTER_MS = 250;

/** A move on the tape. */
/** A move of the tape: one of the named moves the panel and the commands send, or to a position. */
export type StepMove = NamedStepMove | { readonly goTo: number };

/** What the client tells its session. */
export interface TapeClientListener {
  /** The shown tape moved, or now shows a new graph. */
  changed(): void;
  /** Problems only running the tape shows (NaN warnings, value errors, a step that failed, the thread dying). */
  problems(found: readonly Diagnostic[]): void;
  /** The thread ended unexpectedly (after `problems` says so). */
  died(message: string): void;
  /** A training reported (GraphStep: Train). */
  training?(progress: TrainingProgress): void;
  /** The thread was ended to take a new text (what it was computing, a training too, is gone). */
  abandoned?(): void;
}

interface StepWaiter {
  readonly request: number;
  readonly resolve: (moved: boolean) => void;
}

/**
 * The host's side of a document's evaluation thread: hands it each new
 * graph's text, asks for moves, hovers, inline values and Gradient Check, and
 * keeps the mirror of the tape (`shown`) the panel and the status bar read.
 * An edit supersedes whatever the thread was doing: the new text is queued
 * behind a short unit of work, or the thread is terminated and started
 * afresh when it is deep in a long one. Positions follow nodes across
 * edits (`mapPosition`). No VS Code here: the benchmark drives it too.
 */
export class TapeClient {
  private mirror: TapeMirror | null = null;
  private loaded: Graph | null = null;
  private loadedPlan: TapePlan | undefined;
  private loadedTotal = 0;
  private loadedForward = 0;
  private lastLoad: LoadMessage | null = null;
  /** The first tape after a load replaces the mirror (the thread starts from the leaves). */
  private expectFreshTape = true;
  private generation = 0;
  /** The position asked for last, on the loaded graph. */
  private target = 0;
  private settled = true;
  private nextRequest = 1;
  private goToRequest = 0;
  private readonly stepWaiters: StepWaiter[] = [];
  private readonly answers = new Map<number, (answer: WorkerAnswer | null) => void>();
  private readonly gradCheckProgress = new Map<number, (done: number, total: number) => void>();
  private swapTimer: NodeJS.Timeout | undefined;
  /** Tapes received and not yet taken whole (see `takeTapes`). */
  private readonly tapes: Extract<FromWorker, { type: 'tape' }>[] = [];
  private staging: TapeMirror | null = null;
  private pendingCheck: { readonly request: number; readonly resolve: (answer: CheckAnswer | null) => void } | null = null;
  readonly thread: EvaluationWorker;

  constructor(
    private readonly threads: EvaluationThreads,
    private readonly listener: TapeClientListener,
  ) {
    this.thread = new EvaluationWorker(threads.start, { message: (m) => this.receive(m), died: (reason) => this.threadDied(reason) });
  }

  /** The tape shown: the last good graph at the position the thread last reported. */
  get shown(): TapeMirror | null {
    return this.mirror;
  }

  /** The newest graph handed to the thread; `shown` catches up with it. */
  get loadedGraph(): Graph | null {
    return this.loaded;
  }

  /** The position asked for last. */
  get targetPosition(): number {
    return this.target;
  }

  /** Whether the shown tape is the newest graph at the position asked for last. */
  get isSettled(): boolean {
    return this.settled && this.mirror !== null && this.mirror.graph === this.loaded;
  }

  /**
   * Checks a text in the thread (the host's thread checks nothing): the
   * check, read a slice at a time, with where the position shown lands in
   * its graph; null when a newer text superseded it or the thread stopped.
   * A thread deep in one long computation of the tape is abandoned for it.
   */
  check(text: string, check: WorkerCheckOptions, files: WorkerFiles | null): Promise<CheckAnswer | null> {
    this.pendingCheck?.resolve(null);
    if (this.thread.busyMs() > ABANDON_AFTER_MS && !this.thread.busyChecking()) this.abandonThread();
    const request = this.nextRequest++;
    const last = this.lastLoad;
    // A new thread has no graph to follow the position from: it gets the text shown too.
    const previous = !this.thread.worker && last && this.target > 0 ? { text: last.text, check: last.check, files: last.files, generation: this.generation, target: this.target } : null;
    this.thread.post({ type: 'check', request, text, check, files, previous });
    return new Promise((resolve) => (this.pendingCheck = { request, resolve }));
  }

  /** Drops the check under way (the host checked a newer text itself). */
  cancelCheck(): void {
    this.pendingCheck?.resolve(null);
    this.pendingCheck = null;
  }

  /**
   * A new good graph of the text (from `check`): the thread stands where the
   * same node ran in the same phase (`answer.mapped`), and runs the
   * background check when `evaluate`.
   */
  load(graph: Graph, text: string, check: WorkerCheckOptions, files: WorkerFiles | null, evaluate: boolean, answer: CheckAnswer | null = null): void {
    const previous = this.loaded;
    const mapped = answer?.mapped;
    const fresh = new TapeMirror(graph, answer?.plan ?? undefined);
    this.loadedPlan = answer?.plan ?? undefined;
    this.target =
      mapped && mapped.generation === this.generation && mapped.from === this.target ? Math.min(mapped.to, fresh.total)
      : previous && this.target > 0 && previous.nodes.length + graph.nodes.length <= HOST_MAP_MAX_NODES ? mapPosition(previous, this.target, graph)
      : previous ? Math.min(this.target, fresh.total)
      : 0;
    this.loaded = graph;
    this.loadedTotal = fresh.total;
    this.loadedForward = fresh.forwardSteps;
    // At position 0 a new tape holds only the leaves, which the host has: nothing to wait for.
    if (!this.mirror || this.target === 0) this.mirror = fresh;
    this.generation++;
    this.settled = false;
    this.lastLoad = { type: 'load', generation: this.generation, checked: answer?.request ?? 0, text, check, files, nodeCount: graph.nodes.length, target: this.target, request: this.goToRequest, evaluate };
    // Deep in one long operation the thread would read the new text only when it ends: abandon it instead.
    if (this.thread.busyMs() > ABANDON_AFTER_MS && !this.thread.busyChecking()) this.abandonThread();
    this.expectFreshTape = true;
    this.thread.post(this.lastLoad);
    clearTimeout(this.swapTimer);
    this.swapTimer = setTimeout(() => this.showLoaded(), SWAP_AFTER_MS);
  }

  /** Moves on the tape; resolves once the thread has computed the new position (false when nothing moved). */
  step(move: StepMove): Promise<boolean> {
    if (!this.loaded) return Promise.resolve(false);
    const from = this.target;
    const to =
      typeof move === 'object' ? Math.trunc(move.goTo)
      : move === 'next' ? from + 1
      : move === 'previous' ? from - 1
      : move === 'runForward' ? this.loadedForward
      : move === 'runBackward' ? this.loadedTotal
      : 0;
    const target = Math.max(0, Math.min(this.loadedTotal, Number.isFinite(to) ? to : 0));
    if (target === from && this.isSettled) return Promise.resolve(false);
    this.target = target;
    this.settled = false;
    const request = (this.goToRequest = this.nextRequest++);
    this.send({ type: 'goTo', generation: this.generation, target, request });
    return new Promise((resolve) => this.stepWaiters.push({ request, resolve }));
  }

  /**
   * Gives a leaf of the loaded graph a new value (the debugger's Set Value):
   * the thread makes the same replacement and recomputes the tape up to the
   * position asked for last. Resolves once that tape is shown (null), or
   * with a message when it cannot.
   */
  setLeafValue(nodeId: number, value: Tensor): Promise<string | null> {
    const graph = this.loaded;
    if (!graph) return Promise.resolve('the file has errors: there is no graph to change');
    const replaced = withLeafValue(graph, nodeId, value);
    if (typeof replaced === 'string') return Promise.resolve(replaced);
    // The drawing shows no leaf's value but an unnamed constant's: the graph's encoded drawing usually still holds.
    if (hasEncodedDrawable(graph) && drawnLabel(graph.nodes[nodeId]!) === drawnLabel(replaced.nodes[nodeId]!)) adoptEncodedDrawable(replaced, encodedDrawableOf(graph));
    const previous = this.generation;
    this.generation++;
    this.loaded = replaced;
    this.settled = false;
    this.expectFreshTape = true;
    if (this.lastLoad) this.lastLoad = { ...this.lastLoad, generation: this.generation };
    clearTimeout(this.swapTimer);
    const request = (this.goToRequest = this.nextRequest++);
    this.send({ type: 'setLeaf', previous, generation: this.generation, node: nodeId, shape: value.shape, data: value.data.slice(), target: this.target, request });
    return new Promise((resolve) => this.stepWaiters.push({ request, resolve: (moved) => resolve(moved ? null : 'the evaluation stopped before the new value was computed') }));
  }

  /** The hover of binding number `binding` of the loaded text, at the position asked for last; null when the thread cannot say. */
  async hoverMarkdown(binding: number, maxItems: number): Promise<string | null> {
    if (!this.thread.worker) return null;
    const answer = await this.ask({ type: 'hover', generation: this.generation, request: this.nextRequest++, binding, maxItems });
    return answer?.type === 'hover' ? answer.markdown : null;
  }

  /** The inline values at the position asked for last; null when the thread cannot say. */
  async inlineLabels(): Promise<readonly InlineValueLabel[] | null> {
    if (!this.thread.worker) return null;
    const answer = await this.ask({ type: 'inlineLabels', generation: this.generation, request: this.nextRequest++ });
    return answer?.type === 'inlineLabels' ? answer.labels : null;
  }

  /** Gradient Check of the loaded graph: the report; undefined when aborted or superseded by an edit; throws when it failed. */
  async gradientCheck(signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<GradCheckReport | undefined> {
    if (!this.loaded || signal.aborted) return undefined;
    const request = this.nextRequest++;
    this.gradCheckProgress.set(request, (done, total) => signal.aborted || onProgress(done, total));
    const cancel = (): void => {
      if (this.thread.worker) this.thread.post({ type: 'cancel', request });
    };
    signal.addEventListener('abort', cancel);
    try {
      const answer = await this.ask({ type: 'gradCheck', generation: this.generation, request });
      if (answer?.type !== 'gradCheck') return undefined;
      if (answer.error) throw new Error(answer.error);
      return answer.report ?? undefined;
    } finally {
      signal.removeEventListener('abort', cancel);
      this.gradCheckProgress.delete(request);
    }
  }

  /** Trains the loaded graph's file in the thread from its first step; its reports go to the listener's `training`. The training's request, or null without a graph. */
  train(): number | null {
    if (!this.loaded) return null;
    const request = this.nextRequest++;
    this.send({ type: 'train', generation: this.generation, request });
    return request;
  }

  /** Pauses, resumes or stops training `request`. */
  controlTraining(request: number, action: 'pause' | 'resume' | 'stop'): void {
    if (this.thread.worker) this.thread.post({ type: 'trainControl', request, action });
  }

  /**
   * Shows iteration `iteration` of training `training`: the thread
   * recomputes it from a checkpoint and the graph's params and batch leaves
   * take its values (lasting until the file is rebuilt), at the position
   * asked for last. Resolves once that tape is shown (null), or with a
   * message when it cannot.
   */
  showIteration(training: number, iteration: number): Promise<string | null> {
    if (!this.loaded) return Promise.resolve(l10n.t('the file has errors: there is no graph to show the iteration in'));
    const previous = this.generation;
    this.generation++;
    this.settled = false;
    this.expectFreshTape = true;
    if (this.lastLoad) this.lastLoad = { ...this.lastLoad, generation: this.generation };
    clearTimeout(this.swapTimer);
    const request = (this.goToRequest = this.nextRequest++);
    this.send({ type: 'trainAt', training, iteration, previous, generation: this.generation, target: this.target, request });
    return new Promise((resolve) =>
      this.stepWaiters.push({
        request,
        resolve: (moved) => {
          const refused = this.refusedIterations.get(request);
          this.refusedIterations.delete(request);
          resolve(refused ?? (moved ? null : l10n.t('the evaluation stopped before the iteration was computed')));
        },
      }),
    );
  }

  private readonly refusedIterations = new Map<number, string>();

  dispose(): void {
    clearTimeout(this.swapTimer);
    this.tapes.length = 0;
    this.thread.stop();
    this.settleAll();
  }

  private ask(message: Extract<ToWorker, { request: number }>): Promise<WorkerAnswer | null> {
    return new Promise((resolve) => {
      this.answers.set(message.request, resolve);
      this.send(message);
    });
  }

  /** Posts to the thread, first giving a new thread (after a crash) the text and the position. */
  private send(message: ToWorker): void {
    if (!this.thread.worker && this.lastLoad) {
      this.expectFreshTape = true;
      this.thread.post({ ...this.lastLoad, target: this.target, request: this.goToRequest });
    }
    this.thread.post(message);
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case 'checked': {
        if (this.pendingCheck?.request !== m.request) return;
        // Read a slice at a time, the event loop handed back in between: a large check never holds the host.
        const assembler = new CheckAssembler(m.transfer, this.threads.codec);
        const read = (): void => {
          const pending = this.pendingCheck;
          if (pending?.request !== m.request) return;
          if (!assembler.step(ASSEMBLE_SLICE_MS)) return void setImmediate(read);
          this.pendingCheck = null;
          pending.resolve({ request: m.request, check: assembler.result(), mapped: m.mapped, plan: assembler.plan() });
        };
        read();
        return;
      }
      case 'tape': {
        if (m.generation !== this.generation) return;
        clearTimeout(this.swapTimer);
        this.tapes.push(m);
        if (this.tapes.length === 1) this.takeTapes();
        return;
      }
      case 'evaluationProblems':
        if (m.generation === this.generation) this.listener.problems(m.diagnostics);
        return;
      case 'failed':
        if (m.generation === this.generation) this.listener.problems([{ severity: 'error', message: m.message, range: m.range ?? firstLine() }]);
        return;
      case 'gradCheckProgress':
        this.gradCheckProgress.get(m.request)?.(m.done, m.total);
        return;
      case 'trainProgress':
        this.listener.training?.(m);
        return;
      case 'trainLeaves':
        if (m.generation !== this.generation || !this.loaded) return;
        if (m.leaves) this.loaded = withLeafValues(this.loaded, m.leaves);
        else this.refusedIterations.set(m.request, m.message ?? l10n.t('the iteration could not be shown'));
        return;
      case 'hover':
      case 'inlineLabels':
      case 'gradCheck':
        this.answers.get(m.request)?.(m);
        this.answers.delete(m.request);
        return;
      default: {
        const unknown: never = m;
        throw new Error(`unknown message from the evaluation thread: ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Takes the tapes the thread sent, in order, a slice of at most
   * TAPE_SLICE_MS at a time (a run over a large graph changes every slot);
   * each is shown once it is whole. A new graph's first tape fills a new
   * mirror, shown only when complete.
   */
  private takeTapes(): void {
    const start = performance.now();
    while (this.tapes.length > 0) {
      const m = this.tapes[0]!;
      if (m.generation !== this.generation) {
        this.tapes.shift();
        this.staging = null;
        continue;
      }
      if (!this.staging) {
        const fresh = this.expectFreshTape || !this.mirror || this.mirror.graph !== this.loaded;
        this.staging = fresh ? new TapeMirror(this.loaded!, this.loadedPlan) : this.mirror!;
        this.expectFreshTape = false;
      }
      const budget = TAPE_SLICE_MS - (performance.now() - start);
      if (budget <= 0 || !this.staging.applySome(m.update, budget)) return void setImmediate(() => this.takeTapes());
      this.tapes.shift();
      this.mirror = this.staging;
      this.staging = null;
      if (m.settled && m.request === this.goToRequest) this.settled = true;
      this.listener.changed();
      if (m.settled) this.resolveSteps(m.request, true);
    }
  }

  /** A long computation was superseded: end the thread (the next message starts a new one); its pending answers will not come. */
  private abandonThread(): void {
    this.thread.stop();
    this.listener.abandoned?.();
    for (const resolve of this.answers.values()) resolve(null);
    this.answers.clear();
  }

  private threadDied(reason: string): void {
    this.settleAll();
    this.settled = true;
    if (this.mirror && this.mirror.graph === this.loaded) this.target = this.mirror.position;
    const message = l10n.t('GraphStep: the evaluation stopped ({0}). The graph shows the last values computed; step to start it again.', reason);
    this.listener.problems([{ severity: 'error', message, range: firstLine() }]);
    this.listener.died(message);
  }

  /** Resolves everything waiting on the thread: it will not answer. */
  private settleAll(): void {
    this.pendingCheck?.resolve(null);
    this.pendingCheck = null;
    for (const resolve of this.answers.values()) resolve(null);
    this.answers.clear();
    this.resolveSteps(Infinity, false);
  }

  private resolveSteps(upTo: number, moved: boolean): void {
    for (let i = this.stepWaiters.length - 1; i >= 0; i--) {
      const w = this.stepWaiters[i]!;
      if (w.request > upTo) continue;
      this.stepWaiters.splice(i, 1);
      w.resolve(moved);
    }
  }

  /** After a while without the new tape, shows the new graph at the start while the thread catches up. */
  private showLoaded(): void {
    if (!this.loaded || this.mirror?.graph === this.loaded) return;
    this.mirror = new TapeMirror(this.loaded, this.loadedPlan);
    this.listener.changed();
  }
}

function firstLine(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
