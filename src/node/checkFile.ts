import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource, type CheckOptions, type CheckResult } from '../core/check';
import { createFileAccess } from './fileAccess';

export interface CheckFileResult extends CheckResult {
  readonly text: string;
}

/**
 * Reads and checks a `.nn` file from disk. `load()` may read files under
 * `root` (default: the current folder when the file is inside it, else the
 * file's own folder).
 */
export function checkFile(file: string, options: CheckOptions & { root?: string } = {}): CheckFileResult {
  const text = fs.readFileSync(file, 'utf8');
  const absolute = path.resolve(file);
  const cwd = process.cwd();
  const root = options.root ?? (path.relative(cwd, absolute).startsWith('..') ? path.dirname(absolute) : cwd);
  return { ...checkSource(text, { ...options, files: options.files ?? createFileAccess(absolute, root) }), text };
}
