import { checkSource, DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_TENSOR_ELEMENTS, type CheckResult } from '../../core/check';
import type { FileAccess } from '../../core/ops/constructorDef';
import type { WorkerCheckOptions } from './workerProtocol';
import * as l10n from '@vscode/l10n';

/** Texts up to this long may be checked on the host's thread (a few milliseconds)… */
const HOST_CHECK_MAX_CHARS = 20_000;
/** …when no tensor of theirs is larger than this… */
const HOST_CHECK_MAX_ELEMENTS = 100_000;
/** …their tape fits in this many MiB, and they load no file. */
const HOST_CHECK_MAX_MEMORY_MB = 8;

/**
 * The check of a small, cheap text, made at once on the host's thread so
 * that a typical file has its graph the moment it opens; null for anything
 * that could hold the thread (a long text, a large tensor, a `load()`),
 * which the evaluation thread checks instead. Tighter limits only add
 * diagnostics, so a text that passes them checks the same under the
 * user's own.
 */
export function quickCheck(text: string, options: WorkerCheckOptions, expanded: ReadonlySet<string> = new Set()): CheckResult | null {
  if (text.length > HOST_CHECK_MAX_CHARS) return null;
  let loads = false;
  const files: FileAccess = {
    read: () => {
      loads = true;
      return { ok: false, message: l10n.t('load: read in the evaluation thread') };
    },
  };
  let check: CheckResult;
  try {
    check = checkSource(text, {
      maxTensorElements: Math.min(options.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS, HOST_CHECK_MAX_ELEMENTS),
      maxMemoryMB: Math.min(options.maxMemoryMB ?? DEFAULT_MAX_MEMORY_MB, HOST_CHECK_MAX_MEMORY_MB),
      files,
      evaluate: false,
      ...(expanded.size > 0 ? { expand: expanded } : {}),
    });
  } catch {
    return null;
  }
  if (loads || check.diagnostics.some((d) => /graphstep\.max(TensorElements|MemoryMB)/.test(d.message))) return null;
  return check;
}
