/**
 * What a rule contributes to its pack's RE2.Set. The Set only decides which rules run; every
 * rule that it reports re-runs its full pattern for spans (pack.ts), so a Set entry may be any
 * NECESSARY condition of the pattern — a pattern can only match where its Set entry matches.
 *
 * A pattern that begins with a counted run of a character class (`[A-Za-z0-9]{32}-us\d`,
 * `[a-z0-9_.-]{0,30}(?:password|…)`, an e-mail's `[A-Za-z0-9._%+-]{0,63}@`) is cheap alone but
 * ruinous in a Set: RE2 runs the Set as one DFA whose states must count every such run at once,
 * and on text made of those characters (base64, hex, long identifiers) the states multiply until
 * the DFA cache thrashes. Measured on 100 KB of random base64: the secrets pack's pattern Set
 * took 0.3 s with such patterns and about 3 ms without them. Dropping the leading run keeps the entry
 * a necessary condition (whatever follows the run must match right after it) and removes the
 * counter: `-us\d{1,2}\b`, `(?:password|…)…`, `@[A-Za-z0-9-]+…`.
 *
 * Only rule sources (our packs, the policy's custom rules) are read here, never untrusted text.
 */

/** A leading run is dropped only when it counts this far (or without bound). */
const LONG_RUN = 8;

/** Counted repetitions in a Set entry keep at most this minimum (and lose their upper bound). */
const KEEP_MIN = 3;

/**
 * The Set entry for `source`: the pattern without a long leading class run, and (with `relax`)
 * with every long count relaxed (`{50,120}` → `{3,}`, `{0,30}` → `{0,}`). A relaxed count accepts everything the
 * original did, so the entry stays a necessary condition, and the DFA no longer counts far. A
 * run that IS the pattern (a bare 50–120-character base64 line) cannot be dropped; relaxing it
 * is what keeps such a rule from multiplying the Set's states on base64 split into lines (1 MB
 * through all detectors: 2.5 s → 0.8 s). A relaxed entry also hits more often, so the pack
 * relaxes only rules that have no keywords to gate them (relaxing all cost ~10 µs per 4 KB).
 */
export function setSource(source: string, relax = true): string {
  return relax ? relaxCounts(dropLeadingRun(source)) : dropLeadingRun(source);
}

/** `{m,n}` quantifiers with m or n of at least {@link LONG_RUN} become `{min(m, KEEP_MIN),}`. */
export function relaxCounts(source: string): string {
  let out = '';
  let last = 0;
  for (let j = 0; j < source.length;) {
    const c = source[j];
    if (c === '\\' || c === '[') {
      // Escapes (braced ones like \x{00C0} and \p{Greek} included) and classes hold no quantifier.
      const e = tokenEnd(source, j);
      if (e === undefined) return source;
      j = e;
      continue;
    }
    const q = c === '{' ? quantifier(source, j) : undefined;
    if (!q?.braceEnd) { j++; continue; } // not a quantifier, or a literal brace
    if (q.min >= LONG_RUN || q.max >= LONG_RUN) {
      out += `${source.slice(last, j)}{${Math.min(q.min, KEEP_MIN)},}`;
      last = q.braceEnd;
    }
    j = q.braceEnd;
  }
  return last === 0 ? source : out + source.slice(last);
}

/** The pattern without a long leading class run (see the file header), or `source` itself. */
function dropLeadingRun(source: string): string {
  let i = 0;
  let flags = '';
  if (source.startsWith('(?')) {
    // A leading flag group such as (?i) or (?im) stays in front of whatever remains.
    let k = 2;
    while (k < source.length && isLetter(source.charCodeAt(k))) k++;
    if (k > 2 && source[k] === ')') { flags = source.slice(0, k + 1); i = k + 1; }
  }
  if (hasTopLevelAlternation(source, i)) return source;
  let long = false;
  let end = i;
  while (end < source.length) {
    const atom = leadingAtom(source, end);
    if (atom === undefined) break;
    const q = quantifier(source, atom);
    if (q.max >= LONG_RUN) long = true;
    end = q.end;
  }
  if (!long || end >= source.length) return source;
  const rest = source.slice(end);
  // The remainder must still demand something: a lone `.`-style or quantified start would match
  // almost anywhere and gains nothing.
  if (rest.startsWith('.') || rest.startsWith('*') || rest.startsWith('+') || rest.startsWith('?') || rest.startsWith('{')) return source;
  return flags + rest;
}

/** End index of a class-like atom starting at `i` (`\b`, `^`, `[…]`, `\w`/`\d`/`\s`…, or a group of those alternated), else undefined. */
function leadingAtom(s: string, i: number): number | undefined {
  const c = s[i];
  if (c === '^') return i + 1;
  if (c === '\\') {
    const n = s[i + 1];
    return n !== undefined && 'bBwWdDsS'.includes(n) ? i + 2 : undefined;
  }
  if (c === '[') return classEnd(s, i);
  if (s.startsWith('(?:', i)) {
    // A boundary group such as (?:^|[^a-z0-9]) or (?:\b|_): alternatives made of class-like atoms only.
    const close = groupEnd(s, i);
    if (close === undefined) return undefined;
    let j = i + 3;
    while (j < close) {
      if (s[j] === '|') { j++; continue; }
      const a = leadingAtom(s, j);
      if (a === undefined || a > close) return undefined;
      j = quantifier(s, a).end;
    }
    return close + 1;
  }
  return undefined;
}

/**
 * The quantifier after an atom ending at `i`: its smallest and largest count (Infinity when
 * unbounded), its end (a lazy `?` included) and, for a `{m,n}` form, the index past its `}`.
 */
function quantifier(s: string, i: number): { min: number; max: number; end: number; braceEnd?: number } {
  const c = s[i];
  let min = 1;
  let max = 1;
  let end = i;
  let braceEnd: number | undefined;
  if (c === '*' || c === '+') { min = c === '*' ? 0 : 1; max = Infinity; end = i + 1; } else if (c === '?') { min = 0; end = i + 1; } else if (c === '{') {
    const close = s.indexOf('}', i);
    const body = close > i ? s.slice(i + 1, close) : '';
    const comma = body.indexOf(',');
    const lo = comma < 0 ? body : body.slice(0, comma);
    const hi = comma < 0 ? lo : body.slice(comma + 1);
    if (isDigits(lo) && (hi === '' || isDigits(hi))) { min = Number(lo); max = hi === '' ? Infinity : Number(hi); end = braceEnd = close + 1; }
  }
  if (s[end] === '?' && end > i) end++; // lazy
  return { min, max, end, braceEnd };
}

/** Index just past the `]` closing the class opened at `i`. */
function classEnd(s: string, i: number): number | undefined {
  let j = i + 1;
  if (s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) {
    if (s[j] === '\\') { j++; continue; }
    if (s[j] === '[' && s[j + 1] === ':') { const k = s.indexOf(':]', j + 2); if (k < 0) return undefined; j = k + 1; continue; }
    if (s[j] === ']') return j + 1;
  }
  return undefined;
}

/**
 * Index just past the escape (`\\d`, or braced: `\\x{00C0}`, `\\p{Greek}`) or class (`[…]`)
 * starting at `j`, `j + 1` for any other character; undefined for an unterminated class.
 */
function tokenEnd(s: string, j: number): number | undefined {
  const c = s[j];
  if (c === '[') return classEnd(s, j);
  if (c !== '\\') return j + 1;
  const n = s[j + 1];
  if ((n === 'x' || n === 'p' || n === 'P') && s[j + 2] === '{') {
    const k = s.indexOf('}', j + 3);
    if (k > 0) return k + 1;
  }
  return j + 2;
}

/** Index of the `)` closing the group opened at `i`. */
function groupEnd(s: string, i: number): number | undefined {
  let depth = 0;
  for (let j = i; j < s.length;) {
    const c = s[j];
    const next = tokenEnd(s, j);
    if (next === undefined) return undefined;
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
    j = next;
  }
  return undefined;
}

/** Does the pattern have a `|` outside every group and class (then no prefix is common to all of it)? */
function hasTopLevelAlternation(s: string, from: number): boolean {
  let depth = 0;
  for (let j = from; j < s.length;) {
    const c = s[j];
    const next = tokenEnd(s, j);
    if (next === undefined) return true;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
    j = next;
  }
  return false;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigits(t: string): boolean {
  if (!t.length) return false;
  for (let k = 0; k < t.length; k++) { const c = t.charCodeAt(k); if (c < 0x30 || c > 0x39) return false; }
  return true;
}
