/**
 * Detector speed (`npm run bench:detectors`): scan latency of all detectors on 1/4/16/128 KB
 * prompts, throughput in MB/s, scaling from 1 KB to 4 MB (ratio per doubling; linear ≈ 2.0),
 * adversarial inputs, and each detector alone on 4 KB. tinybench, bounded (~1 s per task).
 * Inputs are generated here (mixed prose, code, JSON and a few PII/secret-shaped values) so
 * every pack and the keyword prefilter do real work. Options: `--quick` (fewer iterations),
 * `--compare DIR`: also load `DIR/detectors/engine/index.ts` (another checkout with node_modules
 * linked, or a directory whose `detectors/engine` links to test/unit/detectors/reference/engine-old,
 * the frozen pre-speed-work engine over the live packs) and time both interleaved in this process,
 * so a loaded machine slows both alike (median of 7 alternating rounds). `--stages-only`: only the per-stage
 * costs of one 4 KB scan (strict view, folded view, decoding, each view's Set, each pack's rules,
 * classifier, person names), which the full run also prints.
 */
import { Bench } from 'tinybench';
import { createEngine, loadBuiltinPacks, REGEX_PII_TYPES } from '../detectors/engine/index.js';
import { foldedView, strictView } from '../detectors/engine/normalize.js';
import { findEncoded } from '../detectors/engine/decode.js';
import { PackUnion } from '../detectors/engine/pack.js';
import { clearEncodeCache, encode } from '../detectors/engine/re2-seam.js';
import { NameDetector } from '../detectors/engine/names-detector.js';
import { findNameRuns } from '../detectors/engine/name-runs.js';
import { ScanInput } from '../detectors/engine/scan-input.js';

const quick = process.argv.includes('--quick');
const engine = createEngine({});
const ctx = { direction: 'request' as const, surface: 'llm' as const };
const far = (): typeof ctx & { deadline: number } => ({ ...ctx, deadline: Date.now() + 600_000 });

const PARAS = [
  'The quarterly report shows revenue growth of 12% driven by the new subscription tier. Please summarize the key risks for the board and suggest three follow-up questions. ',
  'function parseConfig(path) {\n  const raw = fs.readFileSync(path, "utf8");\n  return JSON.parse(raw);\n}\n',
  '{"user": "m.rossi", "email": "mario.rossi@example.it", "items": [1, 2, 3], "note": "deliver after 5pm"}\n',
  'Kunden können ihre Bestellung innerhalb von 14 Tagen zurückgeben. Bitte wenden Sie sich an den Support. ',
  'SELECT id, name FROM customers WHERE created_at > NOW() - INTERVAL 30 DAY ORDER BY name LIMIT 100;\n',
  'In the meeting we agreed to ignore the previous estimate because the supplier changed the price list. ',
];

/** The mixed text without the JSON line (its e-mail address is the only personal data). */
function prose(bytes: number): string {
  let s = '';
  for (let i = 0; s.length < bytes; i++) if (i % PARAS.length !== 2) s += PARAS[i % PARAS.length];
  return s.slice(0, bytes);
}

/** Deterministic mixed text of `bytes` length. */
function text(bytes: number): string {
  let s = '';
  let i = 0;
  while (s.length < bytes) s += PARAS[i++ % PARAS.length];
  return s.slice(0, bytes);
}

const results: Array<{ name: string; meanMs: number; p99Ms: number; mbps?: number }> = [];

async function run(name: string, fn: () => void, bytes?: number, time = 1000): Promise<void> {
  const bench = new Bench({ time: quick ? time / 4 : time, iterations: 5, warmup: true, warmupIterations: 3 });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0]!.result as unknown as { latency?: { mean: number; p99: number }; mean?: number; p99?: number };
  const mean = r.latency?.mean ?? r.mean ?? NaN;
  const p99 = r.latency?.p99 ?? r.p99 ?? NaN;
  results.push({ name, meanMs: mean, p99Ms: p99, ...(bytes ? { mbps: bytes / 1e6 / (mean / 1000) } : {}) });
  console.log(`${name.padEnd(44)} mean ${mean.toFixed(3).padStart(9)} ms  p99 ${p99.toFixed(3).padStart(9)} ms${bytes ? `  ${(bytes / 1e6 / (mean / 1000)).toFixed(1).padStart(7)} MB/s` : ''}`);
}

/** Interleaved before/after timing against the engine of another checkout (`--compare DIR`). */
async function compare(dir: string, refNs: number): Promise<void> {
  const { pathToFileURL } = await import('node:url');
  const { join } = await import('node:path');
  const other = (await import(pathToFileURL(join(dir, 'detectors/engine/index.ts')).href)) as { createEngine: typeof createEngine };
  const before = other.createEngine({});
  const time = (fn: () => void, n: number): number => { const t0 = performance.now(); for (let k = 0; k < n; k++) fn(); return (performance.now() - t0) / n; };
  console.log(`# compare with ${dir} (all detectors; median of 7 alternating rounds)`);
  const cases: Array<[string, string]> = [1, 4, 16, 128, 1024].map((kb) => [`${String(kb).padStart(4)} KB`, text(kb * 1024)]);
  // The same mix without its only personal data (an e-mail address): nothing anchors a person name.
  cases.push(['4 KB, no PII', prose(4096)], ['1 MB, no PII', prose(1 << 20)]);
  for (const [label, t] of cases) {
    const kb = Math.max(1, t.length / 1024);
    const n = Math.max(3, Math.round((quick ? 100 : 400) / kb));
    for (let k = 0; k < Math.min(10, n); k++) { before.scan(t, far()); engine.scan(t, far()); }
    const ra: number[] = [];
    const rb: number[] = [];
    for (let r = 0; r < 7; r++) { ra.push(time(() => before.scan(t, far()), n)); rb.push(time(() => engine.scan(t, far()), n)); }
    ra.sort((x, y) => x - y);
    rb.sort((x, y) => x - y);
    const [mo, mn] = [ra[3]!, rb[3]!];
    console.log(`  ${label.padStart(12)}  before ${mo.toFixed(3)} ms  after ${mn.toFixed(3)} ms  ×${(mo / mn).toFixed(2)}  after at 1 ns/char: ${(mn / refNs).toFixed(3)} ms, ${(t.length / 1e6 / (mn / refNs / 1000)).toFixed(0)} MB/s`);
  }
  console.log('');
}

/**
 * What one 4 KB scan spends where: each stage timed alone (median of 9 rounds), in the order the
 * engine runs them. Stages share work in a real scan (one UTF-8 buffer per view, Set results and
 * classifier memoised per input), so they add up to about the full scan.
 */
function stages(): void {
  const t = text(4096);
  const b = loadBuiltinPacks();
  const s = strictView(t);
  const f = foldedView(s);
  const folded = new PackUnion([b.injection, b.toolPoisoning]);
  const hf = folded.match(f.text);
  const hs = [b.pii.matchSets(s.text), b.secrets.matchSets(s.text)];
  clearEncodeCache();
  // As engine.scan runs packs for a text without a role (a user prompt): role-restricted rules skipped.
  const noRole = { role: undefined };
  const n = quick ? 100 : 400;
  // Person names as the engine runs them: anchored, with the PII pack's findings (the e-mail address) as anchors.
  const names = new NameDetector({ mode: 'anchored' });
  names.warm();
  const namesInput = new ScanInput(t);
  void namesInput.strict;
  const anchors = b.pii.run(s.text, () => s.text.toLowerCase(), hs[0], noRole).map((h) => ({ start: h.start, end: h.end }));
  clearEncodeCache();
  // The same text without its only other personal data: nothing anchors a name.
  const plainInput = new ScanInput(prose(4096));
  void plainInput.strict;
  const med = (fn: () => void): number => {
    for (let k = 0; k < 50; k++) fn();
    const rs: number[] = [];
    for (let r = 0; r < 9; r++) { const t0 = performance.now(); for (let k = 0; k < n; k++) fn(); rs.push(((performance.now() - t0) / n) * 1000); }
    return rs.sort((x, y) => x - y)[4]!;
  };
  const rows: Array<[string, () => void]> = [
    ['strict view', () => { strictView(t); }],
    ['folded view', () => { foldedView(s); }],
    ['UTF-8 buffers of both views', () => { encode(s.text); encode(f.text); clearEncodeCache(); }],
    ['decoding prefilter + segments (strict)', () => { encode(s.text); findEncoded(s.text, { segments: 32, chars: 65536 }); clearEncodeCache(); }],
    ['Set: injection + tool-poisoning (folded)', () => { encode(f.text); folded.match(f.text); clearEncodeCache(); }],
    // The engine runs PII and secrets with their own Sets (keywords + patterns; secrets' patterns in two parts).
    ['Sets: pii, secrets (strict, own Sets per pack)', () => { encode(s.text); b.pii.matchSets(s.text); b.secrets.matchSets(s.text); clearEncodeCache(); }],
    ['rules after Set: prompt-injection', () => { encode(f.text); b.injection.run(f.text, f.text, hf[0], noRole); clearEncodeCache(); }],
    ['rules after Set: tool-poisoning', () => { encode(f.text); b.toolPoisoning.run(f.text, f.text, hf[1], noRole); clearEncodeCache(); }],
    ['rules after Set: pii', () => { encode(s.text); b.pii.run(s.text, () => s.text.toLowerCase(), hs[0], noRole); clearEncodeCache(); }],
    ['rules after Set: secrets', () => { encode(s.text); b.secrets.run(s.text, () => s.text.toLowerCase(), hs[1], noRole); clearEncodeCache(); }],
    ['classifier (folded)', () => { b.classifier?.score(f.text); }],
    ['person names: candidate runs', () => { findNameRuns(s.text); }],
    ['person names: runs + scoring (anchored)', () => { names.scanInput(namesInput, ctx, () => anchors); }],
    ['person names: same without other PII', () => { names.scanInput(plainInput, ctx, () => []); clearEncodeCache(); }],
    ['all detectors (engine.scan), for comparison', () => { engine.scan(t, far()); }],
  ];
  console.log('# stages of one 4 KB scan (median of 9 rounds; Set/rule rows include their UTF-8 buffer)');
  for (const [name, fn] of rows) console.log(`  ${name.padEnd(42)} ${med(fn).toFixed(1).padStart(8)} µs`);
  console.log('');
}

async function main(): Promise<void> {
  // A fixed reference loop, so numbers from a loaded or slow machine can be put in proportion
  // (an idle modern x86 core runs it at roughly 1 ns per character).
  const ref = 'The quick brown fox jumps over the lazy dog. '.repeat(23_302);
  let acc = 0;
  const r0 = performance.now();
  for (let k = 0; k < 5; k++) for (let i = 0; i < ref.length; i++) acc = (acc + ref.charCodeAt(i)) | 0;
  const refNs = ((performance.now() - r0) * 1e6) / (5 * ref.length);
  console.log(`node ${process.version}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}, reference loop ${refNs.toFixed(2)} ns/char${acc === 1 ? '' : ''}\n`);
  stages();
  if (process.argv.includes('--stages-only')) return;
  const cmp = process.argv.indexOf('--compare');
  if (cmp >= 0 && process.argv[cmp + 1]) await compare(process.argv[cmp + 1]!, refNs);
  console.log('# all detectors (prompt-injection, pii, secrets, tool-poisoning)');
  for (const kb of [1, 4, 16, 128]) {
    const t = text(kb * 1024);
    await run(`all detectors ${kb} KB`, () => { engine.scan(t, far()); }, t.length);
  }
  console.log('\n# one detector, 4 KB');
  const t4 = text(4096);
  for (const d of ['prompt-injection', 'pii', 'secrets', 'tool-poisoning']) await run(`${d} 4 KB`, () => { engine.scan(t4, far(), [d]); }, t4.length);
  // PII without person names (PERSON, the pii-nlp hook): the regex packs alone, to tell the two costs apart.
  const noNames = createEngine({ pii: { entities: [...REGEX_PII_TYPES] } });
  await run('pii without PERSON 4 KB', () => { noNames.scan(t4, far(), ['pii']); }, t4.length);

  console.log('\n# scaling 1 KB → 4 MB (all detectors; median of 3 batches; ratio per doubling, linear ≈ 2)');
  let prev = 0;
  const ratios: number[] = [];
  for (let kb = 1; kb <= 4096; kb *= 2) {
    const t = text(kb * 1024);
    // Median of 3 timed batches (a single run of a large text is at the mercy of one GC or a
    // neighbour's burst on a shared machine).
    const reps = Math.max(1, Math.floor(256 / kb));
    engine.scan(t, far());
    const batches: number[] = [];
    for (let b = 0; b < 3; b++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) engine.scan(t, far());
      batches.push((performance.now() - t0) / reps);
    }
    const ms = batches.sort((x, y) => x - y)[1]!;
    const ratio = prev ? ms / prev : NaN;
    if (prev) ratios.push(ratio);
    console.log(`  ${String(kb).padStart(5)} KB  ${ms.toFixed(3).padStart(10)} ms  ${(t.length / 1e6 / (ms / 1000)).toFixed(1).padStart(7)} MB/s  ratio ${Number.isNaN(ratio) ? '-' : ratio.toFixed(2)}`);
    prev = ms;
  }
  const big = ratios.slice(-6);
  console.log(`  mean ratio per doubling over the last ${big.length} steps: ${(big.reduce((a, b) => a + b, 0) / big.length).toFixed(2)}`);

  console.log('\n# adversarial (median of 3 runs)');
  const adversarial: Array<[string, string]> = [
    ['10 MB of one character', 'a'.repeat(10 * 1024 * 1024)],
    ['1 MB of "ignore "', 'ignore '.repeat(150_000)],
    ['1 MB of base64-looking text', 'QUJD'.repeat(262_144)],
    // Random (seeded) base64, flat and in 76-character lines, and random short words: text whose
    // variety fills RE2's DFA cache (a repeated pattern like the row above never does).
    ['1 MB of random base64', randomText(1 << 20, B64, 0)],
    ['1 MB of random base64, 76-char lines', randomText(1 << 20, B64, 76)],
    ['1 MB of random 8-char words', randomText(1 << 20, B64, 8, ' ')],
    ['nested base64 ×8 (1 KB payload)', (() => { let s = text(1024); for (let i = 0; i < 8; i++) s = Buffer.from(s).toString('base64'); return s; })()],
    ['1 MB of zero-width + letters', 'i\u200bg\u200cn\u200do\u2060r\u200be '.repeat(80_000)],
    ['1 MB of e-mail-like "a@a." runs', 'a@a.'.repeat(262_144)],
    ['1 MB of digits and spaces', '4111 1111 '.repeat(104_858)],
    ['1 MB of capitalised words (name runs)', 'Ab Cd van '.repeat(104_858)],
  ];
  for (const [name, t] of adversarial) {
    // Median of 3 runs (the first run of a new kind of input also pays for JIT and table fills).
    const runs: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      engine.scan(t, far());
      runs.push(performance.now() - t0);
    }
    const ms = runs.sort((x, y) => x - y)[1]!;
    console.log(`  ${name.padEnd(40)} ${(t.length / 1e6).toFixed(1).padStart(5)} MB  ${ms.toFixed(0).padStart(7)} ms  ${(t.length / 1e6 / (ms / 1000)).toFixed(1)} MB/s`);
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `bytes` characters drawn from `alphabet` by a seeded LCG, a separator every `every` (0 = none). */
function randomText(bytes: number, alphabet: string, every: number, sep = '\n'): string {
  let x = 12345;
  const out: string[] = [];
  for (let i = 0; i < bytes; i++) {
    if (every && i % (every + 1) === every) { out.push(sep); continue; }
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(alphabet[(x >>> 16) % alphabet.length]!);
  }
  return out.join('');
}

await main();
