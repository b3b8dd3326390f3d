/**
 * The learned prompt-injection classifier: logistic regression over hashed character 3–5-grams
 * and word 1–2-grams of the folded view, Platt-calibrated. Features are hashed into 2^bits
 * buckets; a text's vector is its bucket counts divided by sqrt(feature count). That makes the
 * raw score a sum of per-position contributions, so every window of a long document is scored
 * in one linear pass (prefix sums) — an injection buried in a 100 KB page is not diluted away.
 * Training lives in `eval/train.ts` and uses `forEachFeature` from here, so both agree exactly.
 */
import { readFileSync, existsSync } from 'node:fs';

/** The shipped model file (`detectors/packs/prompt-injection/classifier.json`). */
export interface ClassifierModel {
  version: 1;
  bits: number;
  /** Window length and stride in folded-view characters. */
  window: number;
  stride: number;
  bias: number;
  /** int8 weights × scale, base64 of the dense bucket array. */
  scale: number;
  weights: string;
  /** Platt calibration fitted on the held-out validation split: p = σ(a·z + b). */
  platt: { a: number; b: number };
  /** Provenance written by the trainer (seed, split, metrics). */
  meta?: Record<string, unknown>;
}

const P1 = 0x01000193;
const SEED = 0x811c9dc5;

function isWordUnit(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f) && !(c >= 0xff00 && c <= 0xff0f));
}

/**
 * Call `emit(bucket, position)` for every feature of `t` (already folded: lower case, collapsed
 * whitespace). Position is the index of the last character of the feature.
 */
export function forEachFeature(t: string, bits: number, emit: (bucket: number, pos: number) => void): void {
  const mask = (1 << bits) - 1;
  const n = t.length;
  // Character 3-, 4-, 5-grams ending at i, hashed right to left so each longer gram extends the shorter.
  for (let i = 2; i < n; i++) {
    let h = Math.imul(SEED ^ t.charCodeAt(i), P1);
    h = Math.imul(h ^ t.charCodeAt(i - 1), P1);
    h = Math.imul(h ^ t.charCodeAt(i - 2), P1);
    emit((h ^ (h >>> 15)) & mask, i);
    if (i >= 3) {
      h = Math.imul(h ^ t.charCodeAt(i - 3), P1);
      emit((h ^ (h >>> 13) ^ 0x5bd1e995) & mask, i);
      if (i >= 4) {
        h = Math.imul(h ^ t.charCodeAt(i - 4), P1);
        emit((h ^ (h >>> 11) ^ 0x27d4eb2f) & mask, i);
      }
    }
  }
  // Word unigrams and bigrams.
  let prev = 0;
  let hasPrev = false;
  let i = 0;
  while (i < n) {
    while (i < n && !isWordUnit(t.charCodeAt(i))) i++;
    if (i >= n) break;
    let h = 0x9e3779b9;
    while (i < n && isWordUnit(t.charCodeAt(i))) { h = Math.imul(h ^ t.charCodeAt(i), P1); i++; }
    emit((h ^ (h >>> 16) ^ 0x1b873593) & mask, i - 1);
    if (hasPrev) { const b = Math.imul(prev ^ 0x85ebca6b, P1) ^ h; emit((b ^ (b >>> 14)) & mask, i - 1); }
    prev = h;
    hasPrev = true;
  }
}

/** Sparse normalised feature vector of a whole text (training uses this). */
export function featureVector(t: string, bits: number): Map<number, number> {
  const counts = new Map<number, number>();
  let total = 0;
  forEachFeature(t, bits, (b) => { counts.set(b, (counts.get(b) ?? 0) + 1); total++; });
  const norm = 1 / Math.sqrt(Math.max(1, total));
  for (const [k, v] of counts) counts.set(k, v * norm);
  return counts;
}

/** Windows [start, end) used for a text of length n. */
export function windowsOf(n: number, window: number, stride: number): Array<[number, number]> {
  if (n <= window) return [[0, n]];
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += stride) {
    const e = Math.min(n, s + window);
    out.push([Math.max(0, e - window), e]);
    if (e === n) break;
  }
  return out;
}

/** A loaded classifier. */
export class InjectionClassifier {
  readonly #w: Float32Array;
  constructor(readonly model: ClassifierModel) {
    const q = Buffer.from(model.weights, 'base64');
    this.#w = new Float32Array(1 << model.bits);
    for (let i = 0; i < q.length && i < this.#w.length; i++) this.#w[i] = ((q[i]! << 24) >> 24) * model.scale;
  }

  /** Load from a JSON file; undefined when absent (the rules still work without it). */
  static load(path: string): InjectionClassifier | undefined {
    if (!existsSync(path)) return undefined;
    return new InjectionClassifier(JSON.parse(readFileSync(path, 'utf8')) as ClassifierModel);
  }

  /**
   * Calibrated probability of injection for the best window of folded text `t`, and that
   * window's span in `t`.
   */
  score(t: string): { p: number; start: number; end: number } {
    const n = t.length;
    if (n < 3) return { p: 0, start: 0, end: n };
    const contrib = new Float64Array(n + 1);
    const count = new Uint32Array(n + 1);
    const w = this.#w;
    forEachFeature(t, this.model.bits, (b, pos) => { contrib[pos + 1]! += w[b]!; count[pos + 1]!++; });
    for (let i = 1; i <= n; i++) { contrib[i]! += contrib[i - 1]!; count[i]! += count[i - 1]!; }
    let best = -Infinity;
    let bs = 0;
    let be = n;
    for (const [s, e] of windowsOf(n, this.model.window, this.model.stride)) {
      const c = count[e]! - count[s]!;
      if (!c) continue;
      const z = this.model.bias + (contrib[e]! - contrib[s]!) / Math.sqrt(c);
      if (z > best) { best = z; bs = s; be = e; }
    }
    if (best === -Infinity) return { p: 0, start: 0, end: n };
    const p = 1 / (1 + Math.exp(-(this.model.platt.a * best + this.model.platt.b)));
    return { p, start: bs, end: be };
  }
}
