import { runCheck, runGradcheck, runRun, runTrace, type CliIo } from './commands';
import { importCommand } from './importCommand';
import { renderCommand } from './renderCommand';
import { trainCommand } from './trainCommand';
import { useNodeKernels } from '../node/engineKernels';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { useCliLanguage } from './language';

/** The usage text, in the language LANG names (one translation: the columns are laid out by hand). */
const usage = (): string =>
  l10n.t(`usage: graphstep <command> FILE [options]

commands:
  check FILE                   parse and shape-check; prints FILE:LINE:COL: error|warning: MESSAGE
  run FILE [--json] [--expand] forward and backward pass: a table, or JSON;
                               --expand opens composite ops into elementary ops
  trace FILE --json [--expand] every step: position, phase, node, what it set
  gradcheck FILE [--json] [--expand]
                               numerical vs backprop gradient of every input and param;
                               passes when |num - backprop| <= 1e-8 + 1e-5*|num| (relu/abs/max
                               kinks skipped); exit 1 when a leaf fails
  render FILE -o OUT.svg [--step N] [--expand]
                               the graph at position N (default: all steps done) as SVG
  train FILE [--steps N] [--json] [--max-tensor-elements N]
                               the file's train statement: progress on stderr, then the loss
                               and accuracy history (--steps N overrides its step count;
                               --max-tensor-elements raises the 10,000,000 limit for big data)
  import MODEL.onnx -o OUT.nn [--input NAME=FILE.npy]...
                               an ONNX model as a .nn file, its weights as .npy files beside it

options of every command:
  --root DIR                   the folder load() may read from (default: the FILE's own folder)
`);

/** Runs one command line; returns the exit code. */
export function main(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheck(rest, io);
    case 'run':
      return runRun(rest, io);
    case 'trace':
      return runTrace(rest, io);
    case 'gradcheck':
      return runGradcheck(rest, io);
    case 'render':
      return renderCommand([...rest], io);
    case 'train':
      return trainCommand(rest, io);
    case 'import':
      return importCommand(rest, io);
    case '--help':
    case '-h':
    case 'help':
      io.stdout(usage());
      return 0;
    case '--version':
      io.stdout('graphstep 0.1.0\n');
      return 0;
    default:
      io.stderr(command === undefined ? usage() : `${l10n.t("graphstep: expected a command (check, run, trace, gradcheck, render, train, import), found '{0}'", command)}\n\n${usage()}`);
      return 2;
  }
}

if (require.main === module) {
  // out/cli.js reads the translations in the package's l10n/ folder
  useCliLanguage(process.env, path.join(__dirname, '..', 'l10n'));
  useNodeKernels();
  // `graphstep run big.nn | head` closes the pipe early: stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const io: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };
  process.exitCode = main(process.argv.slice(2), io);
}
