import * as vscode from 'vscode';
import type { DocumentSession, SessionRegistry } from '../sessions';

/**
 * Sessions recheck a document 150 ms after the last keystroke; a completion
 * or rename asked for within that time must not read names of the old text.
 * This remembers the document version each session was last checked at and
 * rechecks at once when a provider needs the current one.
 */
export class FreshSessions implements vscode.Disposable {
  private readonly checkedVersions = new Map<string, number>();
  private readonly subscription: vscode.Disposable;

  constructor(readonly sessions: SessionRegistry) {
    this.subscription = sessions.onDidChange((session) => this.checkedVersions.set(session.uri.toString(), session.document.version));
  }

  /** The document's session, checked against its current text. */
  sessionFor(document: vscode.TextDocument): DocumentSession {
    const session = this.sessions.sessionFor(document);
    if (this.checkedVersions.get(document.uri.toString()) !== document.version) this.sessions.rebuild(session);
    return session;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
