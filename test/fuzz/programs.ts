import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { checkSource, type CheckResult } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { tokenize } from '../../src/core/language/lexer';
import type { Diagnostic, Position } from '../../src/core/language/range';

/*
 * What the fuzzer feeds GraphStep and what it checks of every answer. Three
 * sources of input: random bytes, token mutations of the examples, and
 * programs generated from the grammar with extreme values. The oracle: the
 * check never throws, every diagnostic has a range inside the text and a
 * short message, and a graph it accepts (when cheap enough) steps forward,
 * backward and back to the start without throwing.
 */

const examplesDir = path.resolve(__dirname, '../../examples');

/** Token texts of every example, one array per file. */
export function exampleTokens(dir = examplesDir): string[][] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.nn'))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      return tokenize(text, []).flatMap((t) => {
        if (t.kind === 'eof') return [];
        if (t.kind === 'newline') return ['\n'];
        if (t.kind === 'string') return [JSON.stringify(t.text)];
        return [t.text];
      });
    });
}

/** Sizes and numbers at the edges: empty, one, huge, negative, not whole, not finite. */
const EXTREME_DIMS = ['0', '1', '2', '3', '7', '10000000', '10000001', '100000000000', '1e300', '-1', '2.5', '1e-320'];
const EXTREME_NUMBERS = ['0', '-0', '1', '-1', '0.5', '1e308', '-1e308', '1.7976931348623157e308', '5e-324', '1e-320', '3', '100', '1e16', '9007199254740993'];
const NAMES = ['x', 'y', 'z', 'x', 'y', 'z', 'W', 'b', 't', 'a1', 'loss', 'りんご', '_', 'x_2'];

const name = fc.constantFrom(...NAMES);
const dim = fc.constantFrom(...EXTREME_DIMS);
const num = fc.constantFrom(...EXTREME_NUMBERS);

/** A constructor call with extreme sizes. */
const constructorCall: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('zeros', 'ones', 'randn', 'rand'), fc.array(dim, { maxLength: 4 })).map(([f, ds]) => `${f}(${ds.join(', ')})`),
  fc.tuple(fc.array(dim, { maxLength: 3 }), num).map(([ds, v]) => `full(${[...ds, `value=${v}`].join(', ')})`),
  fc.tuple(dim, fc.option(dim)).map(([n, m]) => (m === null ? `eye(${n})` : `eye(${n}, ${m})`)),
  fc.tuple(num, fc.option(num)).map(([a, b]) => (b === null ? `arange(${a})` : `arange(${a}, ${b})`)),
  fc.tuple(fc.array(fc.constantFrom('0', '1', '2'), { maxLength: 4 }), dim).map(([ls, c]) => `onehot([${ls.join(', ')}], ${c})`),
);

/** A tensor literal, rectangular or not, up to three levels deep. */
const literal: fc.Arbitrary<string> = fc.letrec<{ lit: string }>((tie) => ({
  lit: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    num,
    fc.array(tie('lit'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
  ),
})).lit;

/** An expression over the names, up to a few levels deep. */
const expressionOver = (name: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    name,
    name,
    num,
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '@', '**'), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('e').map((a) => `(${a})`),
    tie('e').map((a) => `-${a}`),
    tie('e').map((a) => `${a}.T`),
    fc.tuple(fc.constantFrom('relu', 'sigmoid', 'tanh', 'exp', 'log', 'sqrt', 'abs', 'softmax', 'transpose', 'neg'), tie('e')).map(([f, a]) => `${f}(${a})`),
    fc.tuple(fc.constantFrom('sum', 'mean'), tie('e'), fc.option(fc.constantFrom('0', '1', '-1', '5', 'None')), fc.boolean()).map(
      ([f, a, axis, keep]) => `${f}(${a}${axis === null ? '' : `, axis=${axis}`}${keep ? ', keepdims=true' : ''})`,
    ),
    fc.tuple(tie('e'), fc.array(dim, { maxLength: 4 })).map(([a, ds]) => `reshape(${[a, ...ds].join(', ')})`),
    fc.tuple(fc.constantFrom('affine'), tie('e'), tie('e'), tie('e')).map(([f, a, b, c]) => `${f}(${a}, ${b}, ${c})`),
    fc.tuple(fc.constantFrom('softmax_with_loss', 'cross_entropy', 'mse', 'matmul', 'add', 'mul', 'pow'), tie('e'), tie('e')).map(([f, a, b]) => `${f}(${a}, ${b})`),
  ),
})).e;
const expression = expressionOver(name);

const statement: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('input', 'param', 'const'), name, fc.oneof(constructorCall, literal, num)).map(([d, n, v]) => `${d} ${n} = ${v}`),
  fc.tuple(fc.constantFrom('input', 'param', 'const'), name, constructorCall, fc.constantFrom('*', '+', '/'), num).map(([d, n, v, op, x]) => `${d} ${n} = ${v} ${op} ${x}`),
  fc.tuple(name, expression).map(([n, e]) => `${n} = ${e}`),
  name.map((n) => `output ${n}`),
);

/** Mostly small sizes, sometimes one at the edge: enough programs get past the checks to be run. */
const smallDim = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('0', '1', '2', '3') }, { weight: 1, arbitrary: dim });
const smallLeaf: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('zeros', 'ones', 'randn', 'rand'), fc.array(smallDim, { maxLength: 3 })).map(([f, ds]) => `${f}(${ds.join(', ')})`),
  literal,
  num,
);

/**
 * Programs from the grammar, with extreme sizes and values: leaves `x`, `y`,
 * `z` first (mostly small), then statements over them and over each other.
 */
export const grammarProgram: fc.Arbitrary<string> = fc.oneof(
  fc.array(statement, { minLength: 1, maxLength: 8 }).map((lines) => lines.join('\n') + '\n'),
  fc
    .tuple(
      fc.tuple(fc.constantFrom('input', 'param', 'const'), smallLeaf),
      fc.tuple(fc.constantFrom('input', 'param', 'const'), smallLeaf),
      fc.tuple(fc.constantFrom('input', 'param', 'const'), smallLeaf),
      fc.array(fc.tuple(fc.constantFrom('x', 'y', 'z', 'w'), expressionOver(fc.constantFrom('x', 'y', 'z'))), { minLength: 1, maxLength: 5 }),
    )
    .map(([x, y, z, body]) => [`${x[0]} x = ${x[1]}`, `${y[0]} y = ${y[1]}`, `${z[0]} z = ${z[1]}`, ...body.map(([n, e]) => `${n} = ${e}`)].join('\n') + '\n'),
);

/** Pieces a mutation may insert: tokens at the edges of the language, and some that are not in it. */
const INSERTS = ['(', ')', '[', ']', ',', '=', '.T', '.', '**', '@', '-', '+', '\n', '\\\n', '#', '"', "'", 'output', 'input', 'None', 'True', ...EXTREME_NUMBERS, ...EXTREME_DIMS, ...NAMES, 'zeros(100000000000, 0)', 'load("x.json")', '\ud800', '\u0000', '\r', '\t', 'ℝ'];

/** One of the examples with a few tokens deleted, duplicated, swapped or replaced. */
export function mutatedExample(examples: readonly string[][]): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.constantFrom('delete', 'duplicate', 'replace', 'insert', 'swap'), fc.nat(), fc.nat(), fc.constantFrom(...INSERTS));
  return fc.tuple(fc.nat({ max: examples.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([which, edits]) => {
    const tokens = examples[which]!.slice();
    for (const [kind, i, j, piece] of edits) {
      if (tokens.length === 0) break;
      const a = i % tokens.length;
      const b = j % tokens.length;
      if (kind === 'delete') tokens.splice(a, 1);
      else if (kind === 'duplicate') tokens.splice(a, 0, tokens[a]!);
      else if (kind === 'replace') tokens[a] = piece;
      else if (kind === 'insert') tokens.splice(a, 0, piece);
      else [tokens[a], tokens[b]] = [tokens[b]!, tokens[a]!];
    }
    return tokens.join(' ');
  });
}

/** Random bytes read as UTF-8 (malformed sequences included), and random Unicode text. */
export const randomText: fc.Arbitrary<string> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.string({ unit: fc.constantFrom(...'xyz=+-*/@()[],.T0123456789 \n#"e'.split('')), maxLength: 120 }),
);

/**
 * Long inputs made of one piece repeated up to 10,000 times: operator chains,
 * nesting, many arguments, many statements or unknown names, long names and
 * literals. What is super-linear or recursive shows here as a hang.
 */
export const repeatedInput: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      ['input x = 1\ny = x', ' + x', ''],
      ['input x = [[1, 2]]\ny = x', '.T', ''],
      ['input x = 2\ny = ', '-', 'x'],
      ['input x = 2\ny = ', '(', 'x'],
      ['input x = 1\ny = reshape(x', ', 1', ')'],
      ['input x = 1\n', 'y = x + q\n', ''],
      ['input x0 = 1\n', 'x0 = x0 * 2\n', ''],
      ['input x = 1\ny = x + ', 'abcdefghij', ''],
      ['input x = ', '[', '1'],
      ['input x = [', '1, ', '1]\ny = x * 2'],
      ['input x = 1\ny = x ** ', 'x ** ', 'x'],
      ['input x = zeros(', '1, ', '1)\ny = sum(x)'],
    ),
    fc.integer({ min: 1, max: 10_000 }),
  )
  .map(([[head, piece, tail], n]) => head + piece.repeat(n) + tail + '\n');

/** Every kind of input, mixed. */
export function anyInput(examples: readonly string[][]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: randomText },
    { weight: 10, arbitrary: mutatedExample(examples) },
    { weight: 10, arbitrary: grammarProgram },
    { weight: 1, arbitrary: repeatedInput },
  );
}

/** Throws unless every diagnostic has a range inside `text` (start before end) and a short, non-empty message. */
export function assertWellFormed(text: string, diagnostics: readonly Diagnostic[]): void {
  const lines = text.split(/\r\n|\r|\n/);
  const inside = (p: Position): boolean => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line]!.length;
  for (const d of diagnostics) {
    const { start, end } = d.range;
    if (!inside(start) || !inside(end)) throw new Error(`diagnostic range ${JSON.stringify(d.range)} outside the text: ${d.message}`);
    if (end.line < start.line || (end.line === start.line && end.character < start.character)) throw new Error(`diagnostic range ends before it starts: ${JSON.stringify(d.range)}`);
    if (d.message.length === 0 || d.message.length > MAX_MESSAGE_LENGTH) throw new Error(`message of ${d.message.length} characters: ${d.message.slice(0, 100)}`);
  }
}

/** Largest tape the oracle steps through (multiply-adds of one pass): keeps each case fast. */
const MAX_STEPPED_COST = 2e5;
/** Longest message a diagnostic may have: a message quotes only short excerpts of the file. */
export const MAX_MESSAGE_LENGTH = 400;

export type Outcome = 'ok' | 'diagnostic';

/**
 * Checks `text` and, when it builds and is cheap, steps it to the end and
 * back. Throws (an assertion) on any broken promise; otherwise says whether
 * the file was accepted or got an error.
 */
export function exercise(text: string): Outcome {
  const r: CheckResult = checkSource(text, { maxTensorElements: 100_000, maxMemoryMB: 64, maxEvaluationCost: MAX_STEPPED_COST });
  assertWellFormed(text, r.diagnostics);
  if (!r.graph) return 'diagnostic';
  if (!r.evaluationSkipped) {
    const stepper = new Stepper(r.graph);
    stepper.runBackward();
    stepper.goTo(Math.floor(stepper.total / 2));
    stepper.reset();
  }
  return 'ok';
}
