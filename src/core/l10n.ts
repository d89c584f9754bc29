/**
 * Which translation the core's user-visible text uses.
 *
 * Every user-visible string in the core is written `l10n.t('English text {0}', value)`
 * with `import * as l10n from '@vscode/l10n'`: the English text is the key, and a
 * bundle (`l10n/bundle.l10n.<language>.json`) maps it to the translation. The same
 * call works wherever the core runs: the extension host configures it with
 * `vscode.l10n.bundle` and hands that bundle on to the evaluation thread and the
 * webview; the command line loads the bundle its `LANG` names. Without a bundle
 * `l10n.t` returns the English text with its placeholders filled in.
 *
 * Placeholders are `{0}`, `{1}`…: numbers, names and code are arguments (numbers
 * already in their shortest round-trip form), never part of the text.
 */
import * as l10n from '@vscode/l10n';

/** A translation bundle: English text → translated text. */
export type L10nBundle = Readonly<Record<string, string>>;

let current: L10nBundle | undefined;

/** Uses `bundle` for every later `l10n.t` in this thread; `undefined` (or an empty bundle) means English. */
export function useL10nBundle(bundle: L10nBundle | undefined): void {
  current = bundle && Object.keys(bundle).length > 0 ? bundle : undefined;
  l10n.config({ contents: { ...(current ?? {}) } });
}

/** The bundle in use, to hand on to another thread or the webview (`undefined`: English). */
export function l10nBundle(): L10nBundle | undefined {
  return current;
}
