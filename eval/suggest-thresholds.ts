/**
 * Writes the `checks:` of eval/thresholds.yaml from a report.json: each limit is what the
 * detectors reach now minus a tolerance (recall − 2 points, FPR + 1 point, rounded outward to
 * the hundredth), so the gate passes today and fails on a regression beyond the tolerance.
 *
 *   node bin/llm-firewall.mjs eval --no-progress --out /tmp/ev && npx tsx eval/suggest-thresholds.ts /tmp/ev/report.json
 *
 * A person reviews the output before it replaces the file: a limit is a promise, not a snapshot.
 */
import { readFileSync } from 'node:fs';
import type { EvalReport, SliceReport } from './report-types.js';

/** Tolerances (fractions). */
export const RECALL_TOLERANCE = 0.02;
export const FPR_TOLERANCE = 0.01;

/** One YAML line per slice worth gating: per dataset, and per attack category within it. */
export function suggestChecks(report: EvalReport): string[] {
  const lines: string[] = [];
  for (const d of report.detectors) {
    for (const s of d.slices) {
      if (s.dataset === '*') continue;
      const whole = d.slices.find((x) => x.dataset === s.dataset && x.category === '*');
      // A category slice is gated only when it is an attack category that is not the whole file.
      if (s.category !== '*' && (s.positives === 0 || s.positives === whole?.positives)) continue;
      const parts = suggestion(s);
      if (parts.length === 0) continue;
      lines.push(`  - { detector: ${d.id}, dataset: ${s.dataset}, category: "${s.category}", ${parts.join(', ')} }`);
    }
  }
  return lines;
}

function suggestion(s: SliceReport): string[] {
  const out: string[] = [];
  if (s.rates.recall !== null && s.positives >= 5) out.push(`minRecall: ${Math.max(0, Math.floor((s.rates.recall - RECALL_TOLERANCE) * 100) / 100).toFixed(2)}`);
  if (s.rates.fpr !== null && s.negatives >= 20 && s.category === '*') out.push(`maxFpr: ${Math.min(1, Math.ceil((s.rates.fpr + FPR_TOLERANCE) * 100) / 100).toFixed(2)}`);
  return out;
}

if (process.argv[1]?.endsWith('suggest-thresholds.ts')) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npx tsx eval/suggest-thresholds.ts REPORT.json\n');
    process.exit(2);
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as EvalReport;
  process.stdout.write(`checks:\n${suggestChecks(report).join('\n')}\n`);
}
