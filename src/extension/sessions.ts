import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkSource, DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_TENSOR_ELEMENTS, evaluationSteps, tapeCost, type CheckResult } from '../core/check';
import { withLeafValue } from '../core/debug/graphRuntime';
import type { GradCheckReport } from '../core/engine/gradcheck';
import { Stepper } from '../core/engine/stepper';
import type { Graph } from '../core/graph/graph';
import { byStart, type Diagnostic } from '../core/language/range';
import type { Tensor } from '../core/tensor';
import { createFileAccess } from '../node/fileAccess';

export const LANGUAGE_ID = 'graphstep';

/** Above this many multiply-adds per pass (about a second here), NaN checks wait for the user to step. */
const AUTO_EVALUATE_MAX_COST = 5e8;

/** A move on the tape (SPEC §2). */
export type StepMove = 'next' | 'previous' | 'runForward' | 'runBackward' | 'reset' | { readonly goTo: number };

/**
 * What GraphStep knows about one `.nn` document: the last check, the last
 * good graph and its stepper (the position on the tape). Everything in the
 * editor and the panel reads from here.
 */
export class DocumentSession {
  private checkResult: CheckResult;
  private lastGoodGraph: Graph | null = null;
  private currentStepper: Stepper | null = null;
  private currentRevision = 0;
  private gradCheckReport: GradCheckReport | null = null;

  constructor(readonly document: vscode.TextDocument) {
    this.checkResult = { graph: null, diagnostics: [], statements: [], bindings: [], references: [], cost: 0, memoryBytes: 0, evaluationSkipped: false };
  }

  get uri(): vscode.Uri {
    return this.document.uri;
  }

  /** The last good graph: kept while the file has errors. */
  get graph(): Graph | null {
    return this.lastGoodGraph;
  }

  get stepper(): Stepper | null {
    return this.currentStepper;
  }

  /** The current diagnostics (errors mean `graph` is the last good one, not this text's). */
  get diagnostics(): readonly Diagnostic[] {
    return this.checkResult.diagnostics;
  }

  /** The latest check, also for a file with errors (bindings and references for language features). */
  get check(): CheckResult {
    return this.checkResult;
  }

  /** Whether the graph is the current text's (false while the text has errors). */
  get isCurrent(): boolean {
    return this.checkResult.graph !== null;
  }

  /** Bumped on every rebuild and step; updates carry it so stale ones are dropped. */
  get revision(): number {
    return this.currentRevision;
  }

  /** The last Gradient Check of the current graph; cleared when the graph is rebuilt. */
  get gradCheck(): GradCheckReport | null {
    return this.gradCheckReport;
  }

  setGradCheck(report: GradCheckReport | null): void {
    this.gradCheckReport = report;
    this.currentRevision++;
  }

  /** Checks the document's text again; keeps the position when it still exists. */
  rebuild(): void {
    const config = vscode.workspace.getConfiguration('graphstep', this.document.uri);
    const maxTensorElements = config.get<number>('maxTensorElements', DEFAULT_MAX_TENSOR_ELEMENTS);
    const maxMemoryMB = config.get<number>('maxMemoryMB', DEFAULT_MAX_MEMORY_MB);
    const file = this.document.uri.fsPath;
    const folder = vscode.workspace.getWorkspaceFolder(this.document.uri)?.uri.fsPath ?? path.dirname(file);
    const files = this.document.uri.scheme === 'file' || this.document.uri.scheme === 'vscode-remote'
      ? createFileAccess(file, folder)
      : { read: () => ({ ok: false as const, message: 'load: expected a file saved on disk, found an unsaved document' }) };
    try {
      // Evaluation (NaN warnings, value errors) runs afterwards in slices (SessionRegistry.evaluateLater), so typing never waits for the whole tape.
      this.checkResult = checkSource(this.document.getText(), { maxTensorElements, maxMemoryMB, files, evaluate: false });
    } catch (e) {
      const message = `GraphStep could not check this file: ${(e as Error).message}`;
      this.checkResult = { ...this.checkResult, graph: null, diagnostics: [{ severity: 'error', message, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
    }
    const graph = this.checkResult.graph;
    if (graph) {
      const previous = this.currentStepper?.position ?? 0;
      this.lastGoodGraph = graph;
      this.gradCheckReport = null;
      this.currentStepper = new Stepper(graph);
      // Keeping the position means recomputing the tape up to it on every edit: done unless
      // that would hold the extension host for seconds (then the new graph starts at 0).
      if (previous > 0 && tapeCost(graph) <= AUTO_EVALUATE_MAX_COST) this.currentStepper.goTo(Math.min(previous, this.currentStepper.total));
    }
    this.currentRevision++;
  }

  /**
   * Adds what only running the tape shows (the first NaN/Infinity as a
   * warning, values an op cannot take as errors) to the check it was run for;
   * false when the text has changed since.
   */
  addEvaluationProblems(check: CheckResult, found: readonly Diagnostic[]): boolean {
    if (this.checkResult !== check || found.length === 0) return false;
    const diagnostics = [...check.diagnostics, ...found].sort(byStart);
    this.checkResult = { ...check, diagnostics };
    this.currentRevision++;
    return true;
  }

  /**
   * Gives a leaf a new value (the debugger's Set Value) and recomputes the
   * tape up to the same position; lasts until the file is rebuilt. A message
   * when it cannot.
   */
  setLeafValue(nodeId: number, value: Tensor): string | null {
    const graph = this.lastGoodGraph;
    const stepper = this.currentStepper;
    if (!graph || !stepper) return 'the file has errors: there is no graph to change';
    const replaced = withLeafValue(graph, nodeId, value);
    if (typeof replaced === 'string') return replaced;
    this.lastGoodGraph = replaced;
    this.currentStepper = new Stepper(replaced);
    this.currentStepper.goTo(stepper.position);
    this.currentRevision++;
    return null;
  }

  /** Moves on the tape; returns whether the position changed. */
  step(move: StepMove): boolean {
    const stepper = this.currentStepper;
    if (!stepper) return false;
    const before = stepper.position;
    if (typeof move === 'object') stepper.goTo(move.goTo);
    else if (move === 'next') stepper.next();
    else if (move === 'previous') stepper.previous();
    else if (move === 'runForward') stepper.runForward();
    else if (move === 'runBackward') stepper.runBackward();
    else stepper.reset();
    if (stepper.position === before) return false;
    this.currentRevision++;
    return true;
  }
}

/** All sessions, one per open `.nn` document; follows the active editor. */
export class SessionRegistry implements vscode.Disposable {
  private readonly sessions = new Map<string, DocumentSession>();
  private readonly changed = new vscode.EventEmitter<DocumentSession>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];
  private lastActive: DocumentSession | undefined;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('graphstep');

  /** Fired when a session was rebuilt or stepped. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      this.diagnostics,
      vscode.workspace.onDidOpenTextDocument((d) => this.isGraphStep(d) && this.sessionFor(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.isGraphStep(e.document) && e.contentChanges.length > 0 && this.scheduleRebuild(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.close(d)),
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
    if (!session) {
      session = new DocumentSession(document);
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

  /** Moves a session on its tape and tells everyone who listens. */
  step(session: DocumentSession, move: StepMove): void {
    if (session.step(move)) this.changed.fire(session);
  }

  /** Rechecks now (pending debounced rebuilds included). */
  rebuild(session: DocumentSession): void {
    const key = session.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    session.rebuild();
    this.diagnostics.set(session.uri, session.diagnostics.map(toVscodeDiagnostic));
    this.changed.fire(session);
    this.evaluateLater(session);
  }

  /**
   * Runs the new graph's tape once, in slices of about 10 ms with the event
   * loop handed back between them, and adds what it finds to the diagnostics.
   * Stops as soon as the text changes. A tape costing more than
   * AUTO_EVALUATE_MAX_COST multiply-adds is left for the user to step.
   */
  private evaluateLater(session: DocumentSession): void {
    const check = session.check;
    const graph = check.graph;
    if (!graph || tapeCost(graph) > AUTO_EVALUATE_MAX_COST) return;
    const steps = evaluationSteps(graph);
    const slice = (): void => {
      if (session.check !== check || session.document.isClosed) return;
      const start = performance.now();
      let result: IteratorResult<void, readonly Diagnostic[]>;
      try {
        do result = steps.next();
        while (!result.done && performance.now() - start < 10);
      } catch (e) {
        result = { done: true, value: [{ severity: 'error', message: `GraphStep could not evaluate this file: ${(e as Error).message}`, range: graph.nodes[0]!.range }] };
      }
      if (!result.done) return void setImmediate(slice);
      if (!session.addEvaluationProblems(check, result.value)) return;
      this.diagnostics.set(session.uri, session.diagnostics.map(toVscodeDiagnostic));
      this.changed.fire(session);
    };
    setImmediate(slice);
  }

  private scheduleRebuild(document: vscode.TextDocument): void {
    const session = this.sessionFor(document);
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => this.rebuild(session), 150));
  }

  private close(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (this.sessions.delete(key)) this.diagnostics.delete(document.uri);
    if (this.lastActive?.document === document) this.lastActive = undefined;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

export function toVscodeRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function toVscodeDiagnostic(d: Diagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toVscodeRange(d.range), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'graphstep';
  return diagnostic;
}
