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

  /** The graph and position last handed to the debugger: a change that moves neither is no news to it. */
  private seen: { readonly graph: unknown; readonly position: number } | null = null;

  async view(): Promise<TapeView | null> {
    const tape = this.session.stepper;
    this.seen = tape ? { graph: tape.graph, position: tape.position } : null;
    return tape;
  }

  async problem(): Promise<string | null> {
    const error = this.session.diagnostics.find((d) => d.severity === 'error');
    return error ? `line ${error.range.start.line + 1}: ${error.message}` : null;
  }

  async goTo(position: number, options: { readonly quiet?: boolean } = {}): Promise<void> {
    // Awaited: a session whose tape lives in a worker thread answers once the position is computed.
    if (options.quiet) await this.session.step({ goTo: position });
    else await this.sessions.step(this.session, { goTo: position });
  }

  announce(): void {
    this.sessions.notify(this.session);
  }

  async setLeafValue(nodeId: number, value: Tensor): Promise<string | null> {
    const problem = await this.session.setLeafValue(nodeId, value);
    if (!problem) this.sessions.notify(this.session);
    return problem;
  }

  async setExpanded(key: string, expanded: boolean): Promise<boolean> {
    const session = this.session as DocumentSession & Partial<ExpandableSession>;
    if (typeof session.setExpanded !== 'function') return false;
    const before = session.graph;
    // The new graph may arrive later (a session that builds it in a worker thread announces it then).
    const rebuilt = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), 10_000);
      const subscription = this.sessions.onDidChange((s) => s === this.session && s.graph !== before && done(true));
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        subscription.dispose();
        resolve(changed);
      };
    });
    // A session that rebuilds on the host says so by returning true; the registry rebuilds and tells every view.
    if ((await session.setExpanded(key, expanded)) === true && session.graph === before) this.sessions.rebuild(this.session);
    if (session.graph !== before) {
      this.sessions.notify(this.session);
      return true;
    }
    return rebuilt;
  }

  onDidChange(listener: () => void): Subscription {
    // The evaluation thread reports a tape that stands where it stood (its first report, added problems): not a move.
    return this.sessions.onDidChange((s) => {
      if (s !== this.session) return;
      const tape = s.stepper;
      if (tape && this.seen && tape.graph === this.seen.graph && tape.position === this.seen.position) return;
      listener();
    });
  }
}
