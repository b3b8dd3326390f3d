// Covers `llm-firewall eval` as CI runs it: the real CLI (node bin/llm-firewall.mjs) in a child
// process with the real detector engine, on small fixture files. Exit 0 when thresholds hold,
// 1 naming the missed threshold, 2 on bad usage; malformed rows are reported with file:line and
// skipped without failing the run. Each test spawns one short-lived node process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../eval/run-eval.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const line = (o: unknown) => JSON.stringify(o);

const data = join(dir, 'small.jsonl');
writeFileSync(
  data,
  [
    // Labeled "attack" on purpose although harmless: no detector should flag it, so recall < 1.
    line({ id: 'x1', text: 'The weather in Lisbon is lovely in May.', label: 'attack', category: 'injection' }),
    line({ id: 'x2', text: 'What is a good name for a grey cat?', label: 'benign', category: 'benign' }),
    'this line is not json',
    line({ id: 'x3', text: 'no label here', category: 'benign' }),
  ].join('\n'),
);

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'llm-firewall.mjs'), 'eval', '--no-progress', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

function th(name: string, body: string): string {
  const f = join(dir, name);
  writeFileSync(f, body);
  return f;
}

describe('llm-firewall eval (child process, real engine)', () => {
  it('exits 0 when the thresholds hold, and reports malformed rows with file:line without failing', () => {
    const t = th('pass.yaml', 'checks:\n  - { detector: prompt-injection, dataset: "*", minRecall: 0, maxFpr: 1 }\n');
    const r = cli(['--dataset', data, '--detector', 'prompt-injection', '--thresholds', t]);
    expect(r.stderr).toContain(`${data}:3: not valid JSON`);
    expect(r.stderr).toContain(`${data}:4: row x3: "label" must be "attack" or "benign"`);
    expect(r.stdout).toContain('thresholds: 2 passed, 0 failed');
    expect(r.status).toBe(0);
  });

  it('exits 1 and names the threshold that fell short', () => {
    const t = th('miss.yaml', 'checks:\n  - { detector: prompt-injection, dataset: "*", category: injection, minRecall: 1 }\n');
    const r = cli(['--dataset', data, '--detector', 'prompt-injection', '--thresholds', t]);
    expect(r.stdout).toContain('FAIL prompt-injection / * / injection: recall >= 1 (actual 0.0000)');
    expect(r.status).toBe(1);
  });

  it('exits 2 on a dataset path that does not exist', () => {
    const r = cli(['--dataset', join(dir, 'missing.jsonl')]);
    expect(r.stderr).toContain('dataset path not found');
    expect(r.status).toBe(2);
  });

  it('writes the four report files with --out', () => {
    const out = join(dir, 'out');
    const r = cli(['--dataset', data, '--detector', 'prompt-injection', '--out', out, '--thresholds', th('none.yaml', 'checks: []\n')]);
    expect(r.status).toBe(0);
    for (const f of ['report.json', 'report.md', 'junit.xml', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('measures the detector settings of a policy with --policy, and exits 2 naming a bad policy file', () => {
    const ok = cli(['--dataset', data, '--detector', 'prompt-injection', '--policy', join(PROJECT_ROOT, 'policies', 'default.yaml'), '--thresholds', th('none2.yaml', 'checks: []\n')]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('prompt-injection  *');
    const bad = th('bad-policy.yaml', 'version: 1\ndetectors: { promptInjection: { threshold: 7 } }\n');
    const r = cli(['--dataset', data, '--policy', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad-policy.yaml');
  });

  it('measures a policy\'s custom rules on rows that name the custom detector', () => {
    const policy = th('custom-policy.yaml', [
      'version: 1',
      'upstreams:',
      '  openai: { baseUrl: "https://api.openai.com/v1", apiKeyEnv: OPENAI_API_KEY }',
      'detectors:',
      '  customRules:',
      '    - { id: project-codename, kind: custom, pattern: "(?i)project\\\\s+bluebird", action: block }',
      'agents: {}',
    ].join('\n'));
    const rows = join(dir, 'custom.jsonl');
    writeFileSync(rows, [
      line({ id: 'c1', text: 'Status of Project Bluebird?', label: 'attack', category: 'custom', detectors: ['custom'] }),
      line({ id: 'c2', text: 'Bluebirds are nesting in the garden.', label: 'benign', category: 'benign', detectors: ['custom'] }),
    ].join('\n'));
    const r = cli(['--dataset', rows, '--policy', policy, '--thresholds', th('custom-th.yaml', 'checks:\n  - { detector: custom, minRecall: 1, maxFpr: 0 }\n')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('thresholds: 2 passed, 0 failed');
    expect(r.status).toBe(0);
  });
});
