/** `report.md`: the same figures as the console, plus categories, entities and examples. */
import type { DetectorReport, EvalReport, SliceReport } from '../report-types.js';
import type { CheckOutcome } from '../thresholds.js';
import { mdCell, num, pct } from './format.js';

const HEAD = '| dataset | category | n | attack | TP | FP | TN | FN | precision | recall | F1 | FPR | AUC | recall @1% FPR (thr) | recall @0.1% FPR (thr) | p50 ms | p99 ms |';
const SEP = '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|';

function atFpr(s: SliceReport, t: number): string {
  const r = s.recallAtFpr.find((x) => x.targetFpr === t);
  if (!r) return '–';
  return `${pct(r.recall)} (${num(r.threshold, 4)})${r.measurable ? '' : ' *'}${s.negativesPooled ? ' †' : ''}`;
}

/** One Markdown table row of a slice. */
export function mdSliceRow(s: SliceReport): string {
  const c = s.confusion;
  return `| ${mdCell(s.dataset)} | ${mdCell(s.category)} | ${s.n} | ${s.positives} | ${c.tp} | ${c.fp} | ${c.tn} | ${c.fn} | ${pct(s.rates.precision)} | ${pct(s.rates.recall)} | ${pct(s.rates.f1)} | ${pct(s.rates.fpr, 2)} | ${num(s.auc)}${s.negativesPooled ? ' †' : ''} | ${atFpr(s, 0.01)} | ${atFpr(s, 0.001)} | ${num(s.latencyMs.p50, 2)} | ${num(s.latencyMs.p99, 2)} |`;
}

function detectorSection(d: DetectorReport): string[] {
  const lines = [`## ${d.id} (flag when score ≥ ${d.threshold})`, '', HEAD, SEP, mdSliceRow(d.overall)];
  for (const s of d.slices) lines.push(mdSliceRow(s));
  lines.push('');
  for (const [title, list] of [['By language', d.byLanguage], ['By subcategory (family, carrier, template)', d.bySubcategory]] as const) {
    if (list.length === 0) continue;
    lines.push(`### ${title}`, '', HEAD, SEP, ...list.map(mdSliceRow), '');
  }
  for (const e of d.entities) {
    lines.push(`### Entities: ${e.dataset} (${e.mode} span match)`, '', '| type | TP | FN | FP | precision | recall | F1 |', '|---|--:|--:|--:|--:|--:|--:|');
    for (const t of [e.total, ...e.byType]) {
      lines.push(`| ${mdCell(t.type === '*' ? 'all' : t.type)} | ${t.tp} | ${t.fn} | ${t.fp} | ${pct(t.precision)} | ${pct(t.recall)} | ${pct(t.f1)} |`);
    }
    if (e.unscoredTypes.length) lines.push('', `Not scored (no counterpart in the detector): ${e.unscoredTypes.join(', ')}`);
    lines.push('');
  }
  for (const [title, list] of [['Worst misses (attacks not flagged, lowest score first)', d.worstMisses], ['Worst false positives (highest score first)', d.worstFalsePositives]] as const) {
    lines.push(`### ${title}`, '');
    if (list.length === 0) lines.push('None.');
    else {
      lines.push('| id | dataset | category | score | rules | text (masked, shortened) |', '|---|---|---|--:|---|---|');
      for (const x of list) lines.push(`| ${mdCell(x.id)} | ${mdCell(x.dataset)} | ${mdCell(x.category)} | ${x.score} | ${mdCell(x.rules.join(', '))} | ${mdCell(x.text)} |`);
    }
    lines.push('');
  }
  return lines;
}

/** Renders report.md. */
export function renderMarkdown(report: EvalReport, outcomes: readonly CheckOutcome[]): string {
  const lines = [
    '# llm-firewall eval report',
    '',
    `Rows: ${report.meta.rows} from ${report.meta.files.length} file(s); ${report.problems.length} malformed row(s) skipped; held-out only: ${report.meta.excludeTrain ? 'yes' : 'no'}.`,
    '"*" after a recall-at-FPR figure: fewer negatives than 1/FPR, so that rate cannot be resolved. "†": an attack-only slice, whose AUC and recall at FPR use all benign rows of the run for that detector.',
    '',
  ];
  if (outcomes.length > 0) {
    lines.push('## Thresholds', '', '| check | actual | status |', '|---|--:|---|');
    for (const o of outcomes) lines.push(`| ${mdCell(o.name)} | ${num(o.actual, 4)} | ${o.status}${o.reason ? ` (${o.reason})` : ''} |`);
    lines.push('');
  }
  for (const d of report.detectors) lines.push(...detectorSection(d));
  if (report.problems.length) {
    lines.push('## Malformed rows', '');
    for (const p of report.problems.slice(0, 50)) lines.push(`- ${mdCell(p.file)}:${p.line}: ${mdCell(p.message)}`);
    if (report.problems.length > 50) lines.push(`- … ${report.problems.length - 50} more in report.json`);
  }
  return lines.join('\n') + '\n';
}
