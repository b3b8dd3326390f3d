/**
 * The one place that builds regular expressions. Every pattern that touches request or response
 * content is compiled here with RE2 (linear time, no backtracking), so a hostile input cannot make
 * a rule explode (ReDoS). RE2 has no lookahead and no backreferences: rules are written within
 * those limits, and a pattern RE2 rejects is a load error naming the rule.
 */
import RE2 from 're2';

/** A compiled RE2 pattern (global, so `matchAll` can walk every match). */
export type Re2Pattern = InstanceType<typeof RE2>;
/** A compiled RE2.Set: one pass reports which of many patterns match. */
export type Re2Set = ReturnType<typeof RE2.Set>;

/** Thrown when a rule's pattern is not valid RE2; the message names the rule. */
export class RuleLoadError extends Error {
  constructor(readonly ruleId: string, detail: string) {
    super(`rule ${ruleId}: ${detail}`);
    this.name = 'RuleLoadError';
  }
}

/**
 * Compile one rule pattern. `flags` may contain `i` (case-insensitive); `u` and `g` are always set.
 * @throws RuleLoadError naming `ruleId` when RE2 rejects the pattern.
 */
export function compilePattern(ruleId: string, source: string, flags = ''): Re2Pattern {
  try {
    return new RE2(source, `gu${flags.includes('i') ? 'i' : ''}`);
  } catch (err) {
    throw new RuleLoadError(ruleId, `invalid RE2 pattern: ${(err as Error).message}`);
  }
}

/**
 * Compile a set of patterns for one pass over a text. Case-insensitive patterns should carry an
 * inline `(?i)` so one set can mix both.
 */
export function compileSet(ruleIds: string[], sources: string[]): Re2Set {
  try {
    return new RE2.Set(sources, 'u');
  } catch (err) {
    // RE2.Set reports no index: find the culprit so the message names it.
    for (let i = 0; i < sources.length; i++) compilePattern(ruleIds[i] ?? `#${i}`, sources[i] ?? '');
    throw new RuleLoadError(ruleIds.join(','), `invalid RE2 set: ${(err as Error).message}`);
  }
}

/** Escape a literal (a rule keyword) for use inside an RE2 pattern. */
export function escapeLiteral(s: string): string {
  let out = '';
  for (const ch of s) out += '\\^$.|?*+()[]{}-/'.includes(ch) ? `\\${ch}` : ch;
  return out;
}

/** One match: UTF-16 offsets into the scanned string and the capture groups. */
export interface Re2Match {
  start: number;
  end: number;
  groups: Array<string | undefined>;
  /** Start offset of each capture group (-1 when the group did not take part). */
  groupStarts: number[];
}

/**
 * UTF-8 form of a text being matched, shared by every Set and rule run over it (node-re2 would
 * convert the string on every call). The byte → UTF-16 offset map is built only when a match
 * needs an offset mapped, and only for non-ASCII text (for ASCII, bytes are UTF-16 units).
 */
export interface Encoded {
  text: string;
  buf: Buffer;
  /** byte offset → UTF-16 offset; null when ASCII (identical) or not built yet (see `offsetMap`). */
  map: Int32Array | null;
}

/**
 * The last few texts encoded: one scan matches its strict view, its folded view and decoded
 * segments in turn, so a single-entry cache would re-encode each view several times per scan.
 */
const encodeCache: Encoded[] = [];
const ENCODE_CACHE_SIZE = 4;
/** Bytes the cache may hold beyond its newest entry (a 10 MB input must not be kept four times). */
const ENCODE_CACHE_BYTES = 8 * 1024 * 1024;

/** Drop the cached buffers (the engine calls this after each scan so no request text lingers). */
export function clearEncodeCache(): void {
  encodeCache.length = 0;
}

/** The UTF-8 bytes of `text` (cached for the last few texts). */
export function encode(text: string): Encoded {
  for (let k = 0; k < encodeCache.length; k++) {
    const e = encodeCache[k]!;
    if (e.text === text) return e;
  }
  const e: Encoded = { text, buf: Buffer.from(text, 'utf8'), map: null };
  if (encodeCache.length >= ENCODE_CACHE_SIZE) encodeCache.shift();
  let bytes = 0;
  for (const old of encodeCache) bytes += old.buf.length * (old.map ? 5 : 1);
  while (encodeCache.length && bytes + e.buf.length > ENCODE_CACHE_BYTES) {
    const old = encodeCache.shift()!;
    bytes -= old.buf.length * (old.map ? 5 : 1);
  }
  encodeCache.push(e);
  return e;
}

/** The byte → UTF-16 offset map of an encoded text; null when the text is ASCII (identity). */
function offsetMap(e: Encoded): Int32Array | null {
  if (e.map || e.buf.length === e.text.length) return e.map;
  const { text, buf } = e;
  const map = new Int32Array(buf.length + 1);
  let b = 0;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) { map[b++] = i; continue; }
    if (c < 0x800) { map[b] = i; map[b + 1] = i; b += 2; continue; }
    map[b] = i; map[b + 1] = i; map[b + 2] = i;
    if (c >= 0xd800 && c <= 0xdbff) {
      // A high surrogate is taken as a pair: 4 bytes, and the low surrogate is skipped.
      map[b + 3] = i; b += 4; i++;
    } else b += 3;
  }
  map[buf.length] = text.length;
  e.map = map;
  return map;
}

/** Indices of the Set's patterns that match `text` (matched as the cached UTF-8 Buffer). */
export function setMatch(set: Re2Set, text: string): number[] {
  return set.match(encode(text).buf as unknown as string);
}

/**
 * Every non-overlapping match of `re` in `text`, at most `limit` of them (bounded work on
 * hostile input). The text is matched as one shared UTF-8 Buffer (converting the string on
 * every exec would make many matches quadratic); offsets are mapped back to UTF-16. node-re2
 * reports no group offsets, so a group's offset is its last occurrence inside the match: exact
 * for the way our rules use groups (the secret value comes last).
 */
export function matchAll(re: Re2Pattern, text: string, limit = 256): Re2Match[] {
  const enc = encode(text);
  const buf = enc.buf;
  let toUnits: Utf16Offsets | null = null;
  const out: Re2Match[] = [];
  const r = re as unknown as { lastIndex: number; exec(b: Buffer): (Buffer[] & { index: number }) | null };
  r.lastIndex = 0;
  while (out.length < limit) {
    const m = r.exec(buf);
    if (!m) break;
    toUnits ??= utf16Offsets(enc);
    const whole = m[0]!;
    const bStart = m.index;
    const bEnd = bStart + whole.length;
    // Queried in ascending byte order (start, groups from the start, end): the walk never rewinds.
    const start = toUnits.at(bStart);
    const groups: Array<string | undefined> = [];
    const groupStarts: number[] = [];
    for (let g = 1; g < m.length; g++) {
      const gv = m[g];
      if (gv === undefined || gv === null) { groups.push(undefined); groupStarts.push(-1); continue; }
      groups.push(gv.toString('utf8'));
      const pos = gv.length ? whole.lastIndexOf(gv) : -1;
      groupStarts.push(pos < 0 ? -1 : toUnits.from(bStart, start, bStart + pos));
    }
    out.push({ start, end: toUnits.at(bEnd), groups, groupStarts });
    if (whole.length === 0) r.lastIndex = bEnd + 1;
  }
  r.lastIndex = 0;
  return out;
}

/** Byte offset → UTF-16 offset for the matches of one `matchAll` call. */
interface Utf16Offsets {
  /** Offset of byte `b`; calls should ascend (a smaller `b` than the last restarts the walk). */
  at(b: number): number;
  /** Offset of byte `b` >= `b0`, whose offset `u0` is known (no effect on the `at` walk). */
  from(b0: number, u0: number, b: number): number;
}

const REPLACEMENT_UTF8 = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Offsets for one encoded text. ASCII: identity. Text whose UTF-8 holds no U+FFFD (so no lone
 * surrogates): a walk over the bytes that counts UTF-16 units (one per lead byte, two for a
 * 4-byte sequence) up to each queried offset — at most as far as the last match, where the full
 * map costs a pass over the whole text (256 matches in the first 100 KB of a 4 MB text). A byte
 * inside a sequence maps to its character, as the map does. Otherwise the full byte map (it
 * defines what lone surrogates map to).
 */
function utf16Offsets(e: Encoded): Utf16Offsets {
  const { buf } = e;
  if (buf.length === e.text.length) return { at: (b) => b, from: (_b0, _u0, b) => b };
  if (e.map || buf.includes(REPLACEMENT_UTF8)) {
    const map = offsetMap(e)!;
    return { at: (b) => map[b]!, from: (_b0, _u0, b) => map[b]! };
  }
  const n = buf.length;
  /** Units of the characters that start in [from, to), `to` first moved back to a lead byte. */
  const walk = (from: number, to: number): number => {
    while (to > from && to < n && (buf[to]! & 0xc0) === 0x80) to--;
    let u = 0;
    for (let k = from; k < to; k++) {
      const x = buf[k]!;
      if ((x & 0xc0) !== 0x80) u += x >= 0xf0 ? 2 : 1;
    }
    return u;
  };
  let cb = 0;
  let cu = 0;
  return {
    at(b) {
      if (b < cb) { cb = 0; cu = 0; }
      let to = b;
      while (to > cb && to < n && (buf[to]! & 0xc0) === 0x80) to--;
      cu += walk(cb, to);
      cb = to;
      return cu;
    },
    from: (b0, u0, b) => u0 + walk(b0, b),
  };
}
