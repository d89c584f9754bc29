import { main } from '../../src/cli/cli';

/** Runs the `graphstep` command line in process and collects what it prints. */
export function cli(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}
