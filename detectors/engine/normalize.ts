/**
 * Normalisation with an offset map back to the original text. Two views:
 * - `strict`: NFKC per code point, zero-width / bidi / tag / variation-selector characters removed.
 *   Case and layout kept: secrets and PII are matched here.
 * - `folded`: `strict` plus lower case, Cyrillic/Greek look-alikes folded inside mixed-script
 *   words, leetspeak digits folded inside words, and whitespace runs collapsed to one space.
 *   Injection and tool-poisoning rules are written against this view.
 * Both keep, for every output UTF-16 unit, the [start, end) range of the original it came from,
 * so spans found in a view map back exactly. Built over typed arrays: this runs on every byte
 * of every request, so it is written for speed (see bench/detectors.ts).
 */
import { Utf16Scratch } from './utf16-units.js';

/** A view of a text plus the map back to the original. `null` maps mean identity. */
export interface TextView {
  text: string;
  /** Original start offset of each view unit (length = text.length), or null for identity. */
  starts: Int32Array | null;
  /** Original end offset of each view unit, or null for identity. */
  ends: Int32Array | null;
  /** Original offsets of removed invisible characters (zero-width, bidi, tags). */
  invisibles: number[];
  /**
   * The same map in compact form (folded views): `toOriginal` reads it without building
   * `starts`/`ends`, which are then materialised only when read.
   */
  compact?: CompactMap;
}

/** Map a view span back to the original text. */
export function toOriginal(view: TextView, start: number, end: number): [number, number] {
  const c = view.compact;
  if (c) {
    const n = c.n;
    if (n === 0) return [0, 0];
    if (end <= start) {
      const s = start < n ? c.start(start) : c.end(n - 1);
      return [s, s];
    }
    return [c.start(Math.min(start, n - 1)), c.end(Math.min(end, n) - 1)];
  }
  if (!view.starts || !view.ends) return [start, end];
  const n = view.starts.length;
  if (n === 0) return [0, 0];
  if (end <= start) {
    const s = start < n ? view.starts[start]! : view.ends[n - 1]!;
    return [s, s];
  }
  return [view.starts[Math.min(start, n - 1)]!, view.ends[Math.min(end, n) - 1]!];
}

/** Zero-width, bidi controls, word joiners, BOM, soft hyphen, tag characters, variation selectors. */
export function isInvisible(cp: number): boolean {
  return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064)
    || (cp >= 0x2066 && cp <= 0x206f) || cp === 0xfeff || cp === 0x00ad || cp === 0x180e || cp === 0x034f
    || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0000 && cp <= 0xe007f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/** Output buffer of UTF-16 units plus the offset map, grown by doubling. */
class Out {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  n = 0;
  constructor(cap: number) {
    const c = Math.max(16, cap);
    this.units = new Uint16Array(c);
    this.starts = new Int32Array(c);
    this.ends = new Int32Array(c);
  }
  push(u: number, s: number, e: number): void {
    if (this.n === this.units.length) this.#grow();
    this.units[this.n] = u;
    this.starts[this.n] = s;
    this.ends[this.n] = e;
    this.n++;
  }
  pushStr(str: string, s: number, e: number): void {
    for (let k = 0; k < str.length; k++) this.push(str.charCodeAt(k), s, e);
  }
  #grow(): void {
    const c = this.units.length * 2;
    const u = new Uint16Array(c); u.set(this.units); this.units = u;
    const s = new Int32Array(c); s.set(this.starts); this.starts = s;
    const e = new Int32Array(c); e.set(this.ends); this.ends = e;
  }
  view(invisibles: number[]): TextView {
    const text = Buffer.from(this.units.buffer, this.units.byteOffset, this.n * 2).toString('utf16le');
    return { text, starts: this.starts.subarray(0, this.n), ends: this.ends.subarray(0, this.n), invisibles };
  }
}

/** NFKC of single code points, memoised (normalize() per call is slow; the set of code points is small). */
const nfkcCache = new Map<number, string>();
function nfkc(cp: number): string {
  let r = nfkcCache.get(cp);
  if (r === undefined) {
    r = String.fromCodePoint(cp).normalize('NFKC');
    if (nfkcCache.size < 65536) nfkcCache.set(cp, r);
  }
  return r;
}

/**
 * Per BMP unit, for the strict view's fast path: 1 = maps onto itself (printable ASCII, tab, LF,
 * CR, or a visible non-surrogate unit that is its own NFKC form), 2 = needs the full path, 0 = not
 * computed yet.
 */
const stableTable = new Uint8Array(65536);
function classifyStable(c: number): number {
  let k: number;
  if (c < 128) k = c < 32 && c !== 9 && c !== 10 && c !== 13 ? 2 : 1;
  else if (c >= 0xd800 && c <= 0xdfff) k = 2;
  else k = isInvisible(c) || nfkc(c) !== String.fromCharCode(c) ? 2 : 1;
  stableTable[c] = k;
  return k;
}

/** The strict view's input units (one scratch per view kind: a folded view reads a strict view's text). */
const strictUnits = new Utf16Scratch();

/** The strict view: NFKC per code point, invisible characters removed. */
export function strictView(text: string): TextView {
  let i = 0;
  const len = text.length;
  // Typed reads: several times faster than charCodeAt in these per-unit loops (utf16-units.ts).
  const u = strictUnits.of(text);
  // Fast path: printable ASCII and common whitespace need nothing.
  for (; i < len; i++) {
    const c = u[i]!;
    if (c >= 127 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) break;
  }
  // Second fast path: non-ASCII text whose every code point is its own NFKC form and visible
  // (accents, umlauts, most CJK) also maps onto itself: no copy, identity offsets. One table
  // read per unit (the NFKC check is made once per BMP unit, then remembered).
  const stable = stableTable;
  for (; i < len; i++) {
    const c = u[i]!;
    let k = stable[c]!;
    if (k === 0) k = classifyStable(c);
    if (k !== 1) break;
  }
  if (i === len) return { text, starts: null, ends: null, invisibles: [] };
  // Back to the first unit that needs work, keeping everything before it as is.
  const out = new Out(len + 16);
  for (let k = 0; k < i; k++) out.push(u[k]!, k, k + 1);
  const invisibles: number[] = [];
  while (i < len) {
    const c = u[i]!;
    if (c < 128) { out.push(c, i, i + 1); i++; continue; }
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (isInvisible(cp)) invisibles.push(i);
    else out.pushStr(nfkc(cp), i, i + w);
    i += w;
  }
  return out.view(invisibles);
}

/** Cyrillic and Greek letters that look like Latin ones (Unicode confusables, the common subset). */
const CONFUSABLES = new Map<number, number>(Object.entries({
  'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
  'у': 'y', 'х': 'x', 'і': 'i', 'ї': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ɡ': 'g', 'һ': 'h',
  'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u',
  'χ': 'x', 'γ': 'y', 'ѡ': 'w', 'ı': 'i', 'ℓ': 'l',
}).map(([k, v]) => [k.charCodeAt(0), v.charCodeAt(0)]));

/** Leet digits (and $) → letters; only applied next to a Latin letter. */
const LEET = new Int32Array(128).fill(0);
for (const [k, v] of Object.entries({ '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', $: 's' })) LEET[k.charCodeAt(0)] = v.charCodeAt(0);

/** Lower case of each BMP unit, filled on first use (0 = not computed yet); typed, not a Map: hot path. */
const lowerTable = new Uint16Array(65536);
/** Lower case of one UTF-16 unit (units whose lower case is longer stay as they are). */
function lowerUnit(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c >= 0xd800 && c <= 0xdfff) return c;
  let r = lowerTable[c]!;
  if (r === 0) {
    const l = String.fromCharCode(c).toLowerCase();
    r = l.length === 1 ? l.charCodeAt(0) : c;
    lowerTable[c] = r;
  }
  return r;
}
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029;
}
function isLatin(c: number): boolean { return c >= 97 && c <= 122; }
/** Word units: ASCII letters/digits/$, and non-ASCII letters (cased, or confusable). */
function isWordUnit(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 36;
  return CONFUSABLES.has(c) || lowerUnit(c) !== c || String.fromCharCode(c).toUpperCase() !== String.fromCharCode(c);
}

// Class bits of one UTF-16 unit for the folded view, so its loop does one table read per unit
// instead of several predicate calls and Map lookups. Bits describe the unit's lower case `l`.
const C_KNOWN = 1;
const C_SPACE = 2;
const C_WORD = 4;
/** `l` is a..z. */
const C_LATIN = 8;
/** `l` is 0..9. */
const C_DIGIT = 16;
/** `l` is a Cyrillic/Greek look-alike (a CONFUSABLES key). */
const C_CONF = 32;
/** `l` is another non-ASCII unit. */
const C_OTHER = 64;
/** `l` is ASCII with a leet replacement (digits 0 1 3 4 5 7 and `$`). */
const C_LEET = 128;
/** Class of each BMP unit (0 = not computed yet), and the unit the folded view writes for it. */
const classTable = new Uint8Array(65536);
/** Folded unit: the lower case, or the Latin letter of a look-alike (used only when the word folds). */
const confTable = new Uint16Array(65536);

/** Compute (once) the class of unit `c` from the same predicates the view is defined by. */
function classify(c: number): number {
  const l = lowerUnit(c);
  let k = C_KNOWN;
  if (isSpace(c)) k |= C_SPACE;
  if (isWordUnit(c)) k |= C_WORD;
  if (isLatin(l)) k |= C_LATIN;
  else if (l >= 48 && l <= 57) k |= C_DIGIT;
  else if (l >= 128) k |= CONFUSABLES.has(l) ? C_CONF : C_OTHER;
  if (l < 128 && LEET[l]) k |= C_LEET;
  classTable[c] = k;
  lowerTable[c] = l;
  confTable[c] = CONFUSABLES.get(l) ?? l;
  return k;
}
for (let c = 0; c < 128; c++) classify(c);

/** The folded view's input units (typed reads, see utf16-units.ts). */
const foldedUnits = new Utf16Scratch();
/** Reused output buffer of the folded view's units (scans are synchronous). */
let unitScratch = new Uint16Array(4096);

/**
 * The folded view used by injection rules. Look-alikes are folded only inside words that mix
 * scripts (genuine Russian or Greek text is left alone); leet digits only inside words with at
 * least two Latin letters and only next to a letter ("1gn0r3" folds, "base64", "4 apples" do not).
 * One pass driven by a per-unit class table (no Map lookups or case conversions per unit).
 */
export function foldedView(strict: TextView): TextView {
  const src = strict.text;
  const len = src.length;
  const su = foldedUnits.of(src);
  const ss = strict.starts;
  const se = strict.ends;
  // Folding never lengthens the text (one unit in, at most one out), so every buffer is sized len.
  if (unitScratch.length < len) unitScratch = new Uint16Array(Math.max(len, unitScratch.length * 2));
  const units = unitScratch;
  const cls = classTable;
  const lowers = lowerTable;
  const map = new CompactMapBuilder();
  // Output unit n comes from strict unit n + delta while units are kept one to one; -1 = unknown
  // (start, or right after a collapsed run): the next kept unit records a new shift.
  let delta = -1;
  let wide = false;
  let n = 0;
  let i = 0;
  let spaceFrom = -1;
  while (i < len) {
    let c = su[i]!;
    let k = cls[c]!;
    if (k === 0) k = classify(c);
    if (k & C_SPACE) { if (spaceFrom < 0) spaceFrom = i; i++; continue; }
    if (spaceFrom >= 0) {
      if (n) {
        units[n] = 32;
        // A single whitespace unit maps one to one; a run maps to its whole span.
        if (i === spaceFrom + 1) { if (spaceFrom - n !== delta) { delta = spaceFrom - n; map.shift(n, delta); } }
        else { map.space(n, spaceFrom, i); delta = -1; }
        n++;
      }
      spaceFrom = -1;
    }
    if (!(k & C_WORD)) {
      const l = lowers[c]!;
      if (l > 255) wide = true;
      units[n] = l;
      if (i - n !== delta) { delta = i - n; map.shift(n, delta); }
      n++; i++; continue;
    }
    // One word: emitted lower-cased while its scripts are counted; rewritten in place (same
    // length, same map) when it qualifies for look-alike or leet folding.
    const i0 = i;
    const n0 = n;
    if (i - n !== delta) { delta = i - n; map.shift(n, delta); }
    let latin = 0, conf = 0, other = 0, digits = 0;
    for (;;) {
      const l = lowers[c]!;
      if (l > 255) wide = true;
      units[n] = l;
      n++;
      if (k & C_LATIN) latin++;
      else if (k & C_DIGIT) digits++;
      else if (k & C_CONF) conf++;
      else if (k & C_OTHER) other++;
      if (++i >= len) break;
      c = su[i]!;
      k = cls[c]!;
      if (k === 0) k = classify(c);
      if (!(k & C_WORD)) break;
    }
    if (digits === 0 && conf === 0) continue;
    const foldConf = latin > 0 && conf > 0;
    const foldLeet = digits > 0 && latin + (foldConf ? conf : 0) >= 2 && other === 0;
    if (!foldConf && !foldLeet) continue;
    for (let q = i0; q < i; q++) {
      const cq = su[q]!;
      const kq = cls[cq]!;
      if (foldConf && kq & C_CONF) units[n0 + q - i0] = confTable[cq]!;
      else if (foldLeet && kq & C_LEET) {
        const prev = q > i0 ? cls[su[q - 1]!]! : 0;
        const next = q + 1 < i ? cls[su[q + 1]!]! : 0;
        if ((prev | next) & (C_LATIN | C_CONF)) units[n0 + q - i0] = LEET[lowers[cq]!]!;
      }
    }
  }
  const text = unitsToString(units, n, wide);
  // Every unit kept one to one (no whitespace run collapsed or dropped) over an identity strict
  // view: the map is the identity, and null says so without keeping two arrays alive.
  if (!ss && n === len) return { text, starts: null, ends: null, invisibles: strict.invisibles };
  return lazyView(text, map.build(n, ss, se), strict.invisibles);
}

/** A view whose `starts`/`ends` are built from the compact map on first read (most scans never read them). */
function lazyView(text: string, compact: CompactMap, invisibles: number[]): TextView {
  let maps: [Int32Array, Int32Array] | undefined;
  return {
    text, invisibles, compact,
    get starts() { return (maps ??= compact.materialise())[0]; },
    get ends() { return (maps ??= compact.materialise())[1]; },
  };
}

/** Growable Int32 list. */
class IntList {
  a = new Int32Array(8);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) { const b = new Int32Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = x;
  }
}

/** Collects the folded view's map as events while the view is written. */
class CompactMapBuilder {
  readonly shiftAt = new IntList();
  readonly shiftDelta = new IntList();
  readonly spaceAt = new IntList();
  readonly spaceFrom = new IntList();
  readonly spaceTo = new IntList();
  /** From output unit `at` on, unit k comes from strict unit k + delta. */
  shift(at: number, delta: number): void { this.shiftAt.push(at); this.shiftDelta.push(delta); }
  /** Output unit `at` is one space standing for strict units [from, to). */
  space(at: number, from: number, to: number): void { this.spaceAt.push(at); this.spaceFrom.push(from); this.spaceTo.push(to); }
  build(n: number, ss: Int32Array | null, se: Int32Array | null): CompactMap {
    return new CompactMap(n, this, ss, se);
  }
}

/**
 * The folded view's map as shifts (runs of units kept one to one) and collapsed whitespace runs,
 * composed with the strict view's map. Equal to the explicit map unit by unit (normalize-diff).
 */
export class CompactMap {
  readonly #shiftAt: Int32Array;
  readonly #shiftDelta: Int32Array;
  readonly #nShift: number;
  readonly #spaceAt: Int32Array;
  readonly #spaceFrom: Int32Array;
  readonly #spaceTo: Int32Array;
  readonly #nSpace: number;

  constructor(readonly n: number, b: CompactMapBuilder, readonly ss: Int32Array | null, readonly se: Int32Array | null) {
    this.#shiftAt = b.shiftAt.a; this.#shiftDelta = b.shiftDelta.a; this.#nShift = b.shiftAt.n;
    this.#spaceAt = b.spaceAt.a; this.#spaceFrom = b.spaceFrom.a; this.#spaceTo = b.spaceTo.a; this.#nSpace = b.spaceAt.n;
  }

  /** Index of the collapsed run at output unit k, or -1. */
  #space(k: number): number {
    let lo = 0, hi = this.#nSpace - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.#spaceAt[mid]!;
      if (v === k) return mid;
      if (v < k) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /** Strict unit of output unit k (not a collapsed run): the last shift at or before k. */
  #strictUnit(k: number): number {
    let lo = 0, hi = this.#nShift - 1, best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.#shiftAt[mid]! <= k) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return k + this.#shiftDelta[best]!;
  }

  /** Original start offset of output unit k. */
  start(k: number): number {
    const r = this.#space(k);
    const x = r >= 0 ? this.#spaceFrom[r]! : this.#strictUnit(k);
    return this.ss ? this.ss[x]! : x;
  }

  /** Original end offset of output unit k. */
  end(k: number): number {
    const r = this.#space(k);
    if (r >= 0) { const last = this.#spaceTo[r]! - 1; return this.se ? this.se[last]! : last + 1; }
    const x = this.#strictUnit(k);
    return this.se ? this.se[x]! : x + 1;
  }

  /** The explicit per-unit maps. */
  materialise(): [Int32Array, Int32Array] {
    const { n, ss, se } = this;
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    let si = 0;
    let pi = 0;
    for (let k = 0; k < n; k++) {
      if (pi < this.#nSpace && this.#spaceAt[pi] === k) {
        const from = this.#spaceFrom[pi]!;
        const last = this.#spaceTo[pi]! - 1;
        starts[k] = ss ? ss[from]! : from;
        ends[k] = se ? se[last]! : last + 1;
        pi++;
        continue;
      }
      while (si + 1 < this.#nShift && this.#shiftAt[si + 1]! <= k) si++;
      const x = k + this.#shiftDelta[si]!;
      starts[k] = ss ? ss[x]! : x;
      ends[k] = se ? se[x]! : x + 1;
    }
    return [starts, ends];
  }
}

/** Latin-1 scratch for one-byte output (V8 keeps such strings one byte wide: cheaper to match and hash). */
let byteScratch = new Uint8Array(4096);

/** The first `n` units as a string; one-byte when every unit is below 256. */
function unitsToString(units: Uint16Array, n: number, wide: boolean): string {
  if (wide) return Buffer.from(units.buffer, units.byteOffset, n * 2).toString('utf16le');
  if (byteScratch.length < n) byteScratch = new Uint8Array(Math.max(n, byteScratch.length * 2));
  const b = byteScratch;
  for (let k = 0; k < n; k++) b[k] = units[k]!;
  return Buffer.from(b.buffer, b.byteOffset, n).toString('latin1');
}
