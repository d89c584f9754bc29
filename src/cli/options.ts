import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import * as l10n from '@vscode/l10n';

/** One option of a command, as `node:util`'s `parseArgs` takes it, plus how messages name its value. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's name in messages: `--step N`. */
  readonly value?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A parsed command line: the option values by long name, and the words that are not options. */
export interface CommandLine {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  /** `--root DIR`, checked to be a folder: the folder `load()` may read from. */
  readonly root: string | undefined;
}

/** `--root DIR`, which every command has. */
const ROOT_OPTION: OptionSpecs = { root: { type: 'string', value: 'DIR' } };

/**
 * Parses `argv` with `node:util`'s `parseArgs` (strict: unknown options and
 * missing values are errors) and turns its errors into messages that say what
 * was expected and what was found.
 */
export function parseCommandLine(argv: readonly string[], specs: OptionSpecs): CommandLine | string {
  const options = { ...ROOT_OPTION, ...specs };
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return describeError(e, specs);
  }
  const root = parsed.values['root'];
  if (typeof root === 'string') {
    const problem = folderProblem(root);
    if (problem) return problem;
  }
  return { values: parsed.values as CommandLine['values'], positionals: parsed.positionals, root: typeof root === 'string' ? root : undefined };
}

/** The options as a usage line names them: `-o FILE, --step N, --json, --root DIR`. */
export function describeOptions(specs: OptionSpecs): string {
  return Object.entries({ ...specs, ...ROOT_OPTION })
    .map(([name, o]) => `${o.short ? `-${o.short}/` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`)
    .join(', ');
}

function describeError(e: unknown, specs: OptionSpecs): string {
  const options = { ...ROOT_OPTION, ...specs };
  const code = (e as NodeJS.ErrnoException).code;
  const message = (e as Error).message ?? String(e);
  const found = /'(-{1,2}[^'\s,=<]+)/.exec(message)?.[1] ?? '';
  const name = found.startsWith('--') ? found.slice(2) : Object.entries(options).find(([, o]) => o.short === found.slice(1))?.[0];
  const spec = name === undefined ? undefined : options[name];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return l10n.t("expected one of the options {0}, found '{1}'", describeOptions(specs), found);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && spec?.type === 'boolean') return l10n.t('expected no value after {0}, found one', found);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (name === 'root') return l10n.t('expected a folder after --root, found nothing');
    return l10n.t('expected {0} after {1}, found {2}', spec?.value ?? l10n.t('a value'), found, /ambiguous/.test(message) ? l10n.t('another option') : l10n.t('nothing'));
  }
  return message.split('\n')[0]!;
}

function folderProblem(dir: string): string | null {
  if (dir === '') return l10n.t('expected a folder after --root, found nothing');
  try {
    return fs.statSync(dir).isDirectory() ? null : l10n.t('expected a folder after --root, found a file at {0}', dir);
  } catch {
    return l10n.t('expected a folder after --root, found no folder at {0}', dir);
  }
}

/** A whole number ≥ 1 from an option's text, or a message. */
export function wholeNumber(text: string, option: string, least = 1): number | string {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) && n >= least ? n : l10n.t("expected a whole number ≥ {0} after {1}, found '{2}'", least, option, text);
}
