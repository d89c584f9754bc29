import type { GradCheckReport } from '../engine/gradcheck';
import { formatNumber } from '../format';
import type { Graph } from '../graph/graph';

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
    const result = leaf.status === 'pass' ? '✓ pass' : leaf.status === 'fail' ? '✗ fail' : '– kinks only';
    return `<tr class="${leaf.passed ? 'pass' : 'fail'}" data-leaf="${escapeHtml(leaf.name)}">
  <td><code>${escapeHtml(leaf.name)}</code> ${kind}</td><td>${result}</td>
  <td class="num">${formatNumber(leaf.maxRelError)}</td><td class="num">${formatNumber(leaf.maxAbsError)}</td>
  <td class="num">${leaf.checked} of ${leaf.size}</td><td class="num">${leaf.skippedKinks}</td>
</tr>`;
  });
  const entry = (name: string, e: { index: number; analytic: number; numeric: number }): string =>
    `<li><code>${escapeHtml(name)}</code> entry ${e.index}: backprop <code>${formatNumber(e.analytic)}</code>, numerical <code>${formatNumber(e.numeric)}</code></li>`;
  const failing = report.leaves.flatMap((leaf) => leaf.failing.map((e) => entry(leaf.name, e)));
  const worst = report.leaves.filter((leaf) => leaf.worst).map((leaf) => entry(leaf.name, leaf.worst!));
  const kinks = report.leaves.reduce((n, l) => n + l.skippedKinks, 0);
  const rule = `${escapeHtml(report.rule)} with atol = ${formatNumber(report.atol)}, rtol = ${formatNumber(report.rtol)}`;
  const checked = report.leaves.reduce((n, l) => n + l.checked, 0);
  const total = report.leaves.reduce((n, l) => n + l.size, 0);
  const ratio = report.backpropMs > 0 ? report.numericMs / report.backpropMs : null;
  const verdict = report.leaves.length === 0
    ? 'Nothing to check: the file has no input or param the output depends on.'
    : report.passed
      ? `All ${report.leaves.length} leaves pass: every entry checked meets ${rule}.`
      : `${report.failingLeaves.length} of ${report.leaves.length} leaves fail: an entry breaks ${rule}.`;
  return `<h1>Gradient Check: ${escapeHtml(title)}</h1>
<p class="verdict ${report.passed ? 'pass' : 'fail'}">${verdict}</p>
<p>Backprop's gradient of each leaf against the five-point central difference of sum(output); ${checked} of ${total} entries checked (large leaves are sampled)${
    kinks > 0 ? `; ${kinks} skipped as kinks, where a probe moved the input of a relu or abs across 0 or changed the element a max picks, and the gradient is not defined` : ''
  }.</p>
<div class="scroll"><table class="leaves">
<thead><tr><th>leaf</th><th>result</th><th>max rel error</th><th>max abs error</th><th>entries</th><th>kinks skipped</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
${failing.length ? `<h2>Failing entries</h2><ul class="worst">\n${failing.join('\n')}\n</ul>` : ''}
${worst.length ? `<details><summary>The worst entry of each leaf</summary><ul class="worst">\n${worst.join('\n')}\n</ul></details>` : ''}
<h2>What it cost</h2>
<div class="scroll"><table class="cost">
<thead><tr><th></th><th>evaluations</th><th>time</th></tr></thead>
<tbody>
<tr><td>Numerical differentiation (4 forward passes per entry)</td><td class="num">${report.evaluations} forward passes</td><td class="num">${ms(report.numericMs)}</td></tr>
<tr><td>Backpropagation</td><td class="num">1 forward + 1 backward pass</td><td class="num">${ms(report.backpropMs)}</td></tr>
</tbody>
</table></div>
<p>${ratio !== null && Number.isFinite(ratio) ? `The numerical gradient took ${ratio.toPrecision(3)}× as long as backprop, and its cost grows with the number of entries; ` : ''}backprop gets every gradient from one backward pass. That is why it exists.</p>`;
}

function ms(x: number): string {
  return `${x < 1 ? x.toPrecision(2) : x.toPrecision(3)} ms`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
