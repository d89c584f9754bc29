import { formatNumber, formatTensorSummary, jsonNumber, tensorToJson } from '../core/format';
import { Training } from '../core/train/training';
import { load, parseFileCommand, type CliIo, type Parsed } from './commands';
import { wholeNumber } from './options';
import * as l10n from '@vscode/l10n';

/** Most progress lines a run prints (one per tenth of the steps, and the last). */
const PROGRESS_LINES = 10;

/**
 * `graphstep train FILE [--steps N] [--json]`: runs the file's `train`
 * statement. Progress goes to stderr, so stdout holds only the summary or
 * the JSON object.
 */
export function trainCommand(args: readonly string[], io: CliIo, now: () => number = () => performance.now()): number {
  const parsed = parseFileCommand(args, { json: { type: 'boolean' }, steps: { type: 'string', value: 'N' }, 'max-tensor-elements': { type: 'string', value: 'N' } }, io);
  if (!parsed) return 2;
  const stepsOption = numberOption(parsed.values, 'steps');
  const maxTensorElements = numberOption(parsed.values, 'max-tensor-elements');
  if (typeof stepsOption === 'string' || typeof maxTensorElements === 'string') {
    io.stderr(`graphstep: ${typeof stepsOption === 'string' ? stepsOption : maxTensorElements}\n`);
    return 2;
  }
  const json = parsed.values['json'] === true;
  const result = load(parsed, io, !json, maxTensorElements === undefined ? {} : { maxTensorElements });
  if (!result) return 1;
  const plan = result.training;
  if (!plan) {
    io.stderr(l10n.t('{0}: error: expected a train statement (train LOSS with OPTIMIZER for N steps), found none', parsed.file) + '\n');
    return 1;
  }
  const graph = result.graph;
  const steps = stepsOption ?? plan.steps;
  const training = new Training(graph, plan);
  const started = now();
  const every = Math.max(1, Math.ceil(steps / PROGRESS_LINES));
  for (let k = 0; k < steps; k++) {
    const loss = training.next();
    if ((k + 1) % every === 0 || k + 1 === steps) {
      const last = training.epochs[training.epochs.length - 1];
      const accuracy = !last ? '' : last.testAccuracy === null
        ? `  ${l10n.t('train accuracy {0} (step {1})', percent(last.trainAccuracy), last.step)}`
        : `  ${l10n.t('train accuracy {0}  test accuracy {1} (step {2})', percent(last.trainAccuracy), percent(last.testAccuracy), last.step)}`;
      io.stderr(l10n.t('step {0}/{1}  loss {2}{3}  {4} s', k + 1, steps, loss.toPrecision(6), accuracy, ((now() - started) / 1000).toFixed(1)) + '\n');
    }
  }
  const names = plan.params.map((id) => graph.nodes[id]!.name ?? `#${id}`);
  if (json) {
    const params: Record<string, unknown> = {};
    names.forEach((name, k) => (params[name] = tensorToJson(training.parameters[k]!)));
    const epochs = training.epochs.map((e) => ({ step: e.step, train_accuracy: jsonNumber(e.trainAccuracy), test_accuracy: e.testAccuracy === null ? null : jsonNumber(e.testAccuracy) }));
    io.stdout(JSON.stringify({ steps, loss: training.losses.map(jsonNumber), epochs, params }) + '\n');
    return 0;
  }
  const lossNode = graph.nodes[plan.loss]!;
  const hyper = Object.entries(plan.hyper)
    .map(([k, v]) => `${k}=${formatNumber(v)}`)
    .join(', ');
  const lines = [
    plan.batch
      ? l10n.t('trained {0} with {1}({2}) for {3} steps of {4} rows in {5} s', lossNode.name ?? l10n.t('the loss'), plan.optimizer.name, hyper, steps, plan.batch.size, ((now() - started) / 1000).toFixed(2))
      : l10n.t('trained {0} with {1}({2}) for {3} steps on the whole data in {4} s', lossNode.name ?? l10n.t('the loss'), plan.optimizer.name, hyper, steps, ((now() - started) / 1000).toFixed(2)),
    l10n.t('loss: first {0}, last {1}', formatNumber(training.losses[0]!), formatNumber(training.losses[steps - 1]!)),
  ];
  if (training.epochs.length > 0) {
    lines.push('', 'step      train accuracy  test accuracy');
    for (const e of training.epochs) lines.push(`${String(e.step).padEnd(10)}${percent(e.trainAccuracy).padEnd(16)}${e.testAccuracy === null ? '-' : percent(e.testAccuracy)}`);
  }
  lines.push('', 'params:');
  names.forEach((name, k) => {
    const t = training.parameters[k]!;
    lines.push(`  ${name} [${t.shape.join(',')}]: ${formatTensorSummary(t, 6).replace(/\s*\n\s*/g, ' ')}`);
  });
  io.stdout(lines.join('\n') + '\n');
  return 0;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** A whole-number option (`--steps N`): undefined when not given, a message when not a whole number ≥ 1. */
function numberOption(values: Parsed['values'], name: string): number | undefined | string {
  const text = values[name];
  return typeof text === 'string' ? wholeNumber(text, `--${name}`) : undefined;
}
