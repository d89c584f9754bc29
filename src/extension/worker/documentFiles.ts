import type { FileAccess } from '../../core/ops/constructorDef';
import { createFileAccess } from '../../node/fileAccess';
import type { WorkerFiles } from './workerProtocol';
import * as l10n from '@vscode/l10n';

const UNSAVED: FileAccess = { read: () => ({ ok: false as const, message: l10n.t('load: expected a file saved on disk, found an unsaved document') }) };

/** What `load()` may read for a document: the same on the host and in its evaluation thread, so both check the same text alike. */
export function documentFiles(files: WorkerFiles | null): FileAccess {
  return files ? createFileAccess(files.file, files.folder) : UNSAVED;
}
