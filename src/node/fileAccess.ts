import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileAccess } from '../core/ops/constructorDef';
import { excerpt } from '../core/language/excerpt';
import { LoadCache } from '../core/ops/loadCache';
import * as l10n from '@vscode/l10n';
import { MAX_LOAD_FILE_BYTES as MAX_FILE_BYTES, outsideRoot, pathFormProblem, quotedPath, refuseLoad as refuse, tooLargeFile, type FileRead as Read } from '../core/ops/loadRules';

/**
 * File access for `load()`: paths are relative to the `.nn` file's folder and
 * must name a regular file inside `root` (the workspace folder in the
 * editor, `--root` or the file's own folder in the command line). Everything
 * is checked before the file is opened: absolute paths, `..` that leaves the
 * root, symbolic links out of it, files with several hard links (one of them
 * may be outside), folders, devices, FIFOs and sockets are refused with a
 * message saying which and why.
 */
export function createFileAccess(nnFile: string, root: string, rootName = 'the workspace folder'): FileAccess {
  const base = path.dirname(path.resolve(nnFile));
  return {
    read(relative: string): Read {
      const quoted = quotedPath(relative);
      const formProblem = pathFormProblem(relative, rootName);
      if (formProblem) return formProblem;
      let realRoot: string;
      let realBase: string;
      try {
        realRoot = fs.realpathSync(root);
        realBase = fs.realpathSync(base);
      } catch {
        return refuse(l10n.t('expected {0} {1} to exist, found none', rootName, JSON.stringify(excerpt(root, 80))));
      }
      const target = path.resolve(realBase, relative);
      const inside = path.relative(realRoot, target);
      if (isOutside(inside)) return outsideRoot(relative, rootName, realRoot);
      // walk down from the root, one component at a time, never following a link out of it
      let current = realRoot;
      const parts = inside === '' ? [] : inside.split(path.sep);
      let stat: fs.Stats | null = null;
      for (let i = 0; i < parts.length; i++) {
        const next = path.join(current, parts[i]!);
        try {
          stat = fs.lstatSync(next);
        } catch {
          return refuse(l10n.t('expected a file at {0}, found none', quoted));
        }
        if (stat.isSymbolicLink()) {
          let real: string;
          try {
            real = fs.realpathSync(next);
          } catch {
            return refuse(l10n.t('expected a file at {0}, found a symbolic link that leads nowhere', quoted));
          }
          if (isOutside(path.relative(realRoot, real))) {
            return refuse(l10n.t('expected a path inside {0}, found {1}: it goes through a symbolic link to outside it', rootName, quoted));
          }
          current = real;
          stat = fs.statSync(real);
        } else current = next;
        if (i < parts.length - 1 && !stat.isDirectory()) return refuse(l10n.t('expected a file at {0}, found none ({1} is not a folder)', quoted, String(parts[i])));
      }
      if (stat === null || stat.isDirectory()) return refuse(l10n.t('expected a file at {0}, found a folder', quoted));
      const kind = specialKind(stat);
      if (kind) return refuse(l10n.t('expected a regular file at {0}, found {1} (refused before opening)', quoted, kind));
      if (stat.nlink > 1) {
        return refuse(l10n.t('expected a file with one name at {0}, found one with {1} hard links (another name may be outside {2}, so it is not read)', quoted, stat.nlink, rootName));
      }
      if (stat.size > MAX_FILE_BYTES) return tooLargeFile(relative, stat.size);
      return readRegularFile(current, stat, quoted);
    },
  };
}

function isOutside(relative: string): boolean {
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

function specialKind(stat: fs.Stats): string | null {
  if (stat.isFile()) return null;
  if (stat.isFIFO()) return l10n.t('a FIFO (named pipe)');
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return l10n.t('a character device');
  if (stat.isBlockDevice()) return l10n.t('a block device');
  return l10n.t('something that is not a regular file');
}

/** Most bytes the files read are kept for (the oldest dropped first). */
const CACHE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The files read lately: an unchanged file (same device, inode, size,
 * modification and change times to the nanosecond) is not read again at the
 * next check of a text that loads it, only after it changed. One cache per
 * process (one per document's evaluation thread in the editor).
 */
const cache = new LoadCache(CACHE_MAX_BYTES);

/** What tells one version of an open file from another, to the nanosecond. */
function identity(fd: number): string {
  const stat = fs.fstatSync(fd, { bigint: true });
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

/** Opens without following links and without blocking, and reads only when it is still the file that was checked (and not already read unchanged). */
function readRegularFile(file: string, checked: fs.Stats, quoted: string): Read {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return refuse(l10n.t('expected a readable file at {0}, found {1}', quoted, (e as NodeJS.ErrnoException).code ?? l10n.t('an error')));
  }
  try {
    const opened = fs.fstatSync(fd);
    if (!opened.isFile() || opened.ino !== checked.ino || opened.dev !== checked.dev) {
      return refuse(l10n.t('expected the file at {0} to stay the same while it is read, found it replaced', quoted));
    }
    const key = identity(fd);
    const known = cache.get(file, key);
    if (known) return { ok: true, bytes: known };
    const bytes = Buffer.allocUnsafe(Math.min(opened.size, MAX_FILE_BYTES));
    let filled = 0;
    while (filled < bytes.length) {
      const n = fs.readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (n === 0) break;
      filled += n;
    }
    const read = bytes.subarray(0, filled);
    // a file that changed while it was read is not kept: its next read reads it again
    if (identity(fd) === key) cache.remember(file, key, read);
    return { ok: true, bytes: read };
  } catch (e) {
    return refuse(l10n.t('expected a readable file at {0}, found {1}', quoted, (e as NodeJS.ErrnoException).code ?? l10n.t('an error')));
  } finally {
    fs.closeSync(fd);
  }
}
