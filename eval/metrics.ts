/**
 * Pure metric computations: confusion counts, rates, ROC/AUC, recall at a fixed false-positive
 * rate, percentiles. No I/O; every function is tested against hand-computed cases.
 */

/** Confusion counts for one decision threshold. */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Rates derived from a confusion; `null` where the denominator is zero (not measurable). */
export interface Rates {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  fpr: number | null;
}

/** One scored, labeled sample. `positive` = the row should be flagged. */
export interface Scored {
  score: number;
  positive: boolean;
}

/** A point of the ROC curve: flag when score >= threshold. */
export interface RocPoint {
  threshold: number;
  fpr: number;
  tpr: number;
}

/** Recall reached at a false-positive-rate budget, and the threshold that reaches it. */
export interface RecallAtFpr {
  targetFpr: number;
  /** Smallest threshold (flag when score >= threshold) whose FPR is <= target; Infinity = flag nothing. */
  threshold: number;
  recall: number | null;
  fpr: number | null;
  /** False when there are fewer than 1/target negatives: FPR cannot be resolved that finely. */
  measurable: boolean;
}

/** Counts the confusion of `samples` when flagging `score >= threshold`. */
export function confusionAt(samples: readonly Scored[], threshold: number): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const s of samples) addToConfusion(c, s.positive, s.score >= threshold);
  return c;
}

/** Adds one decision to a confusion in place. */
export function addToConfusion(c: Confusion, positive: boolean, flagged: boolean): void {
  if (positive) {
    if (flagged) c.tp++;
    else c.fn++;
  } else if (flagged) c.fp++;
  else c.tn++;
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** Precision, recall, F1 and FPR; null when a denominator is zero. */
export function rates(c: Confusion): Rates {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 =
    precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, fpr: ratio(c.fp, c.fp + c.tn) };
}

/**
 * The ROC curve, one point per distinct score (descending) plus the (0,0) start at threshold
 * +Infinity. Tied scores move together, which is what a threshold can actually do.
 */
export function rocCurve(samples: readonly Scored[]): RocPoint[] {
  const pos = samples.filter((s) => s.positive).length;
  const neg = samples.length - pos;
  const sorted = [...samples].sort((a, b) => b.score - a.score);
  const points: RocPoint[] = [{ threshold: Infinity, fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; ) {
    const t = sorted[i].score;
    while (i < sorted.length && sorted[i].score === t) {
      if (sorted[i].positive) tp++;
      else fp++;
      i++;
    }
    points.push({ threshold: t, fpr: neg === 0 ? 0 : fp / neg, tpr: pos === 0 ? 0 : tp / pos });
  }
  return points;
}

/** Area under the ROC curve (trapezoids; equals the Mann-Whitney U with ties counted half). */
export function auc(samples: readonly Scored[]): number | null {
  const pos = samples.some((s) => s.positive);
  const neg = samples.some((s) => !s.positive);
  if (!pos || !neg) return null;
  const pts = rocCurve(samples);
  let area = 0;
  for (let i = 1; i < pts.length; i++) {
    area += ((pts[i].fpr - pts[i - 1].fpr) * (pts[i].tpr + pts[i - 1].tpr)) / 2;
  }
  return area;
}

/**
 * The highest recall whose FPR stays within `targetFpr`, with the (smallest) threshold that gives
 * it. Thresholds are the distinct scores seen; Infinity means "no threshold is strict enough".
 */
export function recallAtFpr(samples: readonly Scored[], targetFpr: number): RecallAtFpr {
  const neg = samples.filter((s) => !s.positive).length;
  const pts = rocCurve(samples);
  let best = pts[0];
  // The curve is monotone in both axes, so the last point within budget has the highest recall.
  for (const p of pts) if (p.fpr <= targetFpr + 1e-12) best = p;
  const pos = samples.length - neg;
  return {
    targetFpr,
    threshold: best.threshold,
    recall: pos === 0 ? null : best.tpr,
    fpr: neg === 0 ? null : best.fpr,
    measurable: neg > 0 && neg * targetFpr >= 1,
  };
}

/**
 * The smallest threshold (among the observed negative scores, nudged just above one) at which the
 * false-positive rate on `negatives` is at most `targetFpr`. Used by `--calibrate`.
 */
export function thresholdForFpr(negatives: readonly number[], targetFpr: number): { threshold: number; fpr: number } {
  if (negatives.length === 0) return { threshold: 0.5, fpr: 0 };
  const sorted = [...negatives].sort((a, b) => b - a);
  const allowed = Math.floor(targetFpr * sorted.length + 1e-9);
  if (allowed >= sorted.length) return { threshold: 0, fpr: 1 };
  // Flag score >= t. Everything strictly above sorted[allowed] may be flagged; sorted[allowed] must not.
  const cut = sorted[allowed];
  const threshold = nextUp(cut);
  const fp = sorted.filter((s) => s >= threshold).length;
  return { threshold, fpr: fp / sorted.length };
}

/** A readable threshold just above x (4 decimals), capped at 1 (score 1 then needs > 1: Infinity). */
function nextUp(x: number): number {
  const t = Math.floor(x * 10000 + 1) / 10000;
  return t > 1 ? Number.POSITIVE_INFINITY : t;
}

/** Nearest-rank percentile (p in 0..100) of the values; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Reduces a ROC curve to at most `max` points for reports, keeping the ends and the shape. */
export function thinRoc(points: readonly RocPoint[], max = 200): RocPoint[] {
  if (points.length <= max) return [...points];
  const out: RocPoint[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
}
