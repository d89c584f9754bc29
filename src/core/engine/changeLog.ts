/** What `changedSince` answers: nodes whose value, gradient or contribution count changed, and consumers whose arrow gradients changed. */
export interface Changed {
  readonly nodes: readonly number[];
  readonly consumers: readonly number[];
}

/** Entries kept before the oldest half is dropped (a mark that old then gets null). */
const LIMIT = 1 << 20;

/**
 * A bounded record of which nodes each move touched, in order: a node id, or
 * -(consumer + 1) for a consumer's arrow gradients. Marks count every entry
 * ever recorded, so a mark stays meaningful after old entries are dropped.
 */
export class ChangeLog {
  private entries: number[] = [];
  private dropped = 0;

  /** A node's value, gradient or contribution count changed. */
  node(id: number): void {
    this.entries.push(id);
  }

  /** A consumer's arrow gradients changed. */
  consumer(id: number): void {
    this.entries.push(-id - 1);
  }

  /** Called after each move: keeps the record bounded. */
  trim(): void {
    if (this.entries.length <= LIMIT) return;
    const drop = this.entries.length >> 1;
    this.dropped += drop;
    this.entries = this.entries.slice(drop);
  }

  /** A mark to pass to `since` later: how many entries have been recorded so far. */
  get mark(): number {
    return this.dropped + this.entries.length;
  }

  /** What changed since `mark` (a node changed and changed back is listed too); null when the record no longer reaches back. */
  since(mark: number): Changed | null {
    if (mark < this.dropped || mark > this.mark) return null;
    const nodes = new Set<number>();
    const consumers = new Set<number>();
    for (let i = mark - this.dropped; i < this.entries.length; i++) {
      const t = this.entries[i]!;
      if (t >= 0) nodes.add(t);
      else consumers.add(-t - 1);
    }
    return { nodes: [...nodes], consumers: [...consumers] };
  }
}
