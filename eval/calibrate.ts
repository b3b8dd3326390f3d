/**
 * Calibration (`--calibrate --target-fpr 0.01`): per scored detector, the threshold that keeps the
 * false-positive rate on the benign rows given at or under the target — typically a sample of the
 * operator's own traffic — and the policy snippet that sets it. This is the safe path from
 * monitor mode to blocking: measure on your traffic, then block at a known alarm rate.
 */
import { thresholdForFpr } from './metrics.js';
import type { RowResult } from './runner.js';

/** The calibrated threshold of one detector. */
export interface Calibration {
  detector: string;
  threshold: number;
  /** FPR on the benign rows at that threshold. */
  fpr: number;
  negatives: number;
  /** Recall on the attack rows given at that threshold (null when none were given). */
  recall: number | null;
  /** False when there are fewer than 1/target benign rows: the threshold is not well supported. */
  supported: boolean;
}

/** Computes calibrations from row results (benign rows are the negatives). */
export function calibrate(results: readonly RowResult[], targetFpr: number): Calibration[] {
  const detectors = [...new Set(results.map((r) => r.detector))].sort();
  return detectors.map((detector) => {
    const rs = results.filter((r) => r.detector === detector);
    const neg = rs.filter((r) => !r.positive).map((r) => r.score);
    const pos = rs.filter((r) => r.positive);
    const { threshold, fpr } = thresholdForFpr(neg, targetFpr);
    const recall = pos.length === 0 ? null : pos.filter((r) => r.score >= threshold).length / pos.length;
    return { detector, threshold, fpr, negatives: neg.length, recall, supported: neg.length > 0 && neg.length * targetFpr >= 1 };
  });
}

/** Policy key per detector; only prompt injection has a score threshold in the policy today. */
const POLICY_KEY: Record<string, string> = { 'prompt-injection': 'promptInjection' };

/** Prints the results and the YAML snippet for the policy's `detectors:` section. */
export function renderCalibration(cals: readonly Calibration[], targetFpr: number): string {
  const lines = [`calibration for target FPR ${targetFpr} (flag when score >= threshold):`];
  for (const c of cals) {
    const t = Number.isFinite(c.threshold) ? c.threshold.toFixed(4) : 'none (even score 1 exceeds the budget)';
    lines.push(
      `  ${c.detector}: threshold ${t}, FPR ${(c.fpr * 100).toFixed(2)}% on ${c.negatives} benign rows` +
        `${c.recall === null ? '' : `, recall ${(c.recall * 100).toFixed(1)}% on the attack rows given`}` +
        `${c.supported ? '' : ` (only ${c.negatives} benign rows: need at least ${Math.ceil(1 / targetFpr)} to support this target)`}`,
    );
  }
  lines.push('', '# policy snippet (detectors section):', 'detectors:');
  for (const c of cals) {
    const key = POLICY_KEY[c.detector];
    const t = Number.isFinite(c.threshold) ? Math.min(1, c.threshold).toFixed(4) : '1.0';
    if (key) lines.push(`  ${key}:`, `    threshold: ${t}   # FPR ${(c.fpr * 100).toFixed(2)}% on ${c.negatives} benign rows`);
    else lines.push(`  # ${c.detector}: score threshold ${t} (the policy has no threshold field for this detector; use it with customRules or file an issue)`);
  }
  return lines.join('\n') + '\n';
}
