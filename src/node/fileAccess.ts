import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileAccess } from '../core/ops/constructorDef';

/** Largest file `load()` reads; bigger files are refused before reading. */
const MAX_FILE_BYTES = 512 * 1024 * 1024;

/**
 * File access for `load()`: paths are relative to the `.nn` file's folder and
 * must stay inside `root` (the workspace folder), symbolic links included.
 */
export function createFileAccess(nnFile: string, root: string): FileAccess {
  const base = path.dirname(path.resolve(nnFile));
  return {
    read(relative: string) {
      const target = path.resolve(base, relative);
      let real: string;
      let realRoot: string;
      try {
        real = fs.realpathSync(target);
        realRoot = fs.realpathSync(root);
      } catch {
        return { ok: false, message: `load: expected a file at ${JSON.stringify(relative)}, found none` };
      }
      const inside = path.relative(realRoot, real);
      if (inside.startsWith('..') || path.isAbsolute(inside)) {
        return { ok: false, message: `load: expected a path inside the workspace folder, found ${JSON.stringify(relative)} outside it` };
      }
      try {
        const stat = fs.statSync(real);
        if (!stat.isFile()) return { ok: false, message: `load: expected a file at ${JSON.stringify(relative)}, found a folder` };
        if (stat.size > MAX_FILE_BYTES) return { ok: false, message: `load: expected a file of at most ${MAX_FILE_BYTES} bytes, found ${stat.size}` };
        return { ok: true, bytes: fs.readFileSync(real) };
      } catch (e) {
        return { ok: false, message: `load: expected a readable file at ${JSON.stringify(relative)}, found ${(e as Error).message}` };
      }
    },
  };
}
