/**
 * Text widths without a DOM. Layout runs in the CLI and the unit tests as well
 * as the webview, and all three must produce the same drawing, so widths are
 * estimated from character classes instead of measured; the estimates err on
 * the wide side so text fits in every common UI font.
 */

/** The font sizes the drawing uses, in px. */
export const FONT_SIZE = { label: 12, symbol: 13, caption: 11, title: 13 } as const;

const ASCII_EM = Float64Array.from({ length: 0x80 }, (_, code) => charEm(code));

/** Estimated width in px of `text` at `fontSize`. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // ASCII from a table (layouts of 10,000 nodes measure a lot of text); a surrogate pair counts once.
    if (code < 0x80) em += ASCII_EM[code]!;
    else if (code >= 0xdc00 && code <= 0xdfff && i > 0) continue;
    else em += charEm(code >= 0xd800 && code <= 0xdbff ? text.codePointAt(i)! : code);
  }
  return Math.ceil(em * fontSize);
}

function charEm(code: number): number {
  if (code >= 0x2e80) return 1.0; // CJK, kana, full width
  if (code === 0x20) return 0.3;
  if (/[.,:;'|!iIl1()[\]]/.test(String.fromCodePoint(code))) return 0.34;
  if (code >= 0x41 && code <= 0x5a) return 0.68; // A-Z
  if (code === 0x6d || code === 0x77) return 0.85; // m w
  if (code > 0x7f) return 0.7; // Greek, math symbols
  return 0.6;
}
