/** The browser's evaluation-thread bundle as text (scripts/build.mjs builds src/web/evalWorker.ts and inlines it). */
declare module 'graphstep:web-eval-worker' {
  const source: string;
  export default source;
}
