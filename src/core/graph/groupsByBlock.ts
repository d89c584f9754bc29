import type { StatementOutline } from '../language/statementOutline';
import type { Range } from '../language/range';

/*
 * Source blocks: the paragraphs of a `.nn` file. When the file has `# ---`
 * header comments, each header starts a block (statements above the first
 * header form an untitled one) and blank lines do not split. Otherwise blank
 * lines separate blocks, but only in a graph large enough to need an
 * overview: a textbook-sized figure stays one picture. A block of more than
 * MAX_BLOCK_NODES nodes is cut into chunks of consecutive statements, so a
 * file written without blank lines still opens as an overview.
 */

/** Graphs with more nodes than this group by blank lines; smaller ones only by `# ---` headers. */
export const BLOCK_GROUPING_MIN_NODES = 100;
/** A block with more nodes than this is cut into chunks of consecutive statements. */
export const MAX_BLOCK_NODES = 200;

/** `# ---` or `# --- title ---`: a header comment line. */
const HEADER = /^\s*#\s*-{3,}\s*(.*?)\s*-*\s*$/;

/** One block or chunk: the statements it spans (indices into the statement list) and how it is shown. */
export interface SourceBlock {
  /** Stable across edits elsewhere: the header's title, else the block's first bound name. */
  readonly key: string;
  readonly label: string;
  readonly range: Range;
  /** The enclosing block (index into the returned list) for a chunk of a titled block. */
  readonly parent: number | null;
  /** First and last statement (inclusive) of the block; for a block with chunks, the chunks hold them. */
  readonly first: number;
  readonly last: number;
}

/**
 * The blocks of a file, outer blocks before their chunks. `nodesOf[i]` is the
 * number of graph nodes statement i made. Statements not in any returned
 * block stay at the top level.
 */
export function sourceBlocks(text: string, statements: readonly StatementOutline[], nodesOf: ArrayLike<number>, totalNodes: number): SourceBlock[] {
  if (statements.length === 0) return [];
  // only a file with a '#' can have a header; the lines are cut out one at a time, as the gaps between statements ask
  const lines = text.includes('#') ? text.split(/\r\n|\r|\n/) : null;
  const headed = lines !== null && lines.some((l) => HEADER.test(l));
  if (!headed && totalNodes <= BLOCK_GROUPING_MIN_NODES) return [];
  // nodes made before each statement: a run's count is one subtraction, not a walk over its statements
  const before = new Float64Array(statements.length + 1);
  for (let i = 0; i < statements.length; i++) before[i + 1] = before[i]! + nodesOf[i]!;
  let starts: Int32Array | null = null;
  const lineAt = (l: number): string | undefined => {
    if (lines !== null) return lines[l];
    starts ??= lineStarts(text);
    if (l + 1 >= starts.length) return undefined;
    let end = starts[l + 1]! - 1;
    if (end > starts[l]! && text.charCodeAt(end) === 10 && text.charCodeAt(end - 1) === 13) end--;
    return text.slice(starts[l]!, end);
  };

  // paragraphs: [first statement, last statement, title]
  const paragraphs: { first: number; last: number; title: string | null }[] = [];
  let previousEnd = -1;
  for (let i = 0; i < statements.length; i++) {
    const start = statements[i]!.range.start.line;
    let breaks = i === 0;
    let title: string | null = null;
    for (let l = previousEnd + 1; l < start; l++) {
      const line = lineAt(l) ?? '';
      const header = HEADER.exec(line);
      if (header) {
        breaks = true;
        title = header[1] || null;
      } else if (!headed && line.trim() === '') breaks = true;
    }
    if (breaks) paragraphs.push({ first: i, last: i, title });
    else paragraphs[paragraphs.length - 1]!.last = i;
    previousEnd = statements[i]!.range.end.line;
  }
  if (paragraphs.length === 1 && paragraphs[0]!.title === null && nodesIn(before, paragraphs[0]!.first, paragraphs[0]!.last) <= MAX_BLOCK_NODES) return [];

  const blocks: SourceBlock[] = [];
  const keys = new Map<string, number>();
  const uniqueKey = (key: string): string => {
    const seen = keys.get(key) ?? 0;
    keys.set(key, seen + 1);
    return seen === 0 ? key : `${key}#${seen + 1}`;
  };
  for (const p of paragraphs) {
    const nodes = nodesIn(before, p.first, p.last);
    if (nodes === 0) continue;
    const chunks = nodes > MAX_BLOCK_NODES ? chunksOf(p, before) : null;
    let parent: number | null = null;
    let prefix = 'block:';
    if (p.title !== null || !chunks) {
      const key = uniqueKey(`block:${p.title ?? firstName(statements, p.first, p.last)}`);
      parent = blocks.length;
      prefix = `${key}/`;
      blocks.push({ key, label: p.title ?? linesLabel(statements, p.first, p.last), range: rangeOf(statements, p.first, p.last), parent: null, first: p.first, last: p.last });
    }
    for (const [first, last] of chunks ?? []) {
      blocks.push({
        key: uniqueKey(`${prefix}${firstName(statements, first, last)}`),
        label: linesLabel(statements, first, last),
        range: rangeOf(statements, first, last),
        parent,
        first,
        last,
      });
    }
  }
  return blocks;
}

/** The number of nodes statements first to last (inclusive) made, from the nodes made before each statement. */
function nodesIn(before: Float64Array, first: number, last: number): number {
  return before[last + 1]! - before[first]!;
}

/** Consecutive runs of statements with at most MAX_BLOCK_NODES nodes each (a bigger statement is a run of its own). */
function chunksOf(p: { first: number; last: number }, before: Float64Array): [number, number][] {
  const chunks: [number, number][] = [];
  let first = p.first;
  let size = 0;
  for (let i = p.first; i <= p.last; i++) {
    const n = before[i + 1]! - before[i]!;
    if (size > 0 && size + n > MAX_BLOCK_NODES) {
      chunks.push([first, i - 1]);
      first = i;
      size = 0;
    }
    size += n;
  }
  chunks.push([first, p.last]);
  return chunks.filter(([a, b]) => nodesIn(before, a, b) > 0);
}

function firstName(statements: readonly StatementOutline[], first: number, last: number): string {
  for (let i = first; i <= last; i++) {
    const s = statements[i]!;
    if (s.kind === 'assign') return s.name;
  }
  return `line ${statements[first]!.range.start.line + 1}`;
}

function linesLabel(statements: readonly StatementOutline[], first: number, last: number): string {
  const a = statements[first]!.range.start.line + 1;
  const b = statements[last]!.range.end.line + 1;
  return a === b ? `line ${a}` : `lines ${a}–${b}`;
}

function rangeOf(statements: readonly StatementOutline[], first: number, last: number): Range {
  return { start: statements[first]!.range.start, end: statements[last]!.range.end };
}

/** Offsets where each line starts (after \r\n, \r or \n), and one more past the end: line l is starts[l] to starts[l + 1] less its break. */
function lineStarts(text: string): Int32Array {
  let count = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) count++;
  }
  const starts = new Int32Array(count + 1);
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts[line++] = i + 1;
  }
  starts[count] = text.length + 1;
  return starts;
}
