/** Puts a style sheet in the page under the page's nonce (the CSP admits no other style). */
export function addStyle(css: string): void {
  const style = document.createElement('style');
  const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce;
  if (nonce) style.nonce = nonce;
  style.textContent = css;
  document.head.appendChild(style);
}
