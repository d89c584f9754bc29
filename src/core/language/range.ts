/** A position in a source file: 0-based line and UTF-16 column, as in VS Code. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

/** A half-open source range. */
export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning';

/** A problem in a `.nn` file, reported at a range, never thrown. */
export interface Diagnostic {
  readonly range: Range;
  readonly severity: Severity;
  readonly message: string;
}

export function rangeContains(range: Range, pos: Position): boolean {
  const afterStart = pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** Orders things by where their range starts: the order diagnostics are listed in. */
export function byStart(a: { readonly range: Range }, b: { readonly range: Range }): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
