// Covers the thresholds file (validation messages), the gate outcomes (pass, fail naming the
// slice, skipped when not evaluated), calibration and baseline comparison — all on a report built
// by runEval from small fixture files with the stand-in engine (fake-engine.ts). Starts nothing.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from '../../../eval/run-eval.js';
import { validateThresholds } from '../../../eval/thresholds.js';
import { fakeEngine } from './fake-engine.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-gate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const line = (o: unknown) => JSON.stringify(o);

// injection/set: 4 attacks (scores 0.9, 0.8, 0.6, 0.2) and 4 benign (0.7, 0.3, 0.1, 0.0).
// At the default threshold 0.5: TP 3, FN 1, FP 1, TN 3 → recall 0.75, FPR 0.25.
mkdirSync(join(dir, 'injection'));
writeFileSync(
  join(dir, 'injection', 'set.jsonl'),
  [
    line({ id: 'a1', text: 'do it score=0.9', label: 'attack', category: 'injection' }),
    line({ id: 'a2', text: 'do it score=0.8', label: 'attack', category: 'jailbreak' }),
    line({ id: 'a3', text: 'do it score=0.6', label: 'attack', category: 'injection' }),
    line({ id: 'a4', text: 'do it score=0.2', label: 'attack', category: 'jailbreak' }),
    line({ id: 'b1', text: 'hello score=0.7', label: 'benign', category: 'hard_negative' }),
    line({ id: 'b2', text: 'hello score=0.3', label: 'benign', category: 'benign' }),
    line({ id: 'b3', text: 'hello score=0.1', label: 'benign', category: 'benign' }),
    line({ id: 'b4', text: 'hello', label: 'benign', category: 'benign' }),
  ].join('\n'),
);

function capture() {
  const outLog: string[] = [];
  const errLog: string[] = [];
  return { outLog, errLog, io: { stdout: (s: string) => void outLog.push(s), stderr: (s: string) => void errLog.push(s) } };
}

function thresholds(name: string, body: string): string {
  const f = join(dir, name);
  writeFileSync(f, body);
  return f;
}

describe('thresholds gate', () => {
  it('passes (exit 0) when every limit is met and reports the measured rates', async () => {
    const io = capture();
    const t = thresholds('ok.yaml', 'checks:\n  - { detector: prompt-injection, dataset: injection/set, category: "*", minRecall: 0.75, maxFpr: 0.25 }\n');
    const code = await runEval({ datasets: [join(dir, 'injection')], thresholds: t, engine: fakeEngine(), progress: false, ...io.io });
    expect(code).toBe(0);
    expect(io.outLog.join('')).toContain('thresholds: 2 passed, 0 failed');
  });

  it('fails (exit 1) and names each missed slice and metric', async () => {
    const io = capture();
    const t = thresholds('miss.yaml', [
      'checks:',
      '  - { detector: prompt-injection, dataset: injection/set, category: jailbreak, minRecall: 0.9 }',
      '  - { detector: prompt-injection, dataset: injection/set, category: "*", maxFpr: 0.1 }',
      '  - { detector: secrets, dataset: nowhere/set, minRecall: 0.9 }',
    ].join('\n'));
    const code = await runEval({ datasets: [join(dir, 'injection')], thresholds: t, engine: fakeEngine(), progress: false, ...io.io });
    expect(code).toBe(1);
    const text = io.outLog.join('');
    expect(text).toContain('FAIL prompt-injection / injection/set / jailbreak: recall >= 0.9 (actual 0.5000)');
    expect(text).toContain('FAIL prompt-injection / injection/set / *: fpr <= 0.1 (actual 0.2500)');
    expect(text).toContain('1 skipped');
  });

  it('uses the per-detector decision threshold from the file', async () => {
    const io = capture();
    const t = thresholds('dec.yaml', 'decision: { prompt-injection: 0.75 }\nchecks:\n  - { detector: prompt-injection, dataset: injection/set, maxFpr: 0 , minRecall: 0.5 }\n');
    expect(await runEval({ datasets: [join(dir, 'injection')], thresholds: t, engine: fakeEngine(), progress: false, ...io.io })).toBe(0);
  });

  it('rejects a bad thresholds file with the pointer to the bad entry (exit 2)', async () => {
    expect(() => validateThresholds({ checks: [{ detector: 'pii', minRecall: 1.5 }] }, 't.yaml')).toThrow('t.yaml: /checks/0/minRecall: expected a number in 0..1');
    expect(() => validateThresholds({ checks: [{ detector: 'pii' }] }, 't.yaml')).toThrow('needs minRecall, maxFpr or minPrecision');
    expect(() => validateThresholds({ checks: [{ detector: 'pii', minRecal: 0.5 }] }, 't.yaml')).toThrow('/checks/0/minRecal: unknown field');
    const io = capture();
    const t = thresholds('bad.yaml', 'checks: 5\n');
    expect(await runEval({ datasets: [join(dir, 'injection')], thresholds: t, engine: fakeEngine(), progress: false, ...io.io })).toBe(2);
    expect(io.errLog.join('')).toContain('/checks: expected a list');
  });

  it('rejects an unknown detector name (exit 2)', async () => {
    const io = capture();
    expect(await runEval({ datasets: [join(dir, 'injection')], detectors: ['nope'], engine: fakeEngine(), progress: false, ...io.io })).toBe(2);
  });
});

describe('calibration', () => {
  it('finds the threshold that meets the target FPR on the benign rows and prints the policy snippet', async () => {
    const io = capture();
    // 4 benign scores 0.7, 0.3, 0.1, 0: a 25% budget allows one FP (0.7) → threshold just above 0.3.
    const code = await runEval({ datasets: [join(dir, 'injection')], calibrate: true, targetFpr: 0.25, engine: fakeEngine(), progress: false, ...io.io });
    expect(code).toBe(0);
    const text = io.outLog.join('');
    expect(text).toContain('prompt-injection: threshold 0.3001, FPR 25.00% on 4 benign rows, recall 75.0%');
    expect(text).toContain('promptInjection:\n    threshold: 0.3001');
  });
});

describe('baseline comparison', () => {
  it('prints the change in each metric between two runs', async () => {
    const out1 = join(dir, 'r1');
    const io1 = capture();
    await runEval({ datasets: [join(dir, 'injection')], out: out1, engine: fakeEngine(), progress: false, ...io1.io });
    const t = thresholds('dec2.yaml', 'decision: { prompt-injection: 0.75 }\n');
    const io2 = capture();
    await runEval({ datasets: [join(dir, 'injection')], thresholds: t, baseline: join(out1, 'report.json'), engine: fakeEngine(), progress: false, ...io2.io });
    const text = io2.outLog.join('');
    // threshold 0.5 → 0.75: recall 75% → 50%, FPR 25% → 0%.
    expect(text).toContain('prompt-injection / * / *  recall: 75.00% → 50.00% (-25.00 pt)');
    expect(text).toContain('prompt-injection / * / *  fpr: 25.00% → 0.00% (-25.00 pt)');
    expect(JSON.parse(readFileSync(join(out1, 'report.json'), 'utf8')).version).toBe(1);
  });
});

describe('determinism', () => {
  it('gives the same report twice, apart from the timestamp and the latencies', async () => {
    const strip = (file: string) =>
      JSON.stringify(JSON.parse(readFileSync(file, 'utf8'), (k, v) => (k === 'createdAt' || k === 'latencyMs' ? undefined : v)));
    const a = join(dir, 'det-a');
    const b = join(dir, 'det-b');
    await runEval({ datasets: [join(dir, 'injection')], out: a, limit: 6, seed: 'x', engine: fakeEngine(), progress: false, ...capture().io });
    await runEval({ datasets: [join(dir, 'injection')], out: b, limit: 6, seed: 'x', engine: fakeEngine(), progress: false, ...capture().io });
    expect(strip(join(a, 'report.json'))).toBe(strip(join(b, 'report.json')));
    expect(JSON.parse(readFileSync(join(a, 'report.json'), 'utf8')).meta.rows).toBe(6);
  });
});
