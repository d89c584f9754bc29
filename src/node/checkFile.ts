import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource, type CheckOptions, type CheckResult } from '../core/check';
import { createFileAccess } from './fileAccess';

export interface CheckFileResult extends CheckResult {
  readonly text: string;
}

/**
 * Reads and checks a `.nn` file from disk. `load()` may read files under
 * `root`, by default the file's own folder: never the current folder, so a
 * file gives the same result wherever it is checked from.
 */
export function checkFile(file: string, options: CheckOptions & { root?: string; rootName?: string } = {}): CheckFileResult {
  const text = fs.readFileSync(file, 'utf8');
  const absolute = path.resolve(file);
  const root = path.resolve(options.root ?? path.dirname(absolute));
  return { ...checkSource(text, { ...options, files: options.files ?? createFileAccess(absolute, root, options.rootName) }), text };
}
