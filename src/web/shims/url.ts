/** Node's `url` for @vscode/debugadapter in the browser: it uses only `URL`, which the browser has. */
export const URL = globalThis.URL;
