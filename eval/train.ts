/**
 * Trains the learned prompt-injection classifier (`npm run train`) and writes
 * `detectors/packs/prompt-injection/classifier.json`.
 *
 * Data: our generated rows (eval/classifier/generate.ts; broad benign traffic and its attack twins
 * from eval/classifier/benign-generate.ts and multilingual hard negatives from
 * eval/classifier/hard-negatives.ts, always on the training side) plus the shared datasets
 * (A_direct, B_indirect, C_benign, F_mcp_tools; `--data DIR`, default `../shared/datasets`).
 * Split (eval/classifier/data.ts): validation = sha256(group) < 0.2, where the group is the row
 * id except for templated sources (BIPIA by attack, PromptInject by attack), plus whole held-out
 * files (promptmap, XSTest). Validation rows are never trained on; Platt calibration
 * is fitted on them and the reported figures are theirs.
 * Long attack rows whose source names the insertion point (BIPIA) contribute that window only.
 * Model: logistic regression over hashed char 3- and 5-grams + word 1–2-grams (2^17 buckets; `--bits`, `--grams`, `--no-words`),
 * AdaGrad, L2, balanced class weights, seeded shuffling — same data, same file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKS_DIR } from '../detectors/engine/index.js';
import { featureVector, InjectionClassifier, type ClassifierModel, type FeatureSpec } from '../detectors/engine/classifier.js';
import { foldedView, strictView } from '../detectors/engine/normalize.js';
import { defaultDatasetsDir, HELD_OUT_FILES, isValidation, loadRows, type Row } from './classifier/data.js';
import { generateRows, rng } from './classifier/generate.js';
import { generateBenignRows } from './classifier/benign-generate.js';
import { generateAttackTwins, generateHardNegatives } from './classifier/hard-negatives.js';

const argv = process.argv.slice(2);
const arg = (k: string, d?: string): string | undefined => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : d; };
const DATA = arg('--data', defaultDatasetsDir())!;
const OUT = arg('--out', join(PACKS_DIR, 'prompt-injection', 'classifier.json'))!;
const SEED = Number(arg('--seed', '1337'));
const EPOCHS = Number(arg('--epochs', '6'));
/**
 * Hash buckets (2^bits). 17 keeps the runtime's packed table (weight and stamp, 4 bytes a bucket)
 * at 512 KB, half of L2 (2^18 was 1 MB); with 3/5-grams + words it matched or beat the former
 * 2^18 3/4/5-gram model on every held-out figure, where 2^16 flagged one more benign regression.
 */
const BITS = Number(arg('--bits', '17'));
/**
 * Features: character n-gram lengths (`--grams`) and word uni/bigrams (`--no-words` drops them).
 * 3- and 5-grams plus words matched the former 3/4/5-gram model on held-out rows with two thirds
 * of its n-gram work (the 4-grams are mostly implied by the other two); without words public
 * held-out recall fell to 91.1 % (docs/detectors.md, Speed).
 */
const SPEC: FeatureSpec = { grams: (arg('--grams', '3,5') ?? '').split(',').map(Number), words: !argv.includes('--no-words') };
const WINDOW = 1024;
const STRIDE = 512;
const L2 = Number(arg('--l2', '1e-6'));
const LR = Number(arg('--lr', '0.2'));
const TARGET_FPR = Number(arg('--target-fpr', '0.012'));
const DOC_WEIGHT = Number(arg('--doc-weight', '8'));
const NO_BIPIA_ATTACKS = argv.includes('--no-bipia-attacks');
const ATTACK_WINDOW = argv.includes('--attack-window');
const CONTRASTIVE = !argv.includes('--no-contrastive');
/** Broad generated benign rows (greetings, drafting, answers, code, …; always training side). */
const BROAD = Number(arg('--broad-benign', '8000'));
/** Below this many unique features a window's evidence is shrunk toward the prior (see classifier.ts). */
const MIN_FEATURES = Number(arg('--min-features', '64'));
/** Multilingual generated hard negatives (eval/classifier/hard-negatives.ts; always training side). */
const HARD = Number(arg('--hard-negatives', '3000'));
/** Their attack twins: the same verbs and frames aimed at the model's instructions or secrets. */
const HARD_TWINS = Number(arg('--hard-twins', '1500'));
/** Attack twins of broad benign rows: a generated attack inserted into them (contrastive, like BIPIA). */
const TWINS = Number(arg('--twins', '2000'));

interface Sample { idx: Int32Array; val: Float32Array; y: number; w: number }

const fold = (t: string): string => foldedView(strictView(t)).text;

function toSample(text: string, y: number, w: number): Sample {
  const v = featureVector(text, BITS, SPEC);
  const idx = new Int32Array(v.size);
  const val = new Float32Array(v.size);
  let k = 0;
  for (const [i, x] of v) { idx[k] = i; val[k] = x; k++; }
  return { idx, val, y, w };
}

/** Training samples of one row: short texts whole; long benign texts as windows; long attacks whole plus their head/tail windows. */
function samplesOf(text: string, y: number, w: number, subcategory = ''): Sample[] {
  const t = fold(text);
  if (t.length <= WINDOW) return [toSample(t, y, w)];
  const out: Sample[] = [];
  if (y === 1) {
    // Where the source says where the attack was inserted (BIPIA), train on that window only:
    // the whole document would teach the model that long e-mails and tables are attacks.
    const at = subcategory.includes('insert_start') ? 0 : subcategory.includes('insert_end') ? t.length - WINDOW
      : subcategory.includes('insert_middle') ? Math.floor((t.length - WINDOW) / 2) : -1;
    out.push(at >= 0 && ATTACK_WINDOW ? toSample(t.slice(at, at + WINDOW), y, w) : toSample(t.slice(0, 4 * WINDOW), y, w));
  } else {
    const starts = [0, Math.floor((t.length - WINDOW) / 2), t.length - WINDOW];
    for (const s of starts) out.push(toSample(t.slice(s, s + WINDOW), y, w / starts.length * 1.5));
  }
  return out;
}

function main(): void {
  const t0 = Date.now();
  const shared = [...loadRows(DATA, 'A_direct'), ...loadRows(DATA, 'B_indirect'), ...loadRows(DATA, 'C_benign'), ...loadRows(DATA, 'F_mcp_tools')];
  const gen = generateRows(SEED, 600).map((g): Row => ({ ...g, category: g.label === 'attack' ? 'generated' : 'benign', file: 'generated' }));
  const train: Row[] = [];
  const valid: Row[] = [];
  // Our broad benign rows are templated: validating on them would only measure the templates,
  // and counting them in the calibration set would loosen the operating point on real data.
  const broad = generateBenignRows(SEED, BROAD).map((g): Row => ({ ...g, category: 'benign', file: 'generated-broad' }));
  train.push(...broad);
  // Everyday uses of attack words ("ignore the typos…", "what is a system prompt?", role-play for
  // practice, "bypass the cache") in nine languages, counted as hard negatives.
  train.push(...generateHardNegatives(SEED, HARD).map((g): Row => ({ ...g, category: 'hard_negative', file: 'generated-hard-negatives' })));
  train.push(...generateAttackTwins(SEED, HARD_TWINS).map((g): Row => ({ ...g, category: 'generated', file: 'generated-attack-twins' })));
  // Their attack twins: the same e-mail, answer or request with one generated attack inserted at
  // the start, middle or end, so the inserted instruction (not the document shape) is the signal.
  const attacks = gen.filter((g) => g.label === 'attack' && !isValidation(g)).map((g) => g.text);
  const tr = rng(SEED ^ 0x7157);
  for (let i = 0, k = 0; i < broad.length && k < TWINS; i++) {
    const b = broad[i]!;
    if (b.text.length < 60) continue;
    const a = attacks[Math.floor(tr() * attacks.length)]!;
    const at = [0, Math.floor(b.text.length / 2), b.text.length][Math.floor(tr() * 3)]!;
    const cut = b.text.lastIndexOf(' ', at) >= 0 ? b.text.lastIndexOf(' ', at) : at;
    train.push({ ...b, id: `${b.id}-twin`, label: 'attack', category: 'generated', text: `${b.text.slice(0, cut)} ${a} ${b.text.slice(cut)}`.trim() });
    k++;
  }
  for (const r of [...shared, ...gen]) {
    if (isValidation(r)) valid.push(r);
    // --no-bipia-attacks: BIPIA attack rows only validate (their documents dominate the signal).
    else if (!(NO_BIPIA_ATTACKS && r.file.includes('bipia') && r.label === 'attack')) train.push(r);
  }
  // Contrastive negatives for BIPIA: the attack string of a row is found (as the prefix/suffix
  // it shares with another row of the same attack category), and the row WITHOUT it becomes a
  // benign document. Same document on both sides, so only the inserted instruction separates
  // them; otherwise the model learns that e-mails and tables are attacks.
  if (CONTRASTIVE) train.push(...contrastiveNegatives(train));
  const pos = train.filter((r) => r.label === 'attack').length;
  const neg = train.length - pos;
  // Balanced classes; hard negatives count double (false positives on them cost the most).
  const wPos = train.length / (2 * pos);
  const wNeg = train.length / (2 * neg);
  const samples: Sample[] = [];
  for (const r of train) {
    const y = r.label === 'attack' ? 1 : 0;
    // Hard negatives count double and clean retrieved documents (BIPIA contexts) much more:
    // every attack row embeds such a document, so without this the model learns "an e-mail or
    // a table is an attack" (validation FPR on clean contexts was 52 % before).
    const docBoost = y === 0 && r.file.startsWith('B_indirect') ? DOC_WEIGHT : 1;
    const w = y ? wPos : wNeg * (r.category === 'hard_negative' ? 2 : 1) * docBoost;
    samples.push(...samplesOf(r.text, y, w, r.subcategory));
  }
  console.log(`train rows ${train.length} (${pos} attack / ${neg} benign) → ${samples.length} samples; validation rows ${valid.length}; ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const D = 1 << BITS;
  const w = new Float64Array(D);
  const g2 = new Float64Array(D).fill(1e-8);
  let bias = 0;
  let gb2 = 1e-8;
  const rand = rng(SEED);
  const order = samples.map((_, i) => i);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
    let loss = 0;
    for (const si of order) {
      const s = samples[si]!;
      let z = bias;
      for (let k = 0; k < s.idx.length; k++) z += w[s.idx[k]!]! * s.val[k]!;
      const p = 1 / (1 + Math.exp(-z));
      loss += -s.w * (s.y ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
      const g = s.w * (p - s.y);
      for (let k = 0; k < s.idx.length; k++) {
        const f = s.idx[k]!;
        const gf = g * s.val[k]! + L2 * w[f]!;
        g2[f]! += gf * gf;
        w[f]! -= (LR * gf) / Math.sqrt(g2[f]!);
      }
      gb2 += g * g;
      bias -= (LR * g) / Math.sqrt(gb2);
    }
    console.log(`epoch ${epoch + 1}/${EPOCHS} loss ${(loss / samples.length).toFixed(4)}`);
  }

  // Quantise to int8 (the shipped file stays small) and build the runtime model before calibrating,
  // so calibration sees exactly the scores the engine will compute.
  let maxAbs = 0;
  for (let i = 0; i < D; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
  const scale = maxAbs / 127 || 1;
  const q = Buffer.alloc(D);
  for (let i = 0; i < D; i++) q.writeInt8(Math.max(-127, Math.min(127, Math.round(w[i]! / scale))), i);
  const model: ClassifierModel = { version: 1, bits: BITS, window: WINDOW, stride: STRIDE, bias, scale, weights: q.toString('base64'), platt: { a: 1, b: 0 }, minFeatures: MIN_FEATURES, features: SPEC };
  const raw = new InjectionClassifier(model);
  const logit = (p: number): number => Math.log(Math.max(p, 1e-12) / Math.max(1 - p, 1e-12));
  const vz = valid.map((r) => ({ z: logit(raw.score(fold(r.text)).p), y: r.label === 'attack' ? 1 : 0, r }));

  // Platt scaling on the validation split: fit a, b of σ(a·z + b) by gradient descent on log loss.
  let a = 1, b = 0;
  for (let it = 0; it < 3000; it++) {
    let ga = 0, gb = 0;
    for (const { z, y } of vz) { const p = 1 / (1 + Math.exp(-(a * z + b))); ga += (p - y) * z; gb += p - y; }
    a -= (0.5 * ga) / vz.length;
    b -= (0.5 * gb) / vz.length;
  }
  // Operating point: the policy default threshold is 0.5, so shift b until at most TARGET_FPR of
  // the validation benign rows reach 0.5 (Platt alone follows the validation base rate, which
  // is not the base rate in traffic). One scalar is tuned on validation; documented in docs/detectors.md.
  const benignLogits = vz.filter((v) => v.y === 0).map((v) => a * v.z + b).sort((x, y) => x - y);
  const cut = benignLogits[Math.min(benignLogits.length - 1, Math.floor((1 - TARGET_FPR) * benignLogits.length))] ?? 0;
  if (cut > 0) b -= cut + 1e-6;
  model.platt = { a, b };
  const cal = new InjectionClassifier(model);

  const per = new Map<string, { n: number; hit: number }>();
  let tp = 0, p = 0, fp = 0, n = 0;
  for (const { r } of vz) {
    const hit = cal.score(fold(r.text)).p >= 0.5;
    const key = `${r.file} [${r.label}]`;
    const e = per.get(key) ?? { n: 0, hit: 0 };
    e.n++; if (hit) e.hit++;
    per.set(key, e);
    if (r.label === 'attack') { p++; if (hit) tp++; } else { n++; if (hit) fp++; }
  }
  const pct = (x: number, y: number): string => `${((100 * x) / Math.max(1, y)).toFixed(1)}%`;
  console.log('validation (classifier alone, p ≥ 0.5):');
  for (const [k, v] of [...per].sort()) console.log(`  ${k.padEnd(60)} ${v.hit}/${v.n} ${pct(v.hit, v.n)}`);
  console.log(`  recall ${pct(tp, p)} (${tp}/${p}), FPR ${pct(fp, n)} (${fp}/${n}); platt a=${a.toFixed(3)} b=${b.toFixed(3)}`);
  model.meta = {
    trainedAt: 'deterministic (no timestamp, so retraining reproduces the file)', seed: SEED, epochs: EPOCHS, l2: L2, lr: LR, targetFpr: TARGET_FPR, docWeight: DOC_WEIGHT, broadBenign: BROAD, hardNegatives: HARD, hardNegativeTwins: HARD_TWINS, attackTwins: TWINS, minFeatures: MIN_FEATURES,
    split: 'validation = sha256("llmfw-split-v1:" + group) < 0.2 (group = id; BIPIA attacks/PromptInject by attack) + held-out files',
    heldOutFiles: HELD_OUT_FILES, trainRows: train.length, validationRows: valid.length,
    validation: { recall: tp / Math.max(1, p), fpr: fp / Math.max(1, n) },
  };
  writeFileSync(OUT, `${JSON.stringify(model)}\n`);
  console.log(`wrote ${OUT} (${(JSON.stringify(model).length / 1024).toFixed(0)} KB) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/** Longest common prefix (or suffix) of a and b, cut back to a line boundary. */
function commonEdge(a: string, b: string, suffix: boolean): string {
  const n = Math.min(a.length, b.length);
  let k = 0;
  while (k < n && (suffix ? a[a.length - 1 - k] === b[b.length - 1 - k] : a[k] === b[k])) k++;
  const edge = suffix ? a.slice(a.length - k) : a.slice(0, k);
  const cut = suffix ? edge.indexOf('\n') : edge.lastIndexOf('\n');
  if (cut < 0) return '';
  return suffix ? edge.slice(cut + 1) : edge.slice(0, cut);
}

/** BIPIA training rows with their attack string removed, labelled benign (see main()). */
function contrastiveNegatives(train: Row[]): Row[] {
  const bipia = train.filter((r) => r.file.includes('bipia') && r.label === 'attack');
  const attacks = new Set<string>();
  const byCat = new Map<string, Row[]>();
  for (const r of bipia) {
    const parts = (r.subcategory ?? '').split('/');
    const key = `${parts[1]}/${parts[2]}`;
    const l = byCat.get(key) ?? [];
    l.push(r);
    byCat.set(key, l);
  }
  for (const [key, rows] of byCat) {
    const pos = key.split('/')[1];
    if (pos !== 'insert_start' && pos !== 'insert_end') continue;
    for (let i = 0; i < rows.length; i++) {
      for (let j = i + 1; j < Math.min(rows.length, i + 12); j++) {
        const e = commonEdge(rows[i]!.text, rows[j]!.text, pos === 'insert_end').trim();
        if (e.length >= 15 && e.length <= 1500) attacks.add(e);
      }
    }
  }
  const list = [...attacks].sort((a, b) => b.length - a.length);
  const out: Row[] = [];
  for (const r of bipia) {
    const a = list.find((x) => r.text.includes(x));
    if (!a) continue;
    const clean = r.text.split(a).join('').split('\n\n\n').join('\n\n').trim();
    if (clean.length > 40) out.push({ ...r, id: `${r.id}-clean`, text: clean, label: 'benign', category: 'benign' });
  }
  console.log(`contrastive: ${list.length} BIPIA attack strings recovered, ${out.length} clean documents added`);
  return out;
}

main();
