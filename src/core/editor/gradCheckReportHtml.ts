import type { GradCheckReport } from '../engine/gradcheck';
import { formatNumber } from '../format';
import type { Graph } from '../graph/graph';
import * as l10n from '@vscode/l10n';

/**
 * The body of the Gradient Check view: one row per input and param (max
 * absolute and relative error, entries checked of total, entries skipped as
 * kinks, pass or fail by the report's rule), the failing entries or else the
 * worst entry of each, and what the numerical gradient cost next to one
 * backward pass. Errors are printed exactly; times to three digits.
 */
export function gradCheckReportHtml(report: GradCheckReport, graph: Graph, title: string): string {
  const rows = report.leaves.map((leaf) => {
    const kind = graph.nodes[leaf.id]?.kind ?? '';
    const result = leaf.status === 'pass' ? `✓ ${l10n.t('pass')}` : leaf.status === 'fail' ? `✗ ${l10n.t('fail')}` : `– ${l10n.t('kinks only')}`;
    return `<tr class="${leaf.passed ? 'pass' : 'fail'}" data-leaf="${escapeHtml(leaf.name)}">
  <td><code>${escapeHtml(leaf.name)}</code> ${kind}</td><td>${result}</td>
  <td class="num">${formatNumber(leaf.maxRelError)}</td><td class="num">${formatNumber(leaf.maxAbsError)}</td>
  <td class="num">${l10n.t('{0} of {1}', leaf.checked, leaf.size)}</td><td class="num">${leaf.skippedKinks}</td>
</tr>`;
  });
  const entry = (name: string, e: { index: number; analytic: number; numeric: number }): string =>
    `<li>${l10n.t('{0} entry {1}: backprop {2}, numerical {3}', `<code>${escapeHtml(name)}</code>`, e.index, `<code>${formatNumber(e.analytic)}</code>`, `<code>${formatNumber(e.numeric)}</code>`)}</li>`;
  const failing = report.leaves.flatMap((leaf) => leaf.failing.map((e) => entry(leaf.name, e)));
  const worst = report.leaves.filter((leaf) => leaf.worst).map((leaf) => entry(leaf.name, leaf.worst!));
  const kinks = report.leaves.reduce((n, l) => n + l.skippedKinks, 0);
  const rule = l10n.t('{0} with atol = {1}, rtol = {2}', escapeHtml(report.rule), formatNumber(report.atol), formatNumber(report.rtol));
  const checked = report.leaves.reduce((n, l) => n + l.checked, 0);
  const total = report.leaves.reduce((n, l) => n + l.size, 0);
  const ratio = report.backpropMs > 0 ? report.numericMs / report.backpropMs : null;
  const verdict = report.leaves.length === 0
    ? l10n.t('Nothing to check: the file has no input or param the output depends on.')
    : report.passed
      ? l10n.t('All {0} leaves pass: every entry checked meets {1}.', report.leaves.length, rule)
      : l10n.t('{0} of {1} leaves fail: an entry breaks {2}.', report.failingLeaves.length, report.leaves.length, rule);
  return `<h1>${l10n.t('Gradient Check: {0}', escapeHtml(title))}</h1>
<p class="verdict ${report.passed ? 'pass' : 'fail'}">${verdict}</p>
<p>${kinks > 0
    ? l10n.t("Backprop's gradient of each leaf against the five-point central difference of sum(output); {0} of {1} entries checked (large leaves are sampled); {2} skipped as kinks, where a probe moved the input of a relu or abs across 0 or changed the element a max picks, and the gradient is not defined.", checked, total, kinks)
    : l10n.t("Backprop's gradient of each leaf against the five-point central difference of sum(output); {0} of {1} entries checked (large leaves are sampled).", checked, total)}</p>
<div class="scroll"><table class="leaves">
<thead><tr><th>${l10n.t('leaf')}</th><th>${l10n.t('result')}</th><th>${l10n.t('max rel error')}</th><th>${l10n.t('max abs error')}</th><th>${l10n.t('entries')}</th><th>${l10n.t('kinks skipped')}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
${failing.length ? `<h2>${l10n.t('Failing entries')}</h2><ul class="worst">\n${failing.join('\n')}\n</ul>` : ''}
${worst.length ? `<details><summary>${l10n.t('The worst entry of each leaf')}</summary><ul class="worst">\n${worst.join('\n')}\n</ul></details>` : ''}
<h2>${l10n.t('What it cost')}</h2>
<div class="scroll"><table class="cost">
<thead><tr><th></th><th>${l10n.t('evaluations')}</th><th>${l10n.t('time')}</th></tr></thead>
<tbody>
<tr><td>${l10n.t('Numerical differentiation (4 forward passes per entry)')}</td><td class="num">${l10n.t('{0} forward passes', report.evaluations)}</td><td class="num">${ms(report.numericMs)}</td></tr>
<tr><td>${l10n.t('Backpropagation')}</td><td class="num">${l10n.t('1 forward + 1 backward pass')}</td><td class="num">${ms(report.backpropMs)}</td></tr>
</tbody>
</table></div>
<p>${ratio !== null && Number.isFinite(ratio) ? l10n.t('The numerical gradient took {0}× as long as backprop, and its cost grows with the number of entries; backprop gets every gradient from one backward pass. That is why it exists.', ratio.toPrecision(3)) : l10n.t('Backprop gets every gradient from one backward pass. That is why it exists.')}</p>`;
}

function ms(x: number): string {
  return `${x < 1 ? x.toPrecision(2) : x.toPrecision(3)} ms`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
