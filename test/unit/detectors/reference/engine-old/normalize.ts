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

/** A view of a text plus the map back to the original. `null` maps mean identity. */
export interface TextView {
  text: string;
  /** Original start offset of each view unit (length = text.length), or null for identity. */
  starts: Int32Array | null;
  /** Original end offset of each view unit, or null for identity. */
  ends: Int32Array | null;
  /** Original offsets of removed invisible characters (zero-width, bidi, tags). */
  invisibles: number[];
}

/** Map a view span back to the original text. */
export function toOriginal(view: TextView, start: number, end: number): [number, number] {
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

/** The strict view: NFKC per code point, invisible characters removed. */
export function strictView(text: string): TextView {
  let i = 0;
  const len = text.length;
  // Fast path: printable ASCII and common whitespace need nothing.
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c >= 127 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) break;
  }
  // Second fast path: non-ASCII text whose every code point is its own NFKC form and visible
  // (accents, umlauts, most CJK) also maps onto itself: no copy, identity offsets.
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) { if (c < 32 && c !== 9 && c !== 10 && c !== 13) break; continue; }
    if (c >= 0xd800 && c <= 0xdfff) break;
    if (isInvisible(c) || nfkc(c) !== text[i]) break;
  }
  if (i === len) return { text, starts: null, ends: null, invisibles: [] };
  // Back to the first unit that needs work, keeping everything before it as is.
  const out = new Out(len + 16);
  for (let k = 0; k < i; k++) out.push(text.charCodeAt(k), k, k + 1);
  const invisibles: number[] = [];
  while (i < len) {
    const c = text.charCodeAt(i);
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
/** Word-unit class of each non-ASCII BMP unit, filled on first use: 0 unknown, 1 word, 2 not. */
const wordTable = new Uint8Array(65536);
/** Word units: ASCII letters/digits/$, and non-ASCII letters (cased, or confusable). */
function isWordUnit(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 36;
  let k = c <= 0xffff ? wordTable[c]! : 0;
  if (k === 0) {
    const l = lowerUnit(c);
    k = CONFUSABLES.has(c) || l !== c || String.fromCharCode(c).toUpperCase() !== String.fromCharCode(c) ? 1 : 2;
    if (c <= 0xffff) wordTable[c] = k;
  }
  return k === 1;
}

/**
 * The folded view used by injection rules. Look-alikes are folded only inside words that mix
 * scripts (genuine Russian or Greek text is left alone); leet digits only inside words with at
 * least two Latin letters and only next to a letter ("1gn0r3" folds, "base64", "4 apples" do not).
 */
export function foldedView(strict: TextView): TextView {
  if (!strict.starts) {
    const fast = foldedAscii(strict.text);
    if (fast) return fast;
  }
  const src = strict.text;
  const len = src.length;
  const ss = strict.starts;
  const se = strict.ends;
  // Folding never lengthens the text (one unit in, at most one out), so the output is
  // preallocated and written in place: this loop runs over every non-ASCII request.
  const units = new Uint16Array(len);
  const starts = new Int32Array(len);
  const ends = new Int32Array(len);
  let n = 0;
  let i = 0;
  let spaceFrom = -1;
  while (i < len) {
    const c = src.charCodeAt(i);
    if (isSpace(c)) { if (spaceFrom < 0) spaceFrom = i; i++; continue; }
    if (spaceFrom >= 0) {
      if (n) { units[n] = 32; starts[n] = ss ? ss[spaceFrom]! : spaceFrom; ends[n] = se ? se[i - 1]! : i; n++; }
      spaceFrom = -1;
    }
    if (!isWordUnit(c)) { units[n] = lowerUnit(c); starts[n] = ss ? ss[i]! : i; ends[n] = se ? se[i]! : i + 1; n++; i++; continue; }
    // One word: count scripts, then emit with the folding it qualifies for.
    let j = i;
    let latin = 0, conf = 0, other = 0, digits = 0;
    while (j < len) {
      const cj = src.charCodeAt(j);
      if (!isWordUnit(cj)) break;
      const l = lowerUnit(cj);
      if (isLatin(l)) latin++;
      else if (l >= 48 && l <= 57) digits++;
      else if (l >= 128) { if (CONFUSABLES.has(l)) conf++; else other++; }
      j++;
    }
    const foldConf = latin > 0 && conf > 0;
    const foldLeet = digits > 0 && latin + (foldConf ? conf : 0) >= 2 && other === 0;
    for (let k = i; k < j; k++) {
      let l = lowerUnit(src.charCodeAt(k));
      if (foldConf && CONFUSABLES.has(l)) l = CONFUSABLES.get(l)!;
      else if (foldLeet && l < 128 && LEET[l]) {
        const prev = k > i ? lowerUnit(src.charCodeAt(k - 1)) : 0;
        const next = k + 1 < j ? lowerUnit(src.charCodeAt(k + 1)) : 0;
        if (isLatin(prev) || isLatin(next) || CONFUSABLES.has(prev) || CONFUSABLES.has(next)) l = LEET[l]!;
      }
      units[n] = l; starts[n] = ss ? ss[k]! : k; ends[n] = se ? se[k]! : k + 1; n++;
    }
    i = j;
  }
  const text = Buffer.from(units.buffer, 0, n * 2).toString('utf16le');
  return { text, starts: starts.subarray(0, n), ends: ends.subarray(0, n), invisibles: strict.invisibles };
}

/**
 * Fast path of `foldedView` for plain ASCII text (the common case): same result, one pass over
 * char codes into preallocated arrays. Returns undefined when the text is not plain ASCII.
 */
function foldedAscii(src: string): TextView | undefined {
  const len = src.length;
  const units = new Uint16Array(len);
  const starts = new Int32Array(len);
  const ends = new Int32Array(len);
  let n = 0;
  let i = 0;
  let spaceFrom = -1;
  while (i < len) {
    const c = src.charCodeAt(i);
    if (c >= 128) return undefined;
    if (c === 32 || (c >= 9 && c <= 13)) { if (spaceFrom < 0) spaceFrom = i; i++; continue; }
    if (spaceFrom >= 0) { if (n) { units[n] = 32; starts[n] = spaceFrom; ends[n] = i; n++; } spaceFrom = -1; }
    const isWord = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 36;
    if (!isWord) { units[n] = c; starts[n] = i; ends[n] = i + 1; n++; i++; continue; }
    let j = i;
    let latin = 0, digits = 0;
    for (; j < len; j++) {
      const cj = src.charCodeAt(j);
      if ((cj >= 97 && cj <= 122) || (cj >= 65 && cj <= 90)) latin++;
      else if (cj >= 48 && cj <= 57) digits++;
      else if (cj !== 36) break;
    }
    const foldLeet = digits > 0 && latin >= 2;
    for (let k = i; k < j; k++) {
      let l = src.charCodeAt(k);
      if (l >= 65 && l <= 90) l += 32;
      else if (foldLeet && LEET[l]) {
        const p = k > i ? src.charCodeAt(k - 1) | 32 : 0;
        const q = k + 1 < j ? src.charCodeAt(k + 1) | 32 : 0;
        if ((p >= 97 && p <= 122) || (q >= 97 && q <= 122)) l = LEET[l]!;
      }
      units[n] = l; starts[n] = k; ends[n] = k + 1; n++;
    }
    i = j;
  }
  const text = Buffer.from(units.buffer, 0, n * 2).toString('utf16le');
  return { text, starts: starts.subarray(0, n), ends: ends.subarray(0, n), invisibles: [] };
}
