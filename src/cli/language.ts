/**
 * The command line's language: the one the environment names, as other Unix tools
 * read it (`LC_ALL`, then `LC_MESSAGES`, then `LANG`; the first one set wins).
 * `ja_JP.UTF-8` → Japanese; `C`, `POSIX`, unset, or a language without a
 * translation → English. The translation is `l10n/bundle.l10n.<language>.json`
 * beside the bundle's folder, the same file the extension uses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useL10nBundle, type L10nBundle } from '../core/l10n';

/** The bundle names a locale may have, most specific first: `pt_BR.UTF-8` → `pt-br`, `pt`; `C`/`POSIX`/unset → none. */
export function localeCandidates(env: Readonly<Record<string, string | undefined>>): string[] {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  if (locale === undefined) return [];
  const name = locale.split(/[.@]/)[0]!.toLowerCase().replace(/_/g, '-');
  if (name === '' || name === 'c' || name === 'posix') return [];
  const language = name.split('-')[0]!;
  return name === language ? [name] : [name, language];
}

/** Uses the translation `env` names, read from `l10nDir`; returns the language used (`en` when none). */
export function useCliLanguage(env: Readonly<Record<string, string | undefined>>, l10nDir: string): string {
  for (const candidate of localeCandidates(env)) {
    const file = path.join(l10nDir, `bundle.l10n.${candidate}.json`);
    let bundle: L10nBundle;
    try {
      bundle = JSON.parse(fs.readFileSync(file, 'utf8')) as L10nBundle;
    } catch {
      continue; // no such translation (or an unreadable one): try the next, then English
    }
    useL10nBundle(bundle, candidate);
    return candidate;
  }
  useL10nBundle(undefined);
  return 'en';
}
