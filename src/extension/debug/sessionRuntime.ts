import type { GraphRuntime, Subscription, TapeView } from '../../core/debug/graphRuntime';
import type { Tensor } from '../../core/tensor';
import type { DocumentSession, SessionRegistry } from '../sessions';
import { programOf } from './debugState';

/** A session that can open composite ops (present once the session keeps the set of opened ones). */
interface ExpandableSession {
  setExpanded(key: string, expanded: boolean): unknown;
}

/**
 * The debugger's runtime in VS Code: the document's own session, so the
 * debugger, the graph panel, the commands, hovers and the status bar all
 * move and show one position, whichever moves it.
 */
export class SessionRuntime implements GraphRuntime {
  constructor(
    private readonly sessions: SessionRegistry,
    private readonly session: DocumentSession,
  ) {}

  get path(): string {
    return programOf(this.session.document.uri);
  }

  async view(): Promise<TapeView | null> {
    return this.session.stepper;
  }

  async problem(): Promise<string | null> {
    const error = this.session.diagnostics.find((d) => d.severity === 'error');
    return error ? `line ${error.range.start.line + 1}: ${error.message}` : null;
  }

  async goTo(position: number, options: { readonly quiet?: boolean } = {}): Promise<void> {
    if (options.quiet) this.session.step({ goTo: position });
    else this.sessions.step(this.session, { goTo: position });
  }

  announce(): void {
    this.sessions.notify(this.session);
  }

  async setLeafValue(nodeId: number, value: Tensor): Promise<string | null> {
    const problem = this.session.setLeafValue(nodeId, value);
    if (!problem) this.sessions.notify(this.session);
    return problem;
  }

  async setExpanded(key: string, expanded: boolean): Promise<boolean> {
    const session = this.session as DocumentSession & Partial<ExpandableSession>;
    if (typeof session.setExpanded !== 'function') return false;
    const before = session.graph;
    await session.setExpanded(key, expanded);
    if (session.graph === before) return false;
    this.sessions.notify(this.session);
    return true;
  }

  onDidChange(listener: () => void): Subscription {
    return this.sessions.onDidChange((s) => s === this.session && listener());
  }
}
