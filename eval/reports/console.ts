/** The console table: one line per detector × dataset, then the gate outcome. */
import type { EvalReport, SliceReport } from '../report-types.js';
import type { CheckOutcome } from '../thresholds.js';
import { num, pct, textTable } from './format.js';

function row(s: SliceReport): string[] {
  const r1 = s.recallAtFpr.find((x) => x.targetFpr === 0.01);
  return [
    `${s.detector}  ${s.dataset}${s.category === '*' ? '' : ` [${s.category}]`}`,
    String(s.n),
    String(s.positives),
    `${s.confusion.tp}/${s.confusion.fp}/${s.confusion.tn}/${s.confusion.fn}`,
    pct(s.rates.precision),
    pct(s.rates.recall),
    pct(s.rates.f1),
    pct(s.rates.fpr, 2),
    `${num(s.auc)}${s.negativesPooled ? '†' : ''}`,
    r1 ? `${pct(r1.recall)}${r1.measurable ? '' : '*'}${s.negativesPooled ? '†' : ''}` : '–',
    num(s.latencyMs.p50, 2),
    num(s.latencyMs.p99, 2),
  ];
}

/** Renders the summary table and the threshold outcomes as plain text. */
export function renderConsole(report: EvalReport, outcomes: readonly CheckOutcome[]): string {
  const rows: string[][] = [];
  for (const d of report.detectors) {
    rows.push(row(d.overall));
    for (const s of d.slices) if (s.category === '*') rows.push(row(s));
  }
  const parts = [
    textTable(['detector  dataset', 'n', 'pos', 'TP/FP/TN/FN', 'prec', 'recall', 'F1', 'FPR', 'AUC', 'R@1%FPR', 'p50ms', 'p99ms'], rows),
    '(* = too few negatives to resolve that FPR; † = attack-only slice, AUC and R@FPR against all benign rows of the run)',
  ];
  for (const d of report.detectors) {
    const show = (title: string, list: typeof d.worstMisses) => {
      if (list.length === 0) return;
      parts.push(`${d.id}: ${title} (full list in report.md):`);
      for (const x of list.slice(0, 3)) parts.push(`  ${x.score.toFixed(3)}  ${x.dataset}#${x.id}  ${x.text.length > 100 ? `${x.text.slice(0, 100)}…` : x.text}`);
    };
    show('worst misses', d.worstMisses);
    show('worst false positives', d.worstFalsePositives);
  }
  if (report.problems.length > 0) parts.push(`${report.problems.length} row(s) skipped as malformed (see report.json "problems").`);
  const failed = outcomes.filter((o) => o.status === 'fail');
  const passed = outcomes.filter((o) => o.status === 'pass').length;
  const skipped = outcomes.filter((o) => o.status === 'skipped').length;
  if (outcomes.length > 0) {
    parts.push(`thresholds: ${passed} passed, ${failed.length} failed, ${skipped} skipped (not evaluated in this run)`);
    for (const f of failed) parts.push(`  FAIL ${f.name} (actual ${num(f.actual, 4)})`);
  }
  return parts.join('\n') + '\n';
}
