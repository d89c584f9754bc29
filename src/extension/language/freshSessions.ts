import * as vscode from 'vscode';
import type { DocumentSession, SessionRegistry } from '../sessions';

/**
 * Sessions recheck a document 150 ms after the last keystroke; a completion
 * or rename asked for within that time must not read names of the old text.
 * This rechecks at once when the session's check is of an older version
 * than the document's, and resolves once that check (made in the
 * document's evaluation thread) is in.
 */
export class FreshSessions implements vscode.Disposable {
  constructor(readonly sessions: SessionRegistry) {}

  /** The document's session, checked against its current text. */
  async sessionFor(document: vscode.TextDocument): Promise<DocumentSession> {
    const session = this.sessions.sessionFor(document);
    if (session.checkedVersion !== document.version && session.checkingVersion !== document.version) this.sessions.rebuild(session);
    await session.whenChecked();
    return session;
  }

  dispose(): void {}
}
