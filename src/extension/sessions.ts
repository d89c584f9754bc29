import * as vscode from 'vscode';
import { DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_TENSOR_ELEMENTS, type CheckResult } from '../core/check';
import type { InlineValueLabel } from '../core/editor/inlineValueLabels';
import type { GradCheckReport } from '../core/engine/gradcheck';
import type { Graph } from '../core/graph/graph';
import type { Tensor } from '../core/tensor';
import { byStart, type Diagnostic } from '../core/language/range';
import { TrainingRun } from './training/trainingRun';
import { quickCheck } from './worker/quickCheck';
import { TapeClient, type CheckAnswer, type StepMove } from './worker/tapeClient';
import type { EvaluationThreads } from './worker/evaluationWorker';
import type { TapeMirror } from './worker/tapeMirror';
import type { WorkerCheckOptions, WorkerFiles } from './worker/workerProtocol';

export const LANGUAGE_ID = 'graphstep';

/** A call of `load(` anywhere in a text (a superset of the texts whose check reads a file). */
const LOAD_CALL = /\bload\s*\(/;

/** Files saved in a burst (a script writing several `.npy` files) are taken in one recheck. */
const FILE_CHANGE_DEBOUNCE_MS = 300;

/** Above this many multiply-adds per pass (about a second here), NaN checks wait for the user to step. */
const AUTO_EVALUATE_MAX_COST = 5e8;

/**
 * Whether the thread runs the background NaN check of a new graph unasked:
 * when one pass is cheap (AUTO_EVALUATE_MAX_COST) and the check's own copy
 * of the tape fits in the memory budget beside the tape being stepped (so
 * at most half of `graphstep.maxMemoryMB`).
 */
function evaluatesUnasked(check: CheckResult, maxMemoryMB: number): boolean {
  return check.cost <= AUTO_EVALUATE_MAX_COST && 2 * check.memoryBytes <= maxMemoryMB * 1048576;
}

export type { StepMove };

/**
 * What differs between the extension on Node (desktop, a remote) and in a
 * browser (VS Code for the Web): how evaluation threads start, and how the
 * files a document `load()`s reach its thread.
 */
export interface SessionPlatform {
  readonly threads: EvaluationThreads;
  /**
   * Where `load()` reads from for a document whose text is `text`; null when
   * it cannot read files. In Node the thread reads them itself; in the
   * browser the host reads them first (a promise) and they travel with the text.
   */
  documentFiles(document: vscode.TextDocument, text: string): WorkerFiles | null | Promise<WorkerFiles | null>;
  /** A file of the workspace changed, was created or deleted (the sessions' watcher saw it): what `documentFiles` keeps of it is stale. */
  fileChanged?(uri: vscode.Uri): void;
}

/** What the editor shows of a document's session (kept on the session, like all per-document state). */
export interface ShownInEditor {
  /** The inline value labels shown now; null before the first update. */
  labels: readonly InlineValueLabel[] | null;
  /** The range of the operator the last step ran. */
  current: readonly vscode.Range[];
  /** The update under way (the labels come from the evaluation thread). */
  updating: Promise<void> | null;
}

/** What a session needs from the registry that owns it. */
export interface SessionOwner {
  readonly platform: SessionPlatform;
  /** The session's graph, position or diagnostics changed (`fire`: tell the listeners; else only the Problems panel). */
  changed(session: DocumentSession, diagnostics: boolean, fire?: boolean): void;
  /** A file changed, was created or deleted where `load()` may read (what the registry's watcher hears). */
  fileEvent(uri: vscode.Uri): void;
}

/**
 * What GraphStep knows about one `.nn` document: the last check, the last
 * good graph and the position on its tape. Everything in the editor and the
 * panel reads from here.
 *
 * The extension host's thread only routes messages: the session's
 * evaluation thread (`TapeClient`) checks the text (syntax, names, shapes,
 * leaf values), owns the tape, steps, runs the background NaN check and
 * Gradient Check, and answers hovers and inline values. The host keeps the
 * last check (read from the thread a slice at a time) and a mirror of the
 * tape at the position the thread last reported (`stepper`), so the panel,
 * the status bar and the language features read them synchronously.
 */
export class DocumentSession {
  private checkResult: CheckResult;
  private checked: number | null = null;
  private checkRequests = 0;
  private pendingVersion: number | null = null;
  private readonly checkWaiters: (() => void)[] = [];
  private currentRevision = 0;
  private gradCheckReport: GradCheckReport | null = null;
  private readonly expanded = new Set<string>();
  private readonly tape: TapeClient;
  /** The error shown since the thread stopped unexpectedly; cleared once a new thread reports. */
  private stopped: Diagnostic | null = null;
  /** The last training (GraphStep: Train), kept when the file changes, marked stale. */
  private trainingRun: TrainingRun | null = null;
  /** Whether the text last checked calls `load()`: a change of a file in the workspace then rechecks it. */
  private mayLoad = false;
  /** The recheck due after typing (see `scheduleRebuild`). */
  private rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  /** What the editor shows of this document: the inline values, the operator of the last step, and their update under way. */
  readonly shownInEditor: ShownInEditor = { labels: null, current: [], updating: null };
  /** The watcher of the document's folder when no watcher of the registry sees it (see `folderWatcher`). */
  private readonly watcher: vscode.Disposable | null;

  constructor(
    readonly document: vscode.TextDocument,
    private readonly owner: SessionOwner,
  ) {
    this.checkResult = { graph: null, diagnostics: [], statements: [], bindings: [], references: [], cost: 0, memoryBytes: 0, evaluationSkipped: false };
    this.tape = new TapeClient(owner.platform.threads, {
      changed: () => this.tapeChanged(),
      problems: (found) => this.addProblems(found),
      training: (progress) => this.trainingRun?.take(progress),
      abandoned: () => this.trainingRun?.lost(vscode.l10n.t('the evaluation thread was restarted for a new text')),
      died: (message) => {
        this.trainingRun?.lost(message);
        this.stopped = this.checkResult.diagnostics.find((d) => d.message === message) ?? null;
        void vscode.window.showErrorMessage(message);
      },
    });
    this.watcher = folderWatcher(document, owner);
  }

  get uri(): vscode.Uri {
    return this.document.uri;
  }

  /** The last good graph: kept while the file has errors. */
  get graph(): Graph | null {
    return this.tape.shown?.graph ?? null;
  }

  /** The tape at the position last computed (read-only: move it with `SessionRegistry.step`). */
  get stepper(): TapeMirror | null {
    return this.tape.shown;
  }

  /** The current diagnostics (errors mean `graph` is the last good one, not this text's). */
  get diagnostics(): readonly Diagnostic[] {
    return this.checkResult.diagnostics;
  }

  /** The latest check, also for a file with errors (bindings and references for language features). */
  get check(): CheckResult {
    return this.checkResult;
  }

  /** The document version the check is of (null before the first check). */
  get checkedVersion(): number | null {
    return this.checked;
  }

  /** Whether the text checks without errors (its graph is `graph`, or will be once its tape is computed). */
  get isCurrent(): boolean {
    return this.checkResult.graph !== null;
  }

  /** Whether the tape shows the current graph at the position asked for last (false while the thread computes). */
  get isSettled(): boolean {
    return this.tape.isSettled;
  }

  /** Bumped on every rebuild and step; updates carry it so stale ones are dropped. */
  get revision(): number {
    return this.currentRevision;
  }

  /** The last Gradient Check of the current graph; cleared when the graph is rebuilt. */
  get gradCheck(): GradCheckReport | null {
    return this.gradCheckReport;
  }

  /** The composite ops opened into their elementary ops, by key. */
  get expandedKeys(): ReadonlySet<string> {
    return this.expanded;
  }

  /** The host's side of the evaluation thread (tests reach the thread through it). */
  get evaluation(): TapeClient {
    return this.tape;
  }

  setGradCheck(report: GradCheckReport | null): void {
    this.gradCheckReport = report;
    this.currentRevision++;
  }

  /**
   * Opens or closes a composite op (by its node's `expandKey`); true when
   * that changed something (then rebuild: the graph is built again with it
   * opened into its elementary ops, and the position follows the same node).
   */
  setExpanded(key: string, expanded: boolean): boolean {
    if (this.expanded.has(key) === expanded) return false;
    if (expanded) this.expanded.add(key);
    else this.expanded.delete(key);
    return true;
  }

  /**
   * Gives a leaf a new value (the debugger's Set Value): the thread
   * recomputes the tape up to the same position; lasts until the file is
   * rebuilt. Resolves once the new tape is shown; a message when it cannot.
   */
  setLeafValue(nodeId: number, value: Tensor): Promise<string | null> {
    if (!this.tape.loadedGraph) return Promise.resolve('the file has errors: there is no graph to change');
    return this.tape.setLeafValue(nodeId, value);
  }

  /**
   * Checks the document's text again, in the evaluation thread (the host's
   * thread only reads the answer, a slice at a time), then hands a good
   * graph to the thread's tape (see `TapeClient.load`). The owner hears of
   * it when the check is in.
   */
  rebuild(): void {
    const run = this.trainingRun;
    if (run && this.document.version !== run.version && !run.stale) {
      if (run.active) this.tape.controlTraining(run.request, 'stop');
      run.markStale();
    }
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = undefined;
    const config = vscode.workspace.getConfiguration('graphstep', this.document.uri);
    const maxMemoryMB = config.get<number>('maxMemoryMB', DEFAULT_MAX_MEMORY_MB);
    const options: WorkerCheckOptions = {
      maxTensorElements: config.get<number>('maxTensorElements', DEFAULT_MAX_TENSOR_ELEMENTS),
      maxMemoryMB,
      ...(this.expanded.size > 0 ? { expand: [...this.expanded] } : {}),
    };
    const text = this.document.getText();
    this.mayLoad = LOAD_CALL.test(text);
    const version = this.document.version;
    const request = ++this.checkRequests;
    const quick = quickCheck(text, options, this.expanded);
    const files = quick ? null : this.owner.platform.documentFiles(this.document, text);
    if (quick) {
      // Small and cheap: checked here at once (a few milliseconds), as the thread would.
      this.tape.cancelCheck();
      this.pendingVersion = null;
      for (const resolve of this.checkWaiters.splice(0)) resolve();
      const hadErrors = this.checkResult.diagnostics.some((d) => d.severity === 'error');
      this.apply(version, quick, text, options, null, maxMemoryMB, null);
      this.owner.changed(this, true, !this.isCurrent || hadErrors || this.graph === this.checkResult.graph);
      return;
    }
    this.pendingVersion = version;
    if (files instanceof Promise) {
      // The files a browser reads first; a newer rebuild meanwhile supersedes this one.
      void files.then((read) => request === this.checkRequests && !this.document.isClosed && this.checkInThread(request, version, text, options, read, maxMemoryMB));
    } else this.checkInThread(request, version, text, options, files, maxMemoryMB);
  }

  private checkInThread(request: number, version: number, text: string, options: WorkerCheckOptions, files: WorkerFiles | null, maxMemoryMB: number): void {
    void this.tape.check(text, options, files).then((answer) => {
      if (request !== this.checkRequests || this.document.isClosed) return;
      this.pendingVersion = null;
      const hadErrors = this.checkResult.diagnostics.some((d) => d.severity === 'error');
      if (answer) this.apply(version, answer.check, text, options, files, maxMemoryMB, answer);
      for (const resolve of this.checkWaiters.splice(0)) resolve();
      // Listeners hear of a text with errors at once, and of a good one once its graph is shown: at once at
      // position 0 or when it mends errors, else when its tape is computed (the previous graph is shown until
      // then), so the panel draws a large graph once per edit, not twice.
      this.owner.changed(this, true, !this.isCurrent || hadErrors || this.graph === this.checkResult.graph);
    });
  }

  private apply(version: number, check: CheckResult, text: string, options: WorkerCheckOptions, files: WorkerFiles | null, maxMemoryMB: number, answer: CheckAnswer | null): void {
    this.checked = version;
    this.checkResult = check;
    this.stopped = null;
    if (check.graph) {
      this.gradCheckReport = null;
      if (this.trainingRun?.iteration != null) this.trainingRun.showing(null);
      this.tape.load(check.graph, text, options, files, evaluatesUnasked(check, maxMemoryMB), answer);
    }
    this.currentRevision++;
  }

  /** Whether a check of the text is under way. */
  get isChecking(): boolean {
    return this.pendingVersion !== null;
  }

  /** The document version being checked now, if any. */
  get checkingVersion(): number | null {
    return this.pendingVersion;
  }

  /** Resolves once no check is under way (the latest rebuild's check is in). */
  whenChecked(): Promise<void> {
    if (this.pendingVersion === null) return Promise.resolve();
    return new Promise((resolve) => this.checkWaiters.push(resolve));
  }

  /** Moves on the tape; resolves once the thread has computed the new position (false when nothing moved). */
  step(move: StepMove): Promise<boolean> {
    return this.tape.step(move);
  }

  /** The hover of binding number `binding` of the current check, computed by the thread; null when it cannot say. */
  hoverMarkdown(binding: number, maxItems: number): Promise<string | null> {
    return this.isCurrent ? this.tape.hoverMarkdown(binding, maxItems) : Promise.resolve(null);
  }

  /** The inline values at the current position, computed by the thread; null when it cannot say. */
  inlineLabels(): Promise<readonly InlineValueLabel[] | null> {
    return this.isCurrent ? this.tape.inlineLabels() : Promise.resolve(null);
  }

  /** Gradient Check in the thread: the report; undefined when cancelled or superseded; throws when it failed. */
  async gradientCheck(token: vscode.CancellationToken, onProgress: (done: number, total: number) => void): Promise<GradCheckReport | undefined> {
    if (!this.isCurrent) return undefined;
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    if (token.isCancellationRequested) abort.abort();
    try {
      return await this.tape.gradientCheck(abort.signal, onProgress);
    } finally {
      subscription.dispose();
    }
  }

  /** The last training of this document (null before the first). */
  get training(): TrainingRun | null {
    return this.trainingRun;
  }

  /**
   * GraphStep: Train: trains the file in the evaluation thread from its
   * first step (a training under way ends); its reports arrive on the run.
   * A message when it cannot.
   */
  startTraining(): TrainingRun | string {
    const graph = this.tape.loadedGraph;
    if (!graph || !this.isCurrent) return vscode.l10n.t('this file has errors; fix them to train it (see the Problems panel)');
    if (!graph.training) return vscode.l10n.t('this file has no train statement (train LOSS with OPTIMIZER for N steps)');
    const previous = this.trainingRun;
    if (previous?.active) this.tape.controlTraining(previous.request, 'stop');
    const request = this.tape.train();
    if (request === null) return vscode.l10n.t('this file has no graph to train');
    const run = new TrainingRun(request, this.document.version);
    run.onDidChange(() => run === this.trainingRun && this.owner.changed(this, false));
    this.trainingRun = run;
    this.currentRevision++;
    this.owner.changed(this, false);
    return run;
  }

  /** Pauses, resumes or stops the training under way. */
  controlTraining(action: 'pause' | 'resume' | 'stop'): void {
    const run = this.trainingRun;
    if (run?.active) this.tape.controlTraining(run.request, action);
  }

  /**
   * Puts the graph at iteration k of the last training: its params as they
   * were before that iteration's update, its batch, the position kept.
   * Resolves once it is shown (null), or with a message when it cannot.
   */
  async showIteration(k: number): Promise<string | null> {
    const run = this.trainingRun;
    if (!run) return vscode.l10n.t('train the file first (GraphStep: Train)');
    if (run.stale) return vscode.l10n.t('the file changed since it trained; train it again');
    if (!Number.isInteger(k) || k < 0 || k > run.step) return vscode.l10n.t('expected an iteration in 0..{0}, found {1}', run.step, k);
    const refused = await this.tape.showIteration(run.request, k);
    if (refused === null && run === this.trainingRun && !run.stale) run.showing(k);
    return refused;
  }

  /**
   * A file of the workspace changed on disk: recheck (debounced) when the
   * text calls `load()`, so the graph shows the data as it is now. Not while
   * training: a run keeps the data it started with.
   */
  fileChanged(): void {
    if (this.mayLoad && !this.trainingRun?.active) this.scheduleRebuild(FILE_CHANGE_DEBOUNCE_MS);
  }

  /** Rechecks `delayMs` after the last call (the debounce of typing); `rebuild` cancels it. */
  scheduleRebuild(delayMs: number): void {
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = setTimeout(() => this.rebuild(), delayMs);
  }

  /** Ends the thread (the document was closed). */
  dispose(): void {
    this.trainingRun?.lost(vscode.l10n.t('the document was closed'));
    clearTimeout(this.rebuildTimer);
    this.watcher?.dispose();
    this.tape.dispose();
    this.pendingVersion = null;
    for (const resolve of this.checkWaiters.splice(0)) resolve();
  }

  private tapeChanged(): void {
    this.currentRevision++;
    const stopped = this.stopped;
    if (stopped && this.tape.thread.worker) {
      this.stopped = null;
      const check = this.checkResult;
      this.checkResult = { ...check, diagnostics: check.diagnostics.filter((d) => d !== stopped) };
      return this.owner.changed(this, true);
    }
    this.owner.changed(this, false);
  }

  /** Adds what only running the tape shows to the current check's diagnostics. */
  private addProblems(found: readonly Diagnostic[]): void {
    if (found.length === 0) return;
    const check = this.checkResult;
    this.checkResult = { ...check, diagnostics: [...check.diagnostics, ...found].sort(byStart) };
    this.currentRevision++;
    this.owner.changed(this, true);
  }
}

/** All sessions, one per open `.nn` document; follows the active editor. */
export class SessionRegistry implements vscode.Disposable {
  private readonly sessions = new Map<string, DocumentSession>();
  private readonly changed = new vscode.EventEmitter<DocumentSession>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly owner: SessionOwner;
  private lastActive: DocumentSession | undefined;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('graphstep');

  /** Fired when a session was rebuilt or stepped. */
  readonly onDidChange = this.changed.event;

  constructor(platform: SessionPlatform) {
    this.owner = {
      platform,
      changed: (session, diagnostics, fire = true) => {
        if (diagnostics) this.diagnostics.set(session.uri, session.diagnostics.map(toVscodeDiagnostic));
        if (fire) this.changed.fire(session);
      },
      fileEvent: (uri) => {
        this.owner.platform.fileChanged?.(uri);
        if (uri.path.endsWith('.nn')) return;
        for (const session of this.sessions.values()) session.fileChanged();
      },
    };
    this.disposables.push(
      this.changed,
      this.diagnostics,
      vscode.workspace.onDidOpenTextDocument((d) => this.isGraphStep(d) && this.sessionFor(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.isGraphStep(e.document) && e.contentChanges.length > 0 && this.scheduleRebuild(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.close(d)),
      ...this.watchLoadedFiles(),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.isGraphStep(e.document) && (this.lastActive = this.sessionFor(e.document))),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('graphstep.maxTensorElements') || e.affectsConfiguration('graphstep.maxMemoryMB')) for (const s of this.sessions.values()) this.rebuild(s);
      }),
    );
    for (const d of vscode.workspace.textDocuments) if (this.isGraphStep(d)) this.sessionFor(d);
    const editor = vscode.window.activeTextEditor;
    if (editor && this.isGraphStep(editor.document)) this.lastActive = this.sessionFor(editor.document);
  }

  isGraphStep(document: vscode.TextDocument): boolean {
    return document.languageId === LANGUAGE_ID;
  }

  /** The session of a document, created (and checked) on first use. */
  sessionFor(document: vscode.TextDocument): DocumentSession {
    const key = document.uri.toString();
    let session = this.sessions.get(key);
    // An untitled name is reused once its document is closed: a session of the closed document is not this one's.
    if (session && session.document !== document && session.document.isClosed) {
      session.dispose();
      session = undefined;
    }
    if (!session) {
      session = new DocumentSession(document, this.owner);
      this.sessions.set(key, session);
      this.rebuild(session);
    }
    return session;
  }

  /** The active `.nn` editor's session, else the last active one. */
  activeSession(): DocumentSession | undefined {
    const editor = vscode.window.activeTextEditor;
    if (editor && this.isGraphStep(editor.document)) return (this.lastActive = this.sessionFor(editor.document));
    if (this.lastActive && !this.lastActive.document.isClosed) return this.lastActive;
    return undefined;
  }

  /** Tells everyone who listens that a session changed in another way (a gradient check finished). */
  notify(session: DocumentSession): void {
    this.changed.fire(session);
  }

  /**
   * Moves a session on its tape; listeners hear of it when the thread has
   * computed the new position. Resolves then (false when nothing moved).
   */
  step(session: DocumentSession, move: StepMove): Promise<boolean> {
    return session.step(move);
  }

  /**
   * Rechecks now (pending debounced rebuilds included); listeners hear of
   * it when the check is in (see `DocumentSession.rebuild`).
   */
  rebuild(session: DocumentSession): void {
    session.rebuild();
  }

  /** The session of an open document, if it has one (never creates one). */
  existingSession(uri: vscode.Uri): DocumentSession | undefined {
    const session = this.sessions.get(uri.toString());
    return session && !session.document.isClosed ? session : undefined;
  }

  /**
   * Resolves once the session shows what its text means now: the check of
   * the latest rebuild, and (for a good text) its graph's tape at the
   * position asked for last. Gives up after `timeoutMs`.
   */
  async whenSettled(session: DocumentSession, timeoutMs = 10_000): Promise<void> {
    await session.whenChecked();
    const settled = (): boolean => !session.isCurrent || session.isSettled;
    if (settled() || session.document.isClosed) return;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      const subscription = this.onDidChange((s) => s === session && settled() && done());
    });
  }

  /** A watcher on the workspace's files: what `load()` reads may change on disk while its `.nn` file is open. */
  private watchLoadedFiles(): vscode.Disposable[] {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const changed = (uri: vscode.Uri): void => this.owner.fileEvent(uri);
    return [watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)];
  }

  private scheduleRebuild(document: vscode.TextDocument): void {
    this.sessionFor(document).scheduleRebuild(150);
  }

  private close(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const session = this.sessions.get(key);
    if (session && session.document !== document) return; // a newer document of the same name has its own session
    session?.dispose();
    if (this.sessions.delete(key)) this.diagnostics.delete(document.uri);
    if (this.lastActive?.document === document) this.lastActive = undefined;
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * A watcher of the folder of a document that is in no workspace folder and
 * lives in a virtual file system (a workspace watcher's pattern sees only
 * the workspace folders; there `load()` reads the document's own folder, and
 * watching a virtual file system costs no operating-system watcher). Null for
 * every other document: the workspace watcher sees its files, or (a file on
 * disk outside the workspace) the disk's own check of each file's identity
 * finds a change at the next check.
 */
function folderWatcher(document: vscode.TextDocument, owner: SessionOwner): vscode.Disposable | null {
  const uri = document.uri;
  if (uri.scheme === 'file' || uri.scheme === 'vscode-remote' || uri.scheme === 'untitled' || vscode.workspace.getWorkspaceFolder(uri)) return null;
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), '**/*'));
  const changed = (file: vscode.Uri): void => owner.fileEvent(file);
  return vscode.Disposable.from(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
}

export function toVscodeRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function toVscodeDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toVscodeRange(d.range), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'graphstep';
  return diagnostic;
}
