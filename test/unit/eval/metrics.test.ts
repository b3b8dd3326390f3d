// Covers eval/metrics.ts against hand-computed cases: confusion rates, ROC points, AUC (with
// ties), recall at a fixed FPR with its threshold, calibration thresholds, percentiles. Pure
// functions; nothing is started.
import { describe, expect, it } from 'vitest';
import { auc, confusionAt, percentile, rates, recallAtFpr, rocCurve, thresholdForFpr, thinRoc } from '../../../eval/metrics.js';

const S = (score: number, positive: boolean) => ({ score, positive });

describe('rates', () => {
  it('computes precision, recall, F1 and FPR from counts (tp 8, fp 2, tn 88, fn 2)', () => {
    const r = rates({ tp: 8, fp: 2, tn: 88, fn: 2 });
    expect(r.precision).toBeCloseTo(0.8);
    expect(r.recall).toBeCloseTo(0.8);
    expect(r.f1).toBeCloseTo(0.8);
    expect(r.fpr).toBeCloseTo(2 / 90);
  });
  it('returns null where a denominator is zero instead of NaN', () => {
    const r = rates({ tp: 0, fp: 0, tn: 5, fn: 0 });
    expect(r).toEqual({ precision: null, recall: null, f1: null, fpr: 0 });
  });
  it('gives F1 0 when precision and recall are both 0', () => {
    expect(rates({ tp: 0, fp: 3, tn: 1, fn: 2 }).f1).toBe(0);
  });
});

describe('confusionAt', () => {
  it('flags scores at or above the threshold', () => {
    const c = confusionAt([S(0.9, true), S(0.5, true), S(0.4, true), S(0.5, false), S(0.1, false)], 0.5);
    expect(c).toEqual({ tp: 2, fn: 1, fp: 1, tn: 1 });
  });
});

describe('ROC and AUC', () => {
  // Positives 0.9, 0.8, 0.4; negatives 0.7, 0.3, 0.2. Pairs ranked right: 0.9 and 0.8 beat all 3
  // negatives (6), 0.4 beats 0.3 and 0.2 (2) → 8 of 9 → AUC 8/9.
  const samples = [S(0.9, true), S(0.8, true), S(0.7, false), S(0.4, true), S(0.3, false), S(0.2, false)];
  it('walks the curve one distinct score at a time from (0,0) to (1,1)', () => {
    const pts = rocCurve(samples);
    expect(pts.map((p) => [p.fpr, p.tpr])).toEqual([
      [0, 0],
      [0, 1 / 3],
      [0, 2 / 3],
      [1 / 3, 2 / 3],
      [1 / 3, 1],
      [2 / 3, 1],
      [1, 1],
    ]);
    expect(pts[1].threshold).toBe(0.9);
  });
  it('computes AUC 8/9 for the hand-ranked case', () => {
    expect(auc(samples)).toBeCloseTo(8 / 9, 10);
  });
  it('counts a tied positive/negative pair as half (AUC 0.5 when all scores tie)', () => {
    expect(auc([S(0.5, true), S(0.5, false)])).toBe(0.5);
    // one positive 0.6 tied with one of two negatives at 0.6, other negative 0.1: (0.5 + 1) / 2
    expect(auc([S(0.6, true), S(0.6, false), S(0.1, false)])).toBeCloseTo(0.75, 10);
  });
  it('returns null when one class is missing', () => {
    expect(auc([S(0.3, true), S(0.9, true)])).toBeNull();
  });
  it('thins a long curve but keeps both ends', () => {
    const many = Array.from({ length: 1000 }, (_, i) => S(i / 1000, i % 2 === 0));
    const thin = thinRoc(rocCurve(many), 50);
    expect(thin).toHaveLength(50);
    expect(thin[0]).toEqual({ threshold: Infinity, fpr: 0, tpr: 0 });
    expect(thin[49].fpr).toBe(1);
  });
});

describe('recallAtFpr', () => {
  // 100 negatives: scores 0.00..0.99; 10 positives at 0.995, 0.985, ..., 0.905.
  const neg = Array.from({ length: 100 }, (_, i) => S(i / 100, false));
  const pos = Array.from({ length: 10 }, (_, i) => S(0.995 - i / 100, true));
  it('at 1% FPR allows one false positive (0.99) and reports recall and threshold', () => {
    const r = recallAtFpr([...neg, ...pos], 0.01);
    // Threshold 0.905 keeps positives ≥0.905 (10) but would flag negatives 0.91..0.99 (9) → too many.
    // Allowed: 1 FP → threshold 0.985 flags 0.995, 0.985 (2 positives) and the 0.99 negative.
    expect(r.threshold).toBe(0.985);
    expect(r.recall).toBeCloseTo(0.2);
    expect(r.fpr).toBeCloseTo(0.01);
    expect(r.measurable).toBe(true);
  });
  it('at 0.1% FPR with 100 negatives allows none and says it is not measurable that finely', () => {
    const r = recallAtFpr([...neg, ...pos], 0.001);
    expect(r.fpr).toBe(0);
    expect(r.threshold).toBe(0.995);
    expect(r.recall).toBeCloseTo(0.1);
    expect(r.measurable).toBe(false);
  });
});

describe('thresholdForFpr (calibration)', () => {
  it('returns the threshold just above the negative that must not be flagged', () => {
    const negatives = Array.from({ length: 200 }, (_, i) => i / 200); // 0 .. 0.995
    const { threshold, fpr } = thresholdForFpr(negatives, 0.01); // 2 allowed: 0.995, 0.99 → cut at 0.985
    expect(threshold).toBe(0.9851);
    expect(fpr).toBe(0.01);
  });
  it('returns Infinity when even score 1 on a negative exceeds the budget', () => {
    expect(thresholdForFpr([1, 1, 0.2], 0.01).threshold).toBe(Infinity);
  });
});

describe('percentile', () => {
  it('uses nearest rank: p50 of 1..10 is 5, p99 is 10', () => {
    const v = [3, 1, 2, 10, 9, 8, 7, 6, 5, 4];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 99)).toBe(10);
    expect(percentile([], 50)).toBeNull();
  });
});
