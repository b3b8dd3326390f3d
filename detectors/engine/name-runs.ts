/**
 * Candidate person names: runs of capitalised tokens, found by a character-class state machine
 * over the text's UTF-16 units instead of an RE2 match (node-re2 charges ~2 µs per call and per
 * match string, and a 4 KB prompt has ~70 runs; this loop reads each unit about once).
 *
 * It finds exactly what this RE2 pattern finds with leftmost-first (Perl) semantics, checked by
 * a differential test against the RE2 finder (test/unit/detectors/name-runs-diff.test.ts):
 *
 *   RUN      = TOKEN (?:[ \t]+ (?:PARTICLE [ \t]+)* TOKEN)*
 *   TOKEN    = \p{Lu}\.  |  \p{Lu}[\p{Ll}\p{M}][\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*
 *   PARTICLE = van|von|vom|zu|de|der|den|del|della|dei|di|da|du|dos|das|do|le|la|bin|ibn|al|ter|ten|y
 *
 * Why greedy = longest here: everything after each repetition can match empty, so the preferred
 * match takes every repetition that can match; a failed `[ \t]+ PARTICLE* TOKEN` step cannot be
 * rescued by giving back blanks or particles (neither a blank nor a lower-case particle starts a
 * token), so the run ends before it. Work is linear: a failed step only re-reads blanks and
 * particles, which hold no capital a later search could start at.
 *
 * Unicode classes (Lu, Ll, L, M) are ranges generated from RE2 itself (`unicode-classes.ts`, a
 * test regenerates and compares them), so they agree with RE2's Unicode version; the BMP table
 * is filled at warm-up (~10 ms with reading the ranges), astral blocks of 4096 code points on first
 * use (under a millisecond). No JS regex is involved.
 */
import { CATEGORIES, loadClassRanges } from './unicode-classes.js';
import { Utf16Scratch } from './utf16-units.js';

const LU = 1;
const LL = 2;
const LETTER = 4;
const MARK = 8;
/** Code points per lazily built class block. */
const BLOCK = 4096;

/** Surname particles (lower-case ASCII), encoded as base-27 numbers so lookups allocate nothing. */
const PARTICLES = ['van', 'von', 'vom', 'zu', 'de', 'der', 'den', 'del', 'della', 'dei', 'di', 'da', 'du', 'dos', 'das', 'do', 'le', 'la', 'bin', 'ibn', 'al', 'ter', 'ten', 'y'];
const PARTICLE_MAX = Math.max(...PARTICLES.map((p) => p.length));
const PARTICLE_CODES = new Set(PARTICLES.map((p) => { let h = 0; for (let k = 0; k < p.length; k++) h = h * 27 + (p.charCodeAt(k) - 96); return h; }));

/** Category ranges (loaded on first use) and the BMP table filled from them. */
let ranges: number[][] | undefined;
let bmp: Uint8Array | undefined;
/** Class bits of astral code points, per block of 4096, filled from the ranges on first use. */
const astral: Array<Uint8Array | undefined> = [];

/** Set `bit` in `out` for the code points of `r` (flat [start, end) ranges) inside [base, base + out.length). */
function fill(out: Uint8Array, base: number, r: number[], bit: number): void {
  const top = base + out.length;
  // First range ending after base (binary search over the ends).
  let lo = 0;
  let hi = r.length / 2;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (r[2 * mid + 1]! <= base) lo = mid + 1; else hi = mid; }
  for (let k = 2 * lo; k < r.length && r[k]! < top; k += 2) {
    for (let cp = Math.max(base, r[k]!), e = Math.min(top, r[k + 1]!); cp < e; cp++) out[cp - base]! |= bit;
  }
}

function classTable(base: number, size: number): Uint8Array {
  if (!ranges) { const all = loadClassRanges(); ranges = CATEGORIES.map((c) => all[c]); }
  const out = new Uint8Array(size);
  ranges.forEach((r, i) => fill(out, base, r, 1 << i));
  return out;
}

/** Load the category ranges and fill the BMP table now (the engine warms the name detector, so the first scan does not pay). */
export function warmNameRuns(): Uint8Array {
  return (bmp ??= classTable(0, 0x10000));
}

/** Class bits of the code point at `i` (`u` read below `to`), plus its width in units × 16. */
function at(u: Uint16Array, i: number, to: number, t: Uint8Array): number {
  const c = u[i]!;
  if (c < 0xd800 || c > 0xdfff) return t[c]! | 16;
  if (c <= 0xdbff && i + 1 < to) {
    const d = u[i + 1]!;
    if (d >= 0xdc00 && d <= 0xdfff) {
      const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
      const bi = cp >>> 12;
      const block = astral[bi] ?? (astral[bi] = classTable(bi * BLOCK, BLOCK));
      return block[cp & (BLOCK - 1)]! | 32;
    }
  }
  // A lone surrogate (U+FFFD to RE2): in no class.
  return 16;
}

/** End of the TOKEN starting at `i`, or -1. */
function token(u: Uint16Array, i: number, to: number, t: Uint8Array): number {
  if (i >= to) return -1;
  const a = at(u, i, to, t);
  if (!(a & LU)) return -1;
  let j = i + (a >> 4);
  if (j >= to) return -1;
  // The initial comes first in the alternation; the word form cannot match a '.' anyway.
  if (u[j] === 0x2e) return j + 1;
  const b = at(u, j, to, t);
  if (!(b & (LL | MARK))) return -1;
  j += b >> 4;
  for (;;) {
    while (j < to) {
      const x = at(u, j, to, t);
      if (!(x & (LETTER | MARK))) break;
      j += x >> 4;
    }
    // (?:['’-]\p{L}[\p{L}\p{M}]*)*
    if (j + 1 >= to) return j;
    const c = u[j]!;
    if (c !== 0x27 && c !== 0x2019 && c !== 0x2d) return j;
    const y = at(u, j + 1, to, t);
    if (!(y & LETTER)) return j;
    j += 1 + (y >> 4);
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** End of `PARTICLE [ \t]+` at `j`, or -1. */
function particle(u: Uint16Array, j: number, to: number): number {
  let h = 0;
  let k = j;
  while (k < to && k - j <= PARTICLE_MAX) {
    const c = u[k]!;
    if (c < 97 || c > 122) break;
    h = h * 27 + (c - 96);
    k++;
  }
  if (k === j || k >= to || !isBlank(u[k]!) || !PARTICLE_CODES.has(h)) return -1;
  while (k < to && isBlank(u[k]!)) k++;
  return k;
}

/** End of the RUN starting at `i`, or -1. */
function runAt(u: Uint16Array, i: number, to: number, t: Uint8Array): number {
  let e = token(u, i, to, t);
  if (e < 0) return -1;
  for (;;) {
    let j = e;
    if (j >= to || !isBlank(u[j]!)) return e;
    while (j < to && isBlank(u[j]!)) j++;
    for (let k = particle(u, j, to); k >= 0; k = particle(u, j, to)) j = k;
    const next = token(u, j, to, t);
    if (next < 0) return e;
    e = next;
  }
}

const scratch = new Utf16Scratch();
/** Texts are matched in windows of about this many units, as the RE2 finder matched them (a run never crosses one). */
export const NAME_RUN_WINDOW = 32 * 1024;

/**
 * The runs of capitalised tokens in `text`, one window at a time: each yield is the window's runs
 * as flat [start, end) pairs (one array, reused: read it before resuming), so a hostile text of
 * millions of runs never holds more than one window's list. Windows end at a line break or blank
 * so a name is not cut in two (looked for only within the window's second half: an unbounded
 * look-back would rescan the text before every window).
 */
export function* nameRunWindows(text: string): Generator<number[]> {
  const t = bmp ?? warmNameRuns();
  const u = scratch.of(text);
  const n = text.length;
  const out: number[] = [];
  let from = 0;
  while (from < n) {
    let to = Math.min(n, from + NAME_RUN_WINDOW);
    if (to < n) {
      for (let k = to, low = from + NAME_RUN_WINDOW / 2; k > low; k--) {
        const c = u[k]!;
        if (c === 10 || c === 32) { to = k; break; }
      }
    }
    out.length = 0;
    let i = from;
    while (i < to) {
      const c = u[i]!;
      // Only a capital starts a run: skip the rest of ASCII without a table read.
      if (c < 0x80 && (c < 65 || c > 90)) { i++; continue; }
      const e = runAt(u, i, to, t);
      if (e < 0) { i++; continue; }
      out.push(i, e);
      i = e;
    }
    yield out;
    from = to;
  }
}

/** Every run of capitalised tokens in `text`, as flat [start, end) pairs, in order (tests, bench). */
export function findNameRuns(text: string): number[] {
  const all: number[] = [];
  for (const w of nameRunWindows(text)) for (const x of w) all.push(x);
  return all;
}
