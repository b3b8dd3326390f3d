/**
 * Side-by-side summary tables (Markdown) from several report.json files, for docs/eval.md and the
 * README: one headline row per detector and report, then one row per dataset.
 *
 *   npx tsx eval/summary.ts "project datasets=/tmp/own/report.json" "public (held-out)=/tmp/pub/report.json"
 */
import { readFileSync } from 'node:fs';
import type { EvalReport, SliceReport } from './report-types.js';
import { num, pct } from './reports/format.js';

function row(label: string, s: SliceReport): string {
  const r1 = s.recallAtFpr.find((x) => x.targetFpr === 0.01);
  const mark = s.negativesPooled ? ' †' : '';
  return `| ${label} | ${s.n} | ${s.positives} | ${pct(s.rates.recall)} | ${pct(s.rates.fpr, 2)} | ${pct(s.rates.precision)} | ${pct(s.rates.f1)} | ${num(s.auc)}${mark} | ${r1 ? `${pct(r1.recall)}${r1.measurable ? '' : ' *'}${mark}` : '–'} | ${num(s.latencyMs.p50, 2)} / ${num(s.latencyMs.p99, 2)} |`;
}

const HEAD = ['| set | rows | attacks | recall | FPR | precision | F1 | AUC | recall @1% FPR | p50 / p99 ms |', '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|'];

/** Renders the headline table and the per-dataset tables. */
export function renderSummary(reports: ReadonlyArray<{ label: string; report: EvalReport }>): string {
  const ids = [...new Set(reports.flatMap((r) => r.report.detectors.map((d) => d.id)))].sort();
  const out: string[] = ['### Headline (all rows of each set)', ''];
  out.push('| detector ' + HEAD[0], '|---' + HEAD[1]);
  for (const id of ids) {
    for (const { label, report } of reports) {
      const d = report.detectors.find((x) => x.id === id);
      if (d) out.push(`| ${id} ${row(label, d.overall)}`);
    }
  }
  for (const id of ids) {
    out.push('', `### ${id} by dataset`, '', ...HEAD);
    for (const { label, report } of reports) {
      const d = report.detectors.find((x) => x.id === id);
      if (!d) continue;
      for (const s of d.slices.filter((x) => x.category === '*' && x.dataset !== '*')) out.push(row(`${label}: ${s.dataset}`, s));
    }
  }
  return out.join('\n') + '\n';
}

if (process.argv[1]?.endsWith('summary.ts')) {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    process.stderr.write('usage: npx tsx eval/summary.ts "LABEL=report.json" ...\n');
    process.exit(2);
  }
  const reports = args.map((a) => {
    const i = a.indexOf('=');
    return { label: a.slice(0, i), report: JSON.parse(readFileSync(a.slice(i + 1), 'utf8')) as EvalReport };
  });
  process.stdout.write(renderSummary(reports));
}
