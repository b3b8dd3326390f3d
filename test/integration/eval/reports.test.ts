// Covers the report files of `runEval --out`: report.json round-trips, junit.xml is well-formed
// XML with one testcase per dataset × detector × threshold (parsed back with a strict little
// parser), report.md has the tables, and report.html — opened in headless Chromium (Debian's
// `chromium`) — contains the ROC curves, recall bars and confusion grids as SVG, with secrets and
// PII masked. Starts one Chromium process per HTML check and waits for it to exit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../../../eval/run-eval.js';
import { fakeEngine } from '../../unit/eval/fake-engine.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-reports-'));
const out = join(dir, 'out');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const line = (o: unknown) => JSON.stringify(o);

/** A strict enough XML reader: balanced tags, quoted attributes, known entities. Returns elements. */
function parseXml(xml: string): Array<{ name: string; attrs: Record<string, string>; children: string[] }> {
  const elements: Array<{ name: string; attrs: Record<string, string>; children: string[] }> = [];
  const stack: Array<{ name: string; attrs: Record<string, string>; children: string[] }> = [];
  let i = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  const text = (s: string) => {
    for (let k = s.indexOf('&'); k >= 0; k = s.indexOf('&', k + 1)) {
      if (!/^&(amp|lt|gt|quot|apos);/.test(s.slice(k))) throw new Error(`bad entity at ${s.slice(k, k + 10)}`);
    }
    if (s.includes('<')) throw new Error('raw < in text');
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      text(xml.slice(i));
      break;
    }
    text(xml.slice(i, lt));
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = xml.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1)) throw new Error(`mismatched </${tag.slice(1)}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*$/.exec(body);
    if (!m) throw new Error(`malformed tag <${tag}>`);
    const attrs: Record<string, string> = {};
    for (const a of m[2].matchAll(/([\w.-]+)="([^"]*)"/g)) {
      text(a[2]);
      attrs[a[1]] = a[2];
    }
    const el = { name: m[1], attrs, children: [] as string[] };
    stack.at(-1)?.children.push(el.name);
    elements.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) throw new Error(`unclosed <${stack[0].name}>`);
  return elements;
}

function chromiumDom(file: string): string {
  return execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--dump-dom', pathToFileURL(file).href], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

beforeAll(async () => {
  mkdirSync(join(dir, 'injection'));
  mkdirSync(join(dir, 'pii'));
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(
    join(dir, 'injection', 'mixed.jsonl'),
    [
      line({ id: 'a1', text: 'please score=0.9 <b>&amp;</b> "quoted"', label: 'attack', category: 'injection' }),
      line({ id: 'a2', text: 'please score=0.3', label: 'attack', category: 'jailbreak' }),
      line({ id: 'b1', text: 'fine score=0.6', label: 'benign', category: 'hard_negative' }),
      line({ id: 'b2', text: 'fine', label: 'benign', category: 'benign' }),
      '{broken',
    ].join('\n'),
  );
  // PII: the fake engine flags words with "@"; the phone is missed, so a masked miss is listed.
  const t1 = 'write to ann@example.org today';
  const t2 = 'call 555-0100 now';
  writeFileSync(
    join(dir, 'pii', 'pii.jsonl'),
    [
      line({ id: 'p1', text: t1, label: 'attack', category: 'pii', entities: [{ type: 'EMAIL_ADDRESS', start: 9, end: 24 }] }),
      line({ id: 'p2', text: t2, label: 'attack', category: 'pii', entities: [{ type: 'PHONE_NUMBER', start: 5, end: 13 }] }),
      line({ id: 'p3', text: 'nothing personal', label: 'benign', category: 'benign' }),
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'secrets', 'sec.jsonl'),
    [
      line({ id: 's1', text: 'key tok_SUPERSECRET123 here', label: 'attack', category: 'secret', entities: [{ type: 'generic', start: 4, end: 22 }] }),
      line({ id: 's2', text: 'hidden ghp_NOTFOUNDVALUE99 here', label: 'attack', category: 'secret', entities: [{ type: 'github', start: 7, end: 26 }] }),
      line({ id: 's3', text: 'placeholder tok_ here', label: 'benign', category: 'hard_negative' }),
    ].join('\n'),
  );
  const th = join(dir, 'th.yaml');
  writeFileSync(th, ['checks:', '  - { detector: prompt-injection, dataset: injection/mixed, minRecall: 0.5, maxFpr: 0.5 }', '  - { detector: secrets, dataset: secrets/sec, minRecall: 0.9 }'].join('\n'));
  const code = await runEval({ datasets: [dir], thresholds: th, out, engine: fakeEngine(), progress: false, stdout: () => {}, stderr: () => {} });
  expect(code).toBe(1); // secrets recall 0.5 < 0.9
});

describe('report files', () => {
  it('report.json holds slices, entity metrics, problems and masked examples', () => {
    const r = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].line).toBe(5);
    const pii = r.detectors.find((d: { id: string }) => d.id === 'pii');
    const exact = pii.entities.find((e: { mode: string; dataset: string }) => e.mode === 'exact' && e.dataset === 'pii/pii');
    expect(exact.byType).toEqual([
      { type: 'EMAIL', tp: 1, fn: 0, fp: 0, precision: 1, recall: 1, f1: 1 },
      { type: 'PHONE', tp: 0, fn: 1, fp: 0, precision: null, recall: 0, f1: null },
    ]);
    const sec = r.detectors.find((d: { id: string }) => d.id === 'secrets');
    expect(sec.worstMisses[0].text).toBe('hidden [github] here');
    expect(sec.worstFalsePositives[0].text).toBe('placeholder [FAKE_TOKEN] here');
    expect(JSON.stringify(r)).not.toContain('SUPERSECRET');
    expect(JSON.stringify(r)).not.toContain('NOTFOUNDVALUE');
  });

  it('junit.xml parses back: one testcase per dataset × detector × threshold, failures marked', () => {
    const els = parseXml(readFileSync(join(out, 'junit.xml'), 'utf8'));
    const cases = els.filter((e) => e.name === 'testcase');
    const names = cases.map((c) => `${c.attrs.classname} :: ${c.attrs.name}`);
    expect(names).toContain('eval.prompt-injection :: injection/mixed / *: recall &gt;= 0.5');
    expect(names).toContain('eval.prompt-injection :: injection/mixed / *: fpr &lt;= 0.5');
    expect(names).toContain('eval.secrets :: secrets/sec / *: recall &gt;= 0.9');
    const failures = els.filter((e) => e.name === 'failure');
    expect(failures).toHaveLength(1);
    const root = els.find((e) => e.name === 'testsuites')!;
    expect(Number(root.attrs.tests)).toBe(cases.length);
    expect(root.attrs.failures).toBe('1');
  });

  it('report.md has a table per detector and the threshold outcomes', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## prompt-injection (flag when score ≥ 0.5)');
    expect(md).toContain('| secrets / secrets/sec / *: recall >= 0.9 | 0.5000 | fail |');
    expect(md).toContain('### Entities: pii/pii (overlap span match)');
  });

  it('report.html renders in headless Chromium with ROC curves, recall bars and confusion grids', () => {
    const dom = chromiumDom(join(out, 'report.html'));
    expect(dom).toContain('llm-firewall eval report');
    const count = (needle: string) => dom.split(needle).length - 1;
    expect(count('<svg')).toBeGreaterThanOrEqual(7); // ROC + bars + confusion for pi, confusion (+ROC) for pii/secrets
    expect(count('class="roc-curve"')).toBeGreaterThanOrEqual(2);
    expect(count('class="bar"')).toBeGreaterThanOrEqual(2);
    expect(count('class="cell"')).toBe(12); // 4 cells × 3 detectors
    expect(dom).not.toContain('SUPERSECRET');
    expect(dom).not.toContain('http://'.concat('cdn')); // self-contained: no external assets
  });
});
