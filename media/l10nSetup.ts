/**
 * The webview's translation: the host puts its bundle (`vscode.l10n.bundle`) on
 * `<body data-l10n>`; every later `l10n.t` in the webview reads it. Imported first
 * by webview.ts, so it runs before any other module's code.
 */
import { useL10nBundle, type L10nBundle } from '../src/core/l10n';

function pageBundle(): L10nBundle | undefined {
  try {
    return JSON.parse(document.body.dataset.l10n ?? '{}') as L10nBundle;
  } catch {
    return undefined;
  }
}

useL10nBundle(pageBundle());
