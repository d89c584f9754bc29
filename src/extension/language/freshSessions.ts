import * as vscode from 'vscode';
import type { CheckResult } from '../../core/check';
import { checkNames } from '../../core/editor/namesPass';
import type { Graph } from '../../core/graph/graph';
import type { DocumentSession, SessionRegistry } from '../sessions';

/** Texts up to this long get the names pass on the host's thread (under 10 ms for 3,000 statements); longer ones wait for the evaluation thread's check. */
const HOST_NAMES_MAX_CHARS = 100_000;

/** What the name features read: statements, bindings and references of the document's current text, and its graph when the session has checked this very text. */
export interface DocumentNames {
  readonly names: Pick<CheckResult, 'statements' | 'bindings' | 'references'>;
  /** The graph of this text (for shapes in completion and the outline), or null while it is being checked or has errors. */
  readonly graph: Graph | null;
}

/**
 * The text a language feature answers about is the document's current one.
 * Sessions recheck a document 150 ms after the last keystroke, in its
 * evaluation thread. Completion, the outline, definition, references,
 * highlights and rename need only names: they take the session's check of
 * the current text when it checks, else the names pass of the current text
 * (`checkNames`: parse and name resolution, no graph, no tensor, no file
 * read), without starting a check of their own. Hovers need values: they
 * recheck at once when the check is of an older version than the document's
 * and wait for that check.
 */
export class FreshSessions implements vscode.Disposable {
  private cached: { readonly uri: string; readonly version: number; readonly names: DocumentNames['names'] } | null = null;

  constructor(readonly sessions: SessionRegistry) {}

  /** The document's session, checked against its current text. */
  async sessionFor(document: vscode.TextDocument): Promise<DocumentSession> {
    const session = this.sessions.sessionFor(document);
    if (session.checkedVersion !== document.version && session.checkingVersion !== document.version) this.sessions.rebuild(session);
    await session.whenChecked();
    return session;
  }

  /**
   * The names of the document's current text: the session's check when it
   * is of this version and has no error (its bindings carry the nodes, for
   * shapes; on a text that checks they are the names pass's, a unit test
   * holds them equal), else the names pass, cached per version, for a text
   * of up to HOST_NAMES_MAX_CHARS, else the evaluation thread's check.
   */
  async namesFor(document: vscode.TextDocument): Promise<DocumentNames> {
    const session = this.sessions.sessionFor(document);
    if (session.checkedVersion === document.version && session.isCurrent) return { names: session.check, graph: session.check.graph };
    const uri = document.uri.toString();
    if (this.cached?.uri === uri && this.cached.version === document.version) return { names: this.cached.names, graph: null };
    const text = document.getText();
    if (text.length <= HOST_NAMES_MAX_CHARS) {
      const names = checkNames(text);
      this.cached = { uri, version: document.version, names };
      return { names, graph: null };
    }
    const checked = await this.sessionFor(document);
    return { names: checked.check, graph: checked.isCurrent ? checked.check.graph : null };
  }

  dispose(): void {
    this.cached = null;
  }
}
