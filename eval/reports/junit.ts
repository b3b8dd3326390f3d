/**
 * `junit.xml` for CI systems: one testsuite per detector, one testcase per
 * dataset × detector × threshold check (a failed check is a <failure>, a skipped one <skipped>),
 * plus an informational testcase per evaluated dataset when no check names it.
 */
import type { EvalReport } from '../report-types.js';
import type { CheckOutcome } from '../thresholds.js';
import { escapeXml, num, pct } from './format.js';

/** Renders junit.xml. */
export function renderJunit(report: EvalReport, outcomes: readonly CheckOutcome[]): string {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let skipped = 0;
  for (const d of report.detectors) {
    const cases: string[] = [];
    const mine = outcomes.filter((o) => o.check.detector === d.id);
    for (const o of mine) {
      const name = escapeXml(`${o.check.dataset} / ${o.check.category}: ${o.metric} ${o.metric === 'fpr' ? '<=' : '>='} ${o.limit}`);
      let body = '';
      if (o.status === 'fail') body = `<failure message="${escapeXml(`${o.metric} ${num(o.actual, 4)} misses the limit ${o.limit}`)}" type="threshold"/>`;
      if (o.status === 'skipped') body = `<skipped message="${escapeXml(o.reason ?? 'not evaluated')}"/>`;
      cases.push(`    <testcase classname="eval.${escapeXml(d.id)}" name="${name}" time="0">${body}</testcase>`);
      failures += o.status === 'fail' ? 1 : 0;
      skipped += o.status === 'skipped' ? 1 : 0;
    }
    for (const s of d.slices.filter((x) => x.category === '*')) {
      if (mine.some((o) => o.check.dataset === s.dataset)) continue;
      const msg = `recall ${pct(s.rates.recall)}, FPR ${pct(s.rates.fpr, 2)}, n=${s.n} (no threshold set)`;
      cases.push(`    <testcase classname="eval.${escapeXml(d.id)}" name="${escapeXml(`${s.dataset}: measured`)}" time="0"><system-out>${escapeXml(msg)}</system-out></testcase>`);
    }
    total += cases.length;
    suites.push(
      `  <testsuite name="eval.${escapeXml(d.id)}" tests="${cases.length}" failures="${mine.filter((o) => o.status === 'fail').length}" skipped="${mine.filter((o) => o.status === 'skipped').length}" errors="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="llm-firewall eval" tests="${total}" failures="${failures}" skipped="${skipped}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
