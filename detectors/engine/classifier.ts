/**
 * The learned prompt-injection classifier: logistic regression over hashed features of the folded
 * view (the shipped model: character 3- and 5-grams and word 1–2-grams in 2^17 buckets; the kinds are a model
 * field, see `FeatureSpec`), Platt-calibrated. A text's vector is the presence of each bucket,
 * L2-normalised. Long texts are scored per window (1024 chars, stride 512; the best window
 * counts), so an injection buried in a 100 KB page is not diluted away; features are extracted
 * once and each window costs its length.
 * Training lives in `eval/train.ts` and uses `featureVector` from here, so both agree exactly.
 */
import { readFileSync, existsSync } from 'node:fs';
import { Utf16Scratch } from './utf16-units.js';

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
  /**
   * Evidence of a window with fewer unique features than this is shrunk toward the prior
   * (× uniq/minFeatures): with 1/sqrt(uniq) normalisation a handful of n-grams ("Hello" has 7)
   * otherwise carries as much weight as a paragraph, and one or two unlucky buckets decided.
   */
  minFeatures?: number;
  /** Features read (absent: the first format, `LEGACY_FEATURES`). */
  features?: FeatureSpec;
  /** Provenance written by the trainer (seed, split, metrics). */
  meta?: Record<string, unknown>;
}

/** Longest folded text the classifier reads (head + tail halves beyond it). */
export const CLASSIFIER_MAX_CHARS = 128 * 1024;

const P1 = 0x01000193;
const SEED = 0x811c9dc5;

/** Features of a text: bucket of each feature and the position of its last character. */
export interface Features { buckets: Int32Array; positions: Int32Array; n: number; /** Features [0, ngrams) are char n-grams, the rest words; each part is in position order. */ ngrams: number }

/**
 * Which features a model reads: character n-grams of the listed lengths (3, 4, 5) and, when
 * `words`, word unigrams and bigrams. Models without `features` are the first format: 3-, 4-,
 * 5-grams and words, of which only the first ~8 words were kept (a buffer cap), kept as is so
 * such a file still scores as it was calibrated.
 */
export interface FeatureSpec { grams: number[]; words: boolean }
/** The first model format's features. */
export const LEGACY_FEATURES: FeatureSpec = { grams: [3, 4, 5], words: true };

/** 1 for the units that make up words (ASCII letters and digits, most non-ASCII letters), per BMP unit. */
const WORD_UNIT = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) {
  WORD_UNIT[c] = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f) && !(c >= 0xff00 && c <= 0xff0f)) ? 1 : 0;
}

/** The text's units for the extraction loop (typed reads are several times faster than charCodeAt). */
const unitScratch = new Utf16Scratch();

/** Number of character n-grams of the spec in a text of n units. */
function gramCount(n: number, spec: FeatureSpec): number {
  let k = 0;
  for (const g of spec.grams) k += Math.max(0, n - g + 1);
  return k;
}

/**
 * Every feature of `t` (already folded: lower case, collapsed whitespace): the character n-grams
 * and words `spec` asks for, hashed into 2^bits buckets. Tight loops over typed units with no
 * callbacks, one table read per unit for words: this runs over every scanned byte.
 */
export function extractFeatures(t: string, bits: number, scratch?: Features, spec: FeatureSpec = LEGACY_FEATURES): Features {
  const mask = (1 << bits) - 1;
  const n = t.length;
  const g3 = spec.grams.includes(3), g4 = spec.grams.includes(4), g5 = spec.grams.includes(5);
  const words = spec.words;
  const cap = featureCap(n, spec);
  // The runtime passes its own scratch buffers (grown, never shrunk) so a scan allocates nothing here.
  const reuse = scratch !== undefined && scratch.buckets.length >= cap;
  const buckets = reuse ? scratch.buckets : new Int32Array(cap);
  const positions = reuse ? scratch.positions : new Int32Array(cap);
  // The legacy format kept words only while all features fitted 3n + 8 slots.
  const wordRoom = spec === LEGACY_FEATURES ? 3 * n + 8 - gramCount(n, spec) : cap;
  const wt = WORD_UNIT;
  const u = unitScratch.of(t);
  let m = g3 && g5 && !g4 ? grams35(u, n, mask, buckets, positions) : gramsAny(u, n, mask, buckets, positions, g3, g4, g5);
  const ngrams = m;
  if (!words) return { buckets, positions, n: m, ngrams };
  // Word unigrams and bigrams (at most one of each per word), both at the word's last unit.
  let prev = 0;
  let hasPrev = false;
  let i = 0;
  while (i < n) {
    while (i < n && wt[u[i]!] === 0) i++;
    if (i >= n) break;
    let h = 0x9e3779b9;
    while (i < n) {
      const c = u[i]!;
      if (wt[c] === 0) break;
      h = Math.imul(h ^ c, P1);
      i++;
    }
    if (m - ngrams + 2 > wordRoom) break;
    buckets[m] = (h ^ (h >>> 16) ^ 0x1b873593) & mask; positions[m++] = i - 1;
    if (hasPrev) { const b = Math.imul(prev ^ 0x85ebca6b, P1) ^ h; buckets[m] = (b ^ (b >>> 14)) & mask; positions[m++] = i - 1; }
    prev = h;
    hasPrev = true;
  }
  return { buckets, positions, n: m, ngrams };
}

/** Character 3- and 5-grams (the shipped model), a loop of their own: per-gram flags in the loop cost 2× (V8). */
function grams35(u: Uint16Array, n: number, mask: number, buckets: Int32Array, positions: Int32Array): number {
  let m = 0;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (let i = 0; i < n; i++) {
    const c = u[i]!;
    if (i >= 2) {
      let h = Math.imul(SEED ^ c, P1);
      h = Math.imul(h ^ c0, P1);
      h = Math.imul(h ^ c1, P1);
      buckets[m] = (h ^ (h >>> 15)) & mask; positions[m++] = i;
      if (i >= 4) {
        h = Math.imul(h ^ c2, P1);
        h = Math.imul(h ^ c3, P1);
        buckets[m] = (h ^ (h >>> 11) ^ 0x27d4eb2f) & mask; positions[m++] = i;
      }
    }
    c3 = c2; c2 = c1; c1 = c0; c0 = c;
  }
  return m;
}

/** Any subset of 3-, 4-, 5-grams (other models). */
function gramsAny(u: Uint16Array, n: number, mask: number, buckets: Int32Array, positions: Int32Array, g3: boolean, g4: boolean, g5: boolean): number {
  let m = 0;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (let i = 0; i < n; i++) {
    const c = u[i]!;
    if (i >= 2) {
      // Hashed right to left so each longer gram extends the shorter one.
      let h = Math.imul(SEED ^ c, P1);
      h = Math.imul(h ^ c0, P1);
      h = Math.imul(h ^ c1, P1);
      if (g3) { buckets[m] = (h ^ (h >>> 15)) & mask; positions[m++] = i; }
      if (i >= 3) {
        h = Math.imul(h ^ c2, P1);
        if (g4) { buckets[m] = (h ^ (h >>> 13) ^ 0x5bd1e995) & mask; positions[m++] = i; }
        if (i >= 4 && g5) {
          h = Math.imul(h ^ c3, P1);
          buckets[m] = (h ^ (h >>> 11) ^ 0x27d4eb2f) & mask; positions[m++] = i;
        }
      }
    }
    c3 = c2; c2 = c1; c1 = c0; c0 = c;
  }
  return m;
}

/** Slots `extractFeatures` may fill for a text of n units: n-grams, then words (a word adds at most two and takes at least one unit plus a separator, bar the last). */
export function featureCap(n: number, spec: FeatureSpec): number {
  return spec.grams.length * n + 8 + (spec.words ? n + 2 : 0);
}

/** Callback form of `extractFeatures` (training convenience). */
export function forEachFeature(t: string, bits: number, emit: (bucket: number, pos: number) => void, spec: FeatureSpec = LEGACY_FEATURES): void {
  const f = extractFeatures(t, bits, undefined, spec);
  for (let k = 0; k < f.n; k++) emit(f.buckets[k]!, f.positions[k]!);
}

/**
 * Sparse feature vector of a whole text (training uses this): binary presence of each bucket,
 * L2-normalised (1/sqrt(unique buckets)). Presence rather than counts keeps repetitive input
 * ("hello hello hello…", 10 MB of one letter) from saturating the score.
 */
export function featureVector(t: string, bits: number, spec: FeatureSpec = LEGACY_FEATURES): Map<number, number> {
  const f = extractFeatures(t, bits, undefined, spec);
  const v = new Map<number, number>();
  for (let k = 0; k < f.n; k++) v.set(f.buckets[k]!, 1);
  const norm = 1 / Math.sqrt(Math.max(1, v.size));
  for (const k of v.keys()) v.set(k, norm);
  return v;
}

/** The feature spec of a model file. */
export function featuresOf(model: Pick<ClassifierModel, 'features'>): FeatureSpec {
  return model.features ?? LEGACY_FEATURES;
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

/** A classifier verdict: probability, the best window's span and its number of unique features. */
export interface ClassifierScore { p: number; start: number; end: number; features: number }

/** A loaded classifier. */
export class InjectionClassifier {
  /**
   * Weight and last-seen stamp of each bucket in one 32-bit word (weight int8 << 16 | stamp), so
   * the hot loop touches one cache line per feature instead of two (float table + stamp table).
   */
  readonly #table: Int32Array;
  #stamp = 0;
  /** Reused feature buffers (scoring is synchronous, so one set per instance). */
  #scratch: Features = { buckets: new Int32Array(0), positions: new Int32Array(0), n: 0, ngrams: 0 };
  readonly #spec: FeatureSpec;
  constructor(readonly model: ClassifierModel) {
    this.#spec = featuresOf(model);
    const q = Buffer.from(model.weights, 'base64');
    this.#table = new Int32Array(1 << model.bits);
    for (let i = 0; i < q.length && i < this.#table.length; i++) this.#table[i] = ((q[i]! << 24) >> 24) << 16;
  }

  /** Load from a JSON file; undefined when absent (the rules still work without it). */
  static load(path: string): InjectionClassifier | undefined {
    if (!existsSync(path)) return undefined;
    return new InjectionClassifier(JSON.parse(readFileSync(path, 'utf8')) as ClassifierModel);
  }

  /** Reserve `k` consecutive fresh stamps and return the first; clears all stamps on wrap-around. */
  #stamps(k: number): number {
    if (this.#stamp + k >= 0xffff) {
      const tb = this.#table;
      for (let i = 0; i < tb.length; i++) tb[i] = tb[i]! & ~0xffff;
      this.#stamp = 0;
    }
    const first = this.#stamp + 1;
    this.#stamp += k;
    return first;
  }

  #z(sum: number, uniq: number): number {
    const minF = this.model.minFeatures ?? 0;
    return this.model.bias + ((sum * this.model.scale) / Math.sqrt(uniq)) * (uniq < minF ? uniq / minF : 1);
  }

  /**
   * Calibrated probability of injection for the best window of folded text `t`, and that
   * window's span in `t`.
   */
  score(t: string): ClassifierScore {
    // Bounded cost on huge inputs: the head and the tail are classified, the rules cover the rest.
    if (t.length > CLASSIFIER_MAX_CHARS) {
      const half = CLASSIFIER_MAX_CHARS / 2;
      const head = this.score(t.slice(0, half));
      const tail = this.score(t.slice(t.length - half));
      const off = t.length - half;
      return tail.p > head.p ? { ...tail, start: tail.start + off, end: tail.end + off } : head;
    }
    const n = t.length;
    if (n < 3) return { p: 0, start: 0, end: n, features: 0 };
    const cap = featureCap(n, this.#spec);
    if (this.#scratch.buckets.length < cap) {
      const c = Math.max(cap, this.#scratch.buckets.length * 2);
      this.#scratch = { buckets: new Int32Array(c), positions: new Int32Array(c), n: 0, ngrams: 0 };
    }
    const f = extractFeatures(t, this.model.bits, this.#scratch, this.#spec);
    const tb = this.#table;
    const { buckets, positions } = f;
    const ng = f.ngrams;
    const nf = f.n;
    const { window, stride } = this.model;
    let best = -Infinity;
    let bs = 0;
    let be = n;
    let bu = 0;
    // Windows [k·stride, k·stride + window) while they end before n, then [n − window, n).
    // Each is scored exactly as training scores a text: unique buckets, 1/√count. When a window
    // is two strides, window k = block k ∪ block k+1 (blocks of one stride): every feature is
    // visited once, per block, recording the block's unique sum and what it shares with the
    // previous block (a bucket whose stamp is the previous block's), so window k's unique sum is
    // U(k) + U(k+1) − shared(k, k+1). Features are position-ordered within each part (n-grams, words).
    let a0 = 0;
    let a1 = ng;
    const aligned = window === 2 * stride && n > window ? Math.ceil((n - window) / stride) : 0;
    if (aligned > 0) {
      const first = this.#stamps(aligned + 1);
      let prevSum = 0, prevUniq = 0;
      for (let j = 0; j <= aligned; j++) {
        const stamp = first + j;
        const e = (j + 1) * stride;
        let sum = 0, uniq = 0, shSum = 0, shUniq = 0;
        for (; a0 < ng && positions[a0]! < e; a0++) {
          const b = buckets[a0]!;
          const v = tb[b]!;
          const st = v & 0xffff;
          if (st !== stamp) {
            const w = v >> 16;
            sum += w; uniq++;
            if (st === stamp - 1 && j > 0) { shSum += w; shUniq++; }
            tb[b] = (v & ~0xffff) | stamp;
          }
        }
        for (; a1 < nf && positions[a1]! < e; a1++) {
          const b = buckets[a1]!;
          const v = tb[b]!;
          const st = v & 0xffff;
          if (st !== stamp) {
            const w = v >> 16;
            sum += w; uniq++;
            if (st === stamp - 1 && j > 0) { shSum += w; shUniq++; }
            tb[b] = (v & ~0xffff) | stamp;
          }
        }
        if (j > 0) {
          const u = prevUniq + uniq - shUniq;
          if (u) {
            const z = this.#z(prevSum + sum - shSum, u);
            if (z > best) { best = z; bs = (j - 1) * stride; be = bs + window; bu = u; }
          }
        }
        prevSum = sum; prevUniq = uniq;
      }
    }
    // The last window (or the only one): scored directly.
    {
      const s = Math.max(0, n - window);
      const stamp = this.#stamps(1);
      let k0 = 0, k1 = ng;
      while (k0 < ng && positions[k0]! < s) k0++;
      while (k1 < nf && positions[k1]! < s) k1++;
      let sum = 0, uniq = 0;
      for (; k0 < ng; k0++) {
        const b = buckets[k0]!;
        const v = tb[b]!;
        if ((v & 0xffff) !== stamp) { tb[b] = (v & ~0xffff) | stamp; sum += v >> 16; uniq++; }
      }
      for (; k1 < nf; k1++) {
        const b = buckets[k1]!;
        const v = tb[b]!;
        if ((v & 0xffff) !== stamp) { tb[b] = (v & ~0xffff) | stamp; sum += v >> 16; uniq++; }
      }
      if (uniq) {
        const z = this.#z(sum, uniq);
        if (z > best) { best = z; bs = s; be = n; bu = uniq; }
      }
    }
    if (best === -Infinity) return { p: 0, start: 0, end: n, features: 0 };
    const p = 1 / (1 + Math.exp(-(this.model.platt.a * best + this.model.platt.b)));
    return { p, start: bs, end: be, features: bu };
  }
}
