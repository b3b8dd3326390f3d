/**
 * `report.html`: one self-contained page (inline CSS and SVG, no script, no network) with per
 * detector ROC curves, recall by category, confusion counts, the tables and the worst examples.
 */
import type { DetectorReport, EvalReport, SliceReport } from '../report-types.js';
import type { CheckOutcome } from '../thresholds.js';
import { escapeXml as h, num, pct } from './format.js';
import { confusionSvg, recallBarsSvg, rocSvg } from './svg.js';

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ddd;padding:3px 6px;font-size:12px}th{background:#f4f4f4}td.n{text-align:right}
.plots{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.fail{color:#b00;font-weight:bold}.pass{color:#070}
code{font-size:12px}`;

function sliceRow(s: SliceReport): string {
  const c = s.confusion;
  const r1 = s.recallAtFpr.find((x) => x.targetFpr === 0.01);
  const cells = [s.dataset, s.category].map((x) => `<td>${h(x)}</td>`).join('');
  const nums = [s.n, s.positives, c.tp, c.fp, c.tn, c.fn, pct(s.rates.precision), pct(s.rates.recall), pct(s.rates.f1), pct(s.rates.fpr, 2), num(s.auc), r1 ? `${pct(r1.recall)}${r1.measurable ? '' : '*'}` : '–', num(s.latencyMs.p50, 2), num(s.latencyMs.p99, 2)];
  return `<tr>${cells}${nums.map((x) => `<td class="n">${h(String(x))}</td>`).join('')}</tr>`;
}

function examples(title: string, list: DetectorReport['worstMisses']): string {
  if (list.length === 0) return `<h3>${h(title)}</h3><p>None.</p>`;
  const rows = list.map((x) => `<tr><td>${h(x.id)}</td><td>${h(x.dataset)}</td><td>${h(x.category)}</td><td class="n">${x.score}</td><td>${h(x.rules.join(', '))}</td><td><code>${h(x.text)}</code></td></tr>`);
  return `<h3>${h(title)}</h3><table><tr><th>id</th><th>dataset</th><th>category</th><th>score</th><th>rules</th><th>text (masked, shortened)</th></tr>${rows.join('')}</table>`;
}

/** Recall by language when attack rows carry `lang`, else FPR by language would be the only signal. */
function langBars(d: DetectorReport): string {
  const withAttacks = d.byLanguage.filter((s) => s.positives > 0);
  if (withAttacks.length < 2) return '';
  return recallBarsSvg(`${d.id}: recall by language`, withAttacks.map((s) => ({ label: s.category.slice(5), value: s.rates.recall, n: s.positives })));
}

function detectorSection(d: DetectorReport): string {
  const datasets = d.slices.filter((s) => s.category === '*' && s.roc);
  const series = [
    ...(d.overall.roc ? [{ label: 'all datasets', points: d.overall.roc, auc: d.overall.auc }] : []),
    ...datasets.map((s) => ({ label: s.dataset, points: s.roc ?? [], auc: s.auc })),
  ];
  const cats = d.slices.filter((s) => s.dataset === '*' && s.positives > 0);
  const plots = [
    series.length ? rocSvg(`${d.id}: ROC`, series) : '<p>No ROC: the rows given have only one class.</p>',
    series.length ? rocSvg(`${d.id}: ROC, low-FPR region`, series, { logFpr: true }) : '',
    cats.length ? recallBarsSvg(`${d.id}: recall by category`, cats.map((s) => ({ label: s.category, value: s.rates.recall, n: s.positives }))) : '',
    confusionSvg(`${d.id}: confusion (all)`, d.overall.confusion),
    langBars(d),
  ];
  const head = '<tr><th>dataset</th><th>category</th><th>n</th><th>attack</th><th>TP</th><th>FP</th><th>TN</th><th>FN</th><th>precision</th><th>recall</th><th>F1</th><th>FPR</th><th>AUC</th><th>recall@1%FPR</th><th>p50 ms</th><th>p99 ms</th></tr>';
  const ents = d.entities
    .map((e) => {
      const rows = [e.total, ...e.byType].map((t) => `<tr><td>${h(t.type === '*' ? 'all' : t.type)}</td><td class="n">${t.tp}</td><td class="n">${t.fn}</td><td class="n">${t.fp}</td><td class="n">${pct(t.precision)}</td><td class="n">${pct(t.recall)}</td><td class="n">${pct(t.f1)}</td></tr>`);
      return `<h3>Entities: ${h(e.dataset)} (${e.mode} match)</h3><table><tr><th>type</th><th>TP</th><th>FN</th><th>FP</th><th>precision</th><th>recall</th><th>F1</th></tr>${rows.join('')}</table>`;
    })
    .join('');
  return `<section id="${h(d.id)}"><h2>${h(d.id)} <small>(flag when score ≥ ${d.threshold})</small></h2><div class="plots">${plots.join('')}</div>
<table>${head}${sliceRow(d.overall)}${d.slices.map(sliceRow).join('')}</table>
${d.byLanguage.length ? `<h3>By language</h3><table>${head}${d.byLanguage.map(sliceRow).join('')}</table>` : ''}
${d.bySubcategory.length ? `<h3>By subcategory</h3><table>${head}${d.bySubcategory.map(sliceRow).join('')}</table>` : ''}${ents}
${examples('Worst misses', d.worstMisses)}${examples('Worst false positives', d.worstFalsePositives)}</section>`;
}

/** Renders report.html. */
export function renderHtml(report: EvalReport, outcomes: readonly CheckOutcome[]): string {
  const gate = outcomes.length
    ? `<h2>Thresholds</h2><table><tr><th>check</th><th>actual</th><th>status</th></tr>${outcomes.map((o) => `<tr><td>${h(o.name)}</td><td class="n">${num(o.actual, 4)}</td><td class="${o.status}">${o.status}${o.reason ? ` (${h(o.reason)})` : ''}</td></tr>`).join('')}</table>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>llm-firewall eval report</title><style>${CSS}</style></head>
<body><h1>llm-firewall eval report</h1>
<p>${report.meta.rows} rows from ${report.meta.files.length} file(s); ${report.problems.length} malformed row(s) skipped; held-out only: ${report.meta.excludeTrain ? 'yes' : 'no'}. Secrets and PII in examples are masked.</p>
${gate}
${report.detectors.map(detectorSection).join('\n')}
</body></html>
`;
}
