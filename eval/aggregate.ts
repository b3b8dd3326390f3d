/**
 * Turns per-row results into the report: slices per detector × dataset × category, entity-level
 * span metrics for PII and secrets, latency percentiles, and the worst misses and false positives.
 * Ordering is stable (sorted names, ties broken by id) so two runs give the same report.
 */
import { mapPiiType } from './entity-types.js';
import { excerpt, maskLongTokens, maskSpans } from './mask.js';
import { auc, addToConfusion, percentile, rates, recallAtFpr, rocCurve, thinRoc, type Confusion } from './metrics.js';
import { matchSpans, mergeCounts, type EntityCounts, type Span } from './spans.js';
import type { RowResult } from './runner.js';
import type { DetectorReport, EntityReport, EntityTypeReport, ExampleRow, SliceReport } from './report-types.js';

/** FPR budgets reported for every scored slice. */
export const FPR_TARGETS = [0.01, 0.001];

const EXAMPLES = 10;

/** Metrics of one slice. */
export function sliceReport(
  detector: string,
  dataset: string,
  category: string,
  results: readonly RowResult[],
  withRoc: boolean,
  pooledNegatives: readonly RowResult[] = [],
): SliceReport {
  const confusion: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const r of results) addToConfusion(confusion, r.positive, r.flagged);
  const positives = confusion.tp + confusion.fn;
  const negatives = confusion.fp + confusion.tn;
  // An attack-only slice (a file of attacks, or an attack category) has no negatives of its own:
  // its ROC, AUC and recall at a fixed FPR are measured against all the detector's benign rows in
  // the run, which is the question an operator asks ("at 1% false alarms overall, how much of
  // this do we catch?"). The slice says so (negativesPooled).
  const pool = negatives === 0 && positives > 0 && pooledNegatives.length > 0;
  const samples = [...results, ...(pool ? pooledNegatives : [])].map((r) => ({ score: r.score, positive: r.positive }));
  const scored = positives > 0 && (negatives > 0 || pool);
  const ms = results.map((r) => r.ms);
  const round = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
  return {
    detector,
    dataset,
    category,
    n: results.length,
    positives,
    negatives,
    confusion,
    rates: rates(confusion),
    auc: scored ? auc(samples) : null,
    recallAtFpr: scored ? FPR_TARGETS.map((t) => recallAtFpr(samples, t)) : [],
    ...(withRoc && scored ? { roc: thinRoc(rocCurve(samples)) } : {}),
    latencyMs: { p50: round(percentile(ms, 50)), p99: round(percentile(ms, 99)) },
    errors: results.filter((r) => r.error !== undefined).length,
    ...(pool ? { negativesPooled: pooledNegatives.length } : {}),
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const l = m.get(k);
    if (l) l.push(it);
    else m.set(k, [it]);
  }
  return new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Entity spans of a row in the detector's vocabulary, plus the dataset types left out. */
function entitySpans(r: RowResult, unscored: Set<string>): Span[] {
  const out: Span[] = [];
  for (const e of r.row.entities ?? []) {
    const t = r.detector === 'pii' ? mapPiiType(e.type) : e.type;
    if (t === undefined) unscored.add(e.type);
    else out.push({ type: t, start: e.start, end: e.end });
  }
  return out;
}

function typeReport(type: string, c: EntityCounts): EntityTypeReport {
  const r = rates({ tp: c.tp, fp: c.fp, fn: c.fn, tn: 0 });
  return { type, tp: c.tp, fn: c.fn, fp: c.fp, precision: r.precision, recall: r.recall, f1: r.f1 };
}

/** Entity-level span metrics for one detector on one dataset (exact and overlap). */
export function entityReports(detector: string, dataset: string, results: readonly RowResult[]): EntityReport[] {
  if (!results.some((r) => (r.row.entities?.length ?? 0) > 0)) return [];
  const unscored = new Set<string>();
  const perRow = results.map((r) => ({ r, ents: entitySpans(r, unscored) }));
  const scoredTypes = new Set(perRow.flatMap((x) => x.ents.map((e) => e.type)));
  const typeMatch = detector === 'pii' ? 'same' : 'any';
  return (['exact', 'overlap'] as const).map((mode) => {
    const counts = new Map<string, EntityCounts>();
    for (const { r, ents } of perRow) {
      const found = r.findings.map((f) => ({ type: detector === 'pii' ? f.type.toUpperCase() : f.type, start: f.start, end: f.end }));
      mergeCounts(counts, matchSpans(ents, found, mode, typeMatch, typeMatch === 'any' ? 'all' : scoredTypes));
    }
    const total: EntityCounts = { tp: 0, fn: 0, fp: 0 };
    for (const c of counts.values()) {
      total.tp += c.tp;
      total.fn += c.fn;
      total.fp += c.fp;
    }
    return {
      detector,
      dataset,
      mode,
      total: typeReport('*', total),
      byType: [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([t, c]) => typeReport(t, c)),
      unscoredTypes: [...unscored].sort(),
    };
  });
}

/** A masked, shortened view of a row for the misses / false-positive lists. */
export function exampleOf(r: RowResult): ExampleRow {
  const sensitive = r.detector === 'pii' || r.detector === 'secrets' || r.row.category === 'pii' || r.row.category === 'secret';
  const spans: Span[] = [...(r.row.entities ?? []), ...r.findings.map((f) => ({ type: f.type, start: f.start, end: f.end }))];
  const secretish = r.detector === 'secrets' || r.row.category === 'secret';
  const masked = sensitive ? maskSpans(r.row.text, spans) : r.row.text;
  const text = secretish ? maskLongTokens(masked) : masked;
  return {
    id: r.row.id,
    dataset: r.row.dataset,
    category: r.row.category,
    score: Math.round(r.score * 10000) / 10000,
    rules: [...new Set(r.findings.map((f) => f.rule))].sort(),
    text: excerpt(text),
  };
}

const byId = (a: RowResult, b: RowResult) => (a.row.dataset + a.row.id < b.row.dataset + b.row.id ? -1 : 1);

/** Builds the per-detector reports from all row results. */
export function aggregate(results: readonly RowResult[], decision: Readonly<Record<string, number>>): DetectorReport[] {
  const out: DetectorReport[] = [];
  for (const [detector, rs] of groupBy(results, (r) => r.detector)) {
    const slices: SliceReport[] = [];
    const entities: EntityReport[] = [];
    const negatives = rs.filter((r) => !r.positive);
    for (const [dataset, ds] of groupBy(rs, (r) => r.row.dataset)) {
      slices.push(sliceReport(detector, dataset, '*', ds, true, negatives));
      const cats = groupBy(ds, (r) => r.row.category);
      // A file with a single category would repeat its whole-file row; list categories only when they differ.
      if (cats.size > 1) for (const [category, cs] of cats) slices.push(sliceReport(detector, dataset, category, cs, false, negatives));
      if (detector === 'pii' || detector === 'secrets') entities.push(...entityReports(detector, dataset, ds));
    }
    for (const [category, cs] of groupBy(rs, (r) => r.row.category)) slices.push(sliceReport(detector, '*', category, cs, false, negatives));
    const byLanguage = [...groupBy(rs.filter((r) => r.row.lang), (r) => r.row.lang ?? '')].map(([lang, ls]) => sliceReport(detector, '*', `lang:${lang}`, ls, false, negatives));
    // Attack families first (they are what a rule change moves), then the largest benign groups.
    const attackCount = (ss: RowResult[]) => ss.filter((r) => r.positive).length;
    const bySubcategory = [...groupBy(rs.filter((r) => r.row.subcategory), (r) => r.row.subcategory ?? '')]
      .filter(([, ss]) => ss.length >= 3)
      .sort(([a, x], [b, y]) => Number(attackCount(y) > 0) - Number(attackCount(x) > 0) || y.length - x.length || (a < b ? -1 : 1))
      .slice(0, 80)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([sub, ss]) => sliceReport(detector, '*', `sub:${sub}`, ss, false, negatives));
    const misses = rs.filter((r) => r.positive && !r.flagged).sort((a, b) => a.score - b.score || byId(a, b));
    const fps = rs.filter((r) => !r.positive && r.flagged).sort((a, b) => b.score - a.score || byId(a, b));
    out.push({
      id: detector,
      threshold: decision[detector] ?? 0.5,
      overall: sliceReport(detector, '*', '*', rs, true),
      slices,
      entities,
      byLanguage,
      bySubcategory,
      worstMisses: misses.slice(0, EXAMPLES).map(exampleOf),
      worstFalsePositives: fps.slice(0, EXAMPLES).map(exampleOf),
    });
  }
  return out;
}
