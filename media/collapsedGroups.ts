/**
 * Which function and block groups the panel draws as one box: view state,
 * kept per document in the webview's state (so across reloads). A document
 * seen for the first time starts with the layout's choice (a large graph
 * opens as an overview of its groups).
 */
import type { DrawableGraph } from '../src/core/render/drawableGraph';
import { defaultCollapsed } from '../src/core/render/layout';

/** At most this many documents are remembered (the state travels with every reload). */
const MAX_DOCUMENTS = 20;

export class CollapsedGroups {
  private readonly byDocument = new Map<string, Set<string>>();

  constructor(saved: Readonly<Record<string, readonly string[]>> | undefined) {
    for (const [uri, keys] of Object.entries(saved ?? {})) if (Array.isArray(keys)) this.byDocument.set(uri, new Set(keys.filter((k) => typeof k === 'string')));
  }

  /** The collapsed set of a document's graph (made on first use). */
  of(documentUri: string, graph: DrawableGraph): ReadonlySet<string> {
    let set = this.byDocument.get(documentUri);
    if (!set) {
      set = defaultCollapsed(graph);
      this.byDocument.set(documentUri, set);
      while (this.byDocument.size > MAX_DOCUMENTS) this.byDocument.delete(this.byDocument.keys().next().value!);
    }
    return set;
  }

  set(documentUri: string, graph: DrawableGraph, key: string, collapsed: boolean): void {
    const set = new Set(this.of(documentUri, graph));
    if (collapsed) set.add(key);
    else set.delete(key);
    this.byDocument.set(documentUri, set);
  }

  /** A stable text of a set, for layout cache keys. */
  static keyOf(set: ReadonlySet<string>): string {
    return [...set].sort().join('\u0000');
  }

  toJSON(): Record<string, string[]> {
    return Object.fromEntries([...this.byDocument].map(([uri, set]) => [uri, [...set]]));
  }
}
