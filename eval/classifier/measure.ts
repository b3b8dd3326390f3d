/**
 * Quick detection measurements on the shared datasets (rows NOT used for training, unless
 * `--all`): injection recall/FPR per file, secrets recall/FPR, PII entity recall per type, tool
 * poisoning. The eval harness (`npm run eval`) is the real gate; this is the detector author's
 * loop. Usage: `npx tsx eval/classifier/measure.ts [--data DIR] [--all] [--threshold 0.5] [--nlp]
 * [--only injection,secrets,pii,tools] [--benign-as-document]`
 */
import { createEngine } from '../../detectors/engine/index.js';
import type { ScanContext } from '../../detectors/engine/index.js';
import { defaultDatasetsDir, isValidation, loadRows, type Row } from './data.js';

const argv = process.argv.slice(2);
const arg = (k: string): string | undefined => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : undefined; };
const dir = arg('--data') ?? defaultDatasetsDir();
const all = argv.includes('--all');
const threshold = Number(arg('--threshold') ?? 0.5);
const only = arg('--only');
const benignAsDoc = argv.includes('--benign-as-document');
const engine = createEngine({
  promptInjection: { threshold },
  pii: { entities: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'US_SSN', 'IP_ADDRESS', 'DATE_OF_BIRTH', 'PASSPORT', 'DRIVER_LICENSE', 'PERSON', 'LOCATION', 'ORGANIZATION'], nlp: argv.includes('--nlp') },
});
const pct = (a: number, b: number): string => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');

function injection(): void {
  const rows = [...loadRows(dir, 'A_direct'), ...loadRows(dir, 'B_indirect'), ...loadRows(dir, 'C_benign')].filter((r) => all || isValidation(r));
  const byFile = new Map<string, { n: number; hit: number; label: string }>();
  const ruleFp = new Map<string, number>();
  let tp = 0, p = 0, fp = 0, n = 0;
  const t0 = performance.now();
  for (const r of rows) {
    // Retrieved content is scanned as `document`, whatever its label: B_indirect rows (attack and
    // clean contexts alike), and C_benign too with --benign-as-document (worst case for role rules).
    const doc = r.file.startsWith('B_indirect') || (benignAsDoc && r.file.startsWith('C_benign'));
    const ctx: ScanContext = { direction: 'request', surface: 'llm', role: doc ? 'document' : 'user' };
    const [res] = engine.scan(r.text, ctx, ['prompt-injection']);
    const hit = res!.score >= threshold;
    const key = `${r.file} [${r.label === 'attack' ? 'recall' : 'FPR'}]`;
    const e = byFile.get(key) ?? { n: 0, hit: 0, label: r.label };
    e.n++; if (hit) e.hit++;
    byFile.set(key, e);
    if (r.label === 'attack') { p++; if (hit) tp++; } else { n++; if (hit) { fp++; for (const f of res!.findings) ruleFp.set(f.rule, (ruleFp.get(f.rule) ?? 0) + 1); } }
  }
  console.log(`\n## prompt-injection (threshold ${threshold}, ${all ? 'all rows' : 'validation rows'}; ${rows.length} rows, ${(performance.now() - t0).toFixed(0)} ms)`);
  for (const [k, v] of [...byFile].sort()) console.log(`  ${k.padEnd(62)} ${String(v.hit).padStart(4)}/${String(v.n).padEnd(5)} ${pct(v.hit, v.n)}`);
  console.log(`  TOTAL recall ${pct(tp, p)} (${tp}/${p})  FPR ${pct(fp, n)} (${fp}/${n})`);
  console.log(`  FP by rule: ${[...ruleFp].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

function secrets(): void {
  const rows = loadRows(dir, 'E_secrets');
  let tp = 0, p = 0, fp = 0, n = 0, ent = 0, entHit = 0;
  const miss = new Map<string, number>();
  const perFile = new Map<string, { n: number; hit: number }>();
  for (const r of rows) {
    const [res] = engine.scan(r.text, { direction: 'response', surface: 'llm' }, ['secrets']);
    const hit = res!.findings.length > 0;
    const pf = perFile.get(`${r.file} [${r.label === 'attack' ? 'recall' : 'FPR'}]`) ?? { n: 0, hit: 0 };
    pf.n++; if (hit) pf.hit++;
    perFile.set(`${r.file} [${r.label === 'attack' ? 'recall' : 'FPR'}]`, pf);
    if (r.label === 'attack') {
      p++; if (hit) tp++; else miss.set(r.subcategory ?? r.file, (miss.get(r.subcategory ?? r.file) ?? 0) + 1);
      for (const e of r.entities ?? []) { ent++; if (res!.findings.some((f) => f.start < e.end && f.end > e.start)) entHit++; }
    } else { n++; if (hit) fp++; }
  }
  console.log(`\n## secrets (${rows.length} rows, all used: nothing trained on them)`);
  console.log(`  row recall ${pct(tp, p)} (${tp}/${p})  entity recall ${pct(entHit, ent)} (${entHit}/${ent})  hard-negative FPR ${pct(fp, n)} (${fp}/${n})`);
  for (const [k, v] of [...perFile].sort()) console.log(`  ${k.padEnd(60)} ${v.hit}/${v.n} ${pct(v.hit, v.n)}`);
  console.log(`  misses by subcategory: ${[...miss].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

const PII_MAP: Record<string, string> = {
  EMAIL_ADDRESS: 'EMAIL', PHONE_NUMBER: 'PHONE', CREDIT_CARD: 'CREDIT_CARD', IBAN_CODE: 'IBAN', US_SSN: 'US_SSN',
  IP_ADDRESS: 'IP_ADDRESS', US_DRIVER_LICENSE: 'DRIVER_LICENSE', PERSON: 'PERSON', STREET_ADDRESS: 'LOCATION', GPE: 'LOCATION', ORGANIZATION: 'ORGANIZATION',
};

function pii(): void {
  const rows = loadRows(dir, 'D_pii');
  const stat = new Map<string, { n: number; hit: number }>();
  const prec = new Map<string, { n: number; ok: number }>();
  for (const r of rows) {
    const [res] = engine.scan(r.text, { direction: 'request', surface: 'llm' }, ['pii']);
    // Python code-point offsets → JS UTF-16 offsets.
    const cp = [...r.text];
    const u16 = (i: number): number => cp.slice(0, i).join('').length;
    const ents = (r.entities ?? []).map((e) => ({ ...e, start: u16(e.start), end: u16(e.end) }));
    for (const e of ents) {
      const t = PII_MAP[e.type];
      if (!t) continue;
      const s = stat.get(t) ?? { n: 0, hit: 0 };
      s.n++;
      if (res!.findings.some((f) => f.type === t && f.start < e.end && f.end > e.start)) s.hit++;
      stat.set(t, s);
    }
    for (const f of res!.findings) {
      const q = prec.get(f.type) ?? { n: 0, ok: 0 };
      q.n++;
      if (ents.some((e) => PII_MAP[e.type] === f.type && f.start < e.end && f.end > e.start)) q.ok++;
      prec.set(f.type, q);
    }
  }
  console.log(`\n## pii (${rows.length} rows; entity recall by type, precision of findings)`);
  for (const [t, s] of [...stat].sort()) {
    const q = prec.get(t) ?? { n: 0, ok: 0 };
    console.log(`  ${t.padEnd(16)} recall ${pct(s.hit, s.n).padStart(6)} (${s.hit}/${s.n})  precision ${pct(q.ok, q.n).padStart(6)} (${q.ok}/${q.n})`);
  }
}

function tools(): void {
  const rows = loadRows(dir, 'F_mcp_tools').filter((r) => all || isValidation(r));
  let tp = 0, p = 0, fp = 0, n = 0;
  const fpr = new Map<string, number>();
  for (const r of rows) {
    const [res] = engine.scan(r.text, { direction: 'request', surface: 'mcp', role: 'tool-description' }, ['tool-poisoning']);
    const hit = res!.score >= 0.5;
    if (r.label === 'attack') { p++; if (hit) tp++; } else { n++; if (hit) { fp++; for (const f of res!.findings) fpr.set(f.rule, (fpr.get(f.rule) ?? 0) + 1); } }
  }
  console.log(`\n## tool-poisoning (${rows.length} ${all ? '' : 'validation '}rows)  recall ${pct(tp, p)} (${tp}/${p})  FPR ${pct(fp, n)} (${fp}/${n})`);
  console.log(`  FP by rule: ${[...fpr].map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

const want = (k: string): boolean => !only || only.split(',').includes(k);
if (want('injection')) injection();
if (want('secrets')) secrets();
if (want('pii')) pii();
if (want('tools')) tools();
