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
 *
 * Texts that are data rather than messages (the language reference of every
 * operation: src/core/ops/reference.ts and its Japanese, referenceJa.ts) are
 * chosen by the language itself, `l10nLanguage()`, which the extension host
 * and the command line give with the bundle.
 */
import * as l10n from '@vscode/l10n';

/** A translation bundle: English text → translated text. */
export type L10nBundle = Readonly<Record<string, string>>;

let current: L10nBundle | undefined;
let language = 'en';

/**
 * Uses `bundle` for every later `l10n.t` in this thread; `undefined` (or an
 * empty bundle) means English. `languageTag` is the language it translates
 * to (VS Code's `vscode.env.language`, `ja`, `pt-br`); English without a bundle.
 */
export function useL10nBundle(bundle: L10nBundle | undefined, languageTag = 'en'): void {
  current = bundle && Object.keys(bundle).length > 0 ? bundle : undefined;
  language = current ? languageTag.toLowerCase() : 'en';
  l10n.config({ contents: { ...(current ?? {}) } });
}

/** The language of the text in this thread (`ja`, `en`…): `en` unless a bundle was given with its language. */
export function l10nLanguage(): string {
  return language;
}

/** The bundle in use, to hand on to another thread or the webview (`undefined`: English). */
export function l10nBundle(): L10nBundle | undefined {
  return current;
}
