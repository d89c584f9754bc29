/** Longest piece of a file's text a message quotes. */
export const MAX_EXCERPT = 40;

/**
 * A short excerpt of user text for a message: the text itself when short,
 * else its start and `…` with the full length, so a 1 MB name or a CSV field
 * never makes a 1 MB message.
 */
export function excerpt(text: string, max = MAX_EXCERPT): string {
  if (text.length <= max) return text;
  let cut = max;
  // never split a surrogate pair
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${text.slice(0, cut)}… (${text.length} characters)`;
}
