/** Most candidates one "did you mean" compares: keeps a file of many unknown names linear to check. */
export const MAX_SUGGESTION_CANDIDATES = 200;
/** Largest edit distance a suggestion may be from the name. */
const MAX_DISTANCE = 2;
/** Names longer than this get no suggestion (a long misspelling is not a typo). */
const MAX_SUGGESTED_LENGTH = 64;

/**
 * Names that "did you mean" may suggest, kept by length so that a lookup
 * only looks at names within MAX_DISTANCE of the unknown one's length, and
 * at most MAX_SUGGESTION_CANDIDATES of them.
 */
export class SuggestionIndex {
  private readonly byLength = new Map<number, { readonly name: string; readonly lower: string; readonly order: number }[]>();
  private readonly known = new Set<string>();

  constructor(names: Iterable<string> = []) {
    for (const n of names) this.add(n);
  }

  add(name: string): void {
    if (name.length > MAX_SUGGESTED_LENGTH + MAX_DISTANCE || this.known.has(name)) return;
    this.known.add(name);
    let list = this.byLength.get(name.length);
    if (!list) this.byLength.set(name.length, (list = []));
    list.push({ name, lower: name.toLowerCase(), order: this.known.size });
  }

  /** The closest name within edit distance 2 (ignoring case), the first added on a tie; null when none. */
  suggest(name: string): string | null {
    if (name.length > MAX_SUGGESTED_LENGTH) return null;
    const lower = name.toLowerCase();
    let best: { name: string; order: number } | null = null;
    let bestDistance = MAX_DISTANCE + 1;
    let looked = 0;
    for (const delta of [0, -1, 1, -2, 2]) {
      const list = this.byLength.get(name.length + delta);
      if (!list || Math.abs(delta) > bestDistance) continue;
      for (let i = 0; i < list.length && looked < MAX_SUGGESTION_CANDIDATES; i++, looked++) {
        const c = list[i]!;
        const d = boundedEditDistance(lower, c.lower, Math.min(bestDistance, MAX_DISTANCE));
        if (d > MAX_DISTANCE) continue;
        if (best === null || d < bestDistance || (d === bestDistance && c.order < best.order)) {
          best = c;
          bestDistance = d;
        }
      }
    }
    return best?.name ?? null;
  }
}

let previousRow = new Int32Array(0);
let currentRow = new Int32Array(0);

/**
 * Levenshtein distance of a and b if it is at most `limit`, else limit + 1:
 * only the diagonal band |i − j| ≤ limit is computed, and the loop stops as
 * soon as a whole row exceeds the limit.
 */
export function boundedEditDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const n = b.length;
  if (previousRow.length < n + 1) {
    previousRow = new Int32Array(n + 1);
    currentRow = new Int32Array(n + 1);
  }
  let prev = previousRow;
  let cur = currentRow;
  const big = limit + 1;
  for (let j = 0; j <= n; j++) prev[j] = j <= limit ? j : big;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(n, i + limit);
    cur[0] = i <= limit ? i : big;
    if (from > 1) cur[from - 1] = big;
    let rowMin = cur[0]!;
    const ai = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v > big ? big : v;
      if (v < rowMin) rowMin = v;
    }
    if (to < n) cur[to + 1] = big;
    if (rowMin > limit) return big;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[n]!, big);
}
