/** One row of an operation or constructor table of docs/language.md. */
export interface LanguageDocEntry {
  /** The section it is in (`Element-wise functions`). */
  readonly section: string;
  /** The row's cells after the first, by column header: `forward`, `backward`, `example`… */
  readonly columns: readonly (readonly [header: string, text: string])[];
}

/**
 * Reads the operation and constructor tables of docs/language.md into
 * entries by every name a row's first cell calls (`relu(x)`, `ReLU`), so
 * completion and signature help can show the reference's longer text.
 */
export function parseLanguageDoc(markdown: string): Map<string, LanguageDocEntry> {
  const entries = new Map<string, LanguageDocEntry>();
  let section = '';
  let headers: string[] | null = null;
  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^#{2,4}\s+(.*)$/.exec(line);
    if (heading) {
      section = heading[1]!.trim();
      headers = null;
      continue;
    }
    if (!line.startsWith('|')) {
      headers = null;
      continue;
    }
    const cells = splitRow(line);
    if (headers === null) {
      headers = cells.map((c) => c.toLowerCase());
      continue;
    }
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    const names = namesIn(cells[0] ?? '');
    if (names.length === 0) continue;
    const entry: LanguageDocEntry = { section, columns: cells.slice(1).map((text, i) => [headers![i + 1] ?? '', text] as const) };
    for (const name of names) if (!entries.has(name)) entries.set(name, entry);
  }
  return entries;
}

/** The entry as markdown lines: `**forward** …`. */
export function languageDocMarkdown(entry: LanguageDocEntry): string {
  return entry.columns.map(([header, text]) => `**${header}** ${text}`).join('  \n');
}

function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** `relu(x)` → relu; `ReLU` → ReLU; `a + b` and `x.T` → nothing. */
function namesIn(cell: string): string[] {
  const names: string[] = [];
  for (const m of cell.matchAll(/`([^`]*)`/g)) {
    const code = m[1]!.trim();
    const call = /^([\p{L}_][\p{L}\p{N}_]*)\(/u.exec(code);
    if (call) names.push(call[1]!);
    else if (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(code)) names.push(code);
  }
  return names;
}
