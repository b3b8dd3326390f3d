/**
 * Compare mode (`--baseline report.json`): the change in every metric of every slice present in
 * both reports, so a rule edit shows what it gained and what it broke. Slices only in one report
 * are listed as added or removed.
 */
import type { EvalReport, SliceReport } from './report-types.js';
import { num, pct } from './reports/format.js';

/** One metric that differs. */
export interface MetricDelta {
  slice: string;
  metric: string;
  before: number | null;
  after: number | null;
  delta: number | null;
}

const METRICS: Array<[string, (s: SliceReport) => number | null]> = [
  ['precision', (s) => s.rates.precision],
  ['recall', (s) => s.rates.recall],
  ['f1', (s) => s.rates.f1],
  ['fpr', (s) => s.rates.fpr],
  ['auc', (s) => s.auc],
  ['recall@1%fpr', (s) => s.recallAtFpr.find((r) => r.targetFpr === 0.01)?.recall ?? null],
  ['recall@0.1%fpr', (s) => s.recallAtFpr.find((r) => r.targetFpr === 0.001)?.recall ?? null],
  ['tp', (s) => s.confusion.tp],
  ['fp', (s) => s.confusion.fp],
  ['tn', (s) => s.confusion.tn],
  ['fn', (s) => s.confusion.fn],
];

function slices(r: EvalReport): Map<string, SliceReport> {
  const m = new Map<string, SliceReport>();
  for (const d of r.detectors) for (const s of [d.overall, ...d.slices]) m.set(`${s.detector} / ${s.dataset} / ${s.category}`, s);
  return m;
}

/** Every metric of every common slice (changed or not), plus added/removed slice names. */
export function compareReports(before: EvalReport, after: EvalReport): { deltas: MetricDelta[]; added: string[]; removed: string[] } {
  const a = slices(before);
  const b = slices(after);
  const deltas: MetricDelta[] = [];
  for (const [key, sb] of [...b].sort(([x], [y]) => (x < y ? -1 : 1))) {
    const sa = a.get(key);
    if (!sa) continue;
    for (const [metric, get] of METRICS) {
      const x = get(sa);
      const y = get(sb);
      deltas.push({ slice: key, metric, before: x, after: y, delta: x === null || y === null ? null : y - x });
    }
  }
  return {
    deltas,
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
  };
}

/** Text rendering: changed metrics first (all of them), then a count of the unchanged. */
export function renderComparison(cmp: ReturnType<typeof compareReports>): string {
  const isCount = (m: string) => m.length === 2;
  const fmt = (m: string, v: number | null) => (isCount(m) ? (v === null ? '–' : String(v)) : m === 'auc' ? num(v) : pct(v, 2));
  const changed = cmp.deltas.filter((d) => d.delta !== 0 && !(d.before === null && d.after === null));
  const lines = [`baseline comparison: ${changed.length} changed, ${cmp.deltas.length - changed.length} unchanged metric(s)`];
  for (const d of changed) {
    const sign = d.delta === null ? '' : d.delta > 0 ? '+' : '';
    const dv = d.delta === null ? 'n/a' : isCount(d.metric) ? `${sign}${d.delta}` : d.metric === 'auc' ? `${sign}${d.delta.toFixed(3)}` : `${sign}${(d.delta * 100).toFixed(2)} pt`;
    lines.push(`  ${d.slice}  ${d.metric}: ${fmt(d.metric, d.before)} → ${fmt(d.metric, d.after)} (${dv})`);
  }
  for (const s of cmp.added) lines.push(`  added: ${s}`);
  for (const s of cmp.removed) lines.push(`  removed: ${s}`);
  return lines.join('\n') + '\n';
}
