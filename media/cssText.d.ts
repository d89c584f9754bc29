/** Style sheets bundled as text (esbuild's `text` loader), put in the page under its nonce. */
declare module '*.css' {
  const text: string;
  export default text;
}
