import type { InlineValueLabel } from '../../core/editor/inlineValueLabels';
import type { GradCheckReport } from '../../core/engine/gradcheck';
import { withLeafValue } from '../../core/debug/graphRuntime';
import { mapPosition } from '../../core/engine/positionMap';
import type { Graph } from '../../core/graph/graph';
import type { Diagnostic, Range } from '../../core/language/range';
import type { Tensor } from '../../core/tensor';
import { ABANDON_AFTER_MS, EvaluationWorker } from './evaluationWorker';
import { TapeMirror } from './tapeMirror';
import type { FromWorker, LoadMessage, ToWorker, WorkerAnswer, WorkerCheckOptions, WorkerFiles } from './workerProtocol';

/** How long the previous graph stays shown while the thread computes the new one up to its position. */
const SWAP_AFTER_MS = 250;

/** A move on the tape (SPEC §2). */
export type StepMove = 'next' | 'previous' | 'runForward' | 'runBackward' | 'reset' | { readonly goTo: number };

/** What the client tells its session. */
export interface TapeClientListener {
  /** The shown tape moved, or now shows a new graph. */
  changed(): void;
  /** Problems only running the tape shows (NaN warnings, value errors, a step that failed, the thread dying). */
  problems(found: readonly Diagnostic[]): void;
  /** The thread ended unexpectedly (after `problems` says so). */
  died(message: string): void;
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
  readonly thread: EvaluationWorker;

  constructor(
    workerScript: string,
    private readonly listener: TapeClientListener,
  ) {
    this.thread = new EvaluationWorker(workerScript, { message: (m) => this.receive(m), died: (reason) => this.threadDied(reason) });
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
   * A new good graph of the text: the thread checks the same text (same
   * `check` options and `files`), stands where the same node ran in the same
   * phase, and runs the background check when `evaluate`.
   */
  load(graph: Graph, text: string, check: WorkerCheckOptions, files: WorkerFiles | null, evaluate: boolean): void {
    const previous = this.loaded;
    this.target = previous ? mapPosition(previous, this.target, graph) : 0;
    this.loaded = graph;
    const fresh = new TapeMirror(graph);
    this.loadedTotal = fresh.total;
    this.loadedForward = fresh.forwardSteps;
    // At position 0 a new tape holds only the leaves, which the host has: nothing to wait for.
    if (!this.mirror || this.target === 0) this.mirror = fresh;
    this.generation++;
    this.settled = false;
    this.lastLoad = { type: 'load', generation: this.generation, text, check, files, nodeCount: graph.nodes.length, target: this.target, request: this.goToRequest, evaluate };
    // Deep in one long operation the thread would read the new text only when it ends: abandon it instead.
    if (this.thread.busyMs() > ABANDON_AFTER_MS) this.abandonThread();
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

  dispose(): void {
    clearTimeout(this.swapTimer);
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
      case 'tape': {
        if (m.generation !== this.generation) return;
        clearTimeout(this.swapTimer);
        if (this.expectFreshTape || !this.mirror || this.mirror.graph !== this.loaded) this.mirror = new TapeMirror(this.loaded!);
        this.expectFreshTape = false;
        this.mirror.apply(m.update);
        if (m.settled && m.request === this.goToRequest) this.settled = true;
        this.listener.changed();
        if (m.settled) this.resolveSteps(m.request, true);
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

  /** A long computation was superseded: end the thread (the next message starts a new one); its pending answers will not come. */
  private abandonThread(): void {
    this.thread.stop();
    for (const resolve of this.answers.values()) resolve(null);
    this.answers.clear();
  }

  private threadDied(reason: string): void {
    this.settleAll();
    this.settled = true;
    if (this.mirror && this.mirror.graph === this.loaded) this.target = this.mirror.position;
    const message = `GraphStep: the evaluation stopped (${reason}). The graph shows the last values computed; step to start it again.`;
    this.listener.problems([{ severity: 'error', message, range: firstLine() }]);
    this.listener.died(message);
  }

  /** Resolves everything waiting on the thread: it will not answer. */
  private settleAll(): void {
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
    this.mirror = new TapeMirror(this.loaded);
    this.listener.changed();
  }
}

function firstLine(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
