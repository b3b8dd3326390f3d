/**
 * A compiled rule pack: one RE2.Set over every pattern of the pack (one pass says which rules
 * match), a keyword prefilter in front of it (a rule whose keywords are absent costs nothing),
 * and per-rule patterns that re-run only for the rules that hit, to get spans.
 */
import { compilePattern, compileSet, encode, escapeLiteral, matchAll, setMatch, type Re2Pattern, type Re2Set } from './re2-seam.js';
import type { RuleSpec } from './rule-file.js';
import { VALIDATORS, isPlaceholder, shannonEntropy } from './validators.js';
import { setSource } from './set-source.js';

/** A raw hit in the scanned (view) text, before mapping to the original. */
export interface RawHit {
  rule: RuleSpec;
  start: number;
  end: number;
  score: number;
}

interface CompiledRule {
  spec: RuleSpec;
  patterns: Re2Pattern[];
}

/** Options of a compiled pack. */
export interface PackOptions {
  /** Drop values that look like placeholders (`sk-xxxx`, `<YOUR_KEY>`); for secrets. */
  placeholderCheck?: boolean;
  /**
   * Keep rules whose keywords are all non-ASCII (`пароль`, `密码`) out of the
   * pack's Sets (and so out of any `PackUnion`) and run them through a small Set of their own,
   * only on texts that contain a UTF-8 lead byte of one of their keywords' non-ASCII letters. Why: one such literal in the secrets Set
   * made it ~50× slower on base64-heavy text; ASCII-only texts now pay nothing for those rules.
   */
  nonAsciiApart?: boolean;
  /**
   * Match over a copy of the text in which terminal escape sequences (`ESC[93m`, also written
   * out as `\x1b[`, `\033[`, `\e[`, `\u001b[`) are blanked to spaces of the same length, so
   * they act as boundaries (`ESC[93msk-…`: the `m` no longer glues to the token) and spans
   * stay where they were.
   */
  ansiBoundaries?: boolean;
}

/** Which of a pack's Set entries matched a text: keyword indices and pattern indices (ascending). */
export interface SetHits {
  keywords: number[];
  patterns: number[];
}

/** A pack ready to run. */
/** Patterns per RE2.Set part of one pack (see CompiledPack's pattern Set). */
const SET_PART = 128;

export class CompiledPack {
  readonly rules: readonly CompiledRule[];
  /**
   * The pattern Set, in parts of at most {@link SET_PART} patterns (each with the index of its
   * first pattern). One Set of the secrets pack's ~230 patterns cost 0.1–0.27 s per MB of fresh
   * random short words (its DFA states outgrow RE2's cache); two halves 30–120 ms, for ~6 µs more
   * per 4 KB of prose.
   */
  readonly #set: Array<{ set: Re2Set; first: number }> | undefined;
  /** Set pattern index → rule index. */
  readonly #setOwner: number[];
  /** Set pattern index → the compiled pattern (rule order, then pattern order). */
  readonly #setPattern: Re2Pattern[];
  readonly #alwaysOn: boolean[];
  /** One RE2.Set over every keyword of the pack (case-insensitive): one pass finds the candidate rules. */
  readonly #keywordSet: Re2Set | undefined;
  /** Keyword index → rule indices. */
  readonly #keywordRules: number[][];
  /** Set sources (patterns, then keywords) and their ids, for a `PackUnion` over several packs. */
  readonly patternSources: readonly string[];
  readonly patternIds: readonly string[];
  readonly keywordSources: readonly string[];
  /** Rules kept apart (`nonAsciiApart`): their own Set, run only on texts with non-ASCII characters. */
  readonly #wide: { set: Re2Set; leads: number[]; owner: number[]; pattern: Re2Pattern[] } | undefined;

  constructor(readonly name: string, specs: RuleSpec[], readonly options: PackOptions = {}) {
    this.rules = specs.map((spec) => ({ spec, patterns: spec.patterns.map((p) => compilePattern(spec.id, p, spec.flags)) }));
    // Only a rule whose every keyword is non-ASCII can be kept apart: the keyword prefilter
    // guarantees it never fires on ASCII text (a rule with an optional `“` in a pattern can).
    const apart = this.rules.map((r) => !!options.nonAsciiApart && r.spec.keywords.length > 0 && r.spec.keywords.every(hasNonAscii));
    const ids: string[] = [];
    const sources: string[] = [];
    this.#setOwner = [];
    this.#setPattern = [];
    const wide = { ids: [] as string[], sources: [] as string[], owner: [] as number[], pattern: [] as Re2Pattern[] };
    this.rules.forEach((r, i) => r.spec.patterns.forEach((p, k) => {
      // The Set decides only which rules re-run their full pattern: see set-source.ts. Counts are
      // relaxed only for rules without keywords (always candidates, such as a bare base64 key
      // line): a relaxed entry hits more often, and keyword rules then re-run for nothing.
      const entry = setSource(p, r.spec.keywords.length === 0);
      const src = r.spec.flags.includes('i') ? `(?i:${entry})` : entry;
      if (apart[i]) {
        wide.ids.push(r.spec.id); wide.sources.push(src); wide.owner.push(i); wide.pattern.push(r.patterns[k]!);
        return;
      }
      ids.push(r.spec.id);
      sources.push(src);
      this.#setOwner.push(i);
      this.#setPattern.push(r.patterns[k]!);
    }));
    if (sources.length) {
      const parts = Math.ceil(sources.length / SET_PART);
      const size = Math.ceil(sources.length / parts);
      this.#set = [];
      for (let first = 0; first < sources.length; first += size) {
        this.#set.push({ set: compileSet(ids.slice(first, first + size), sources.slice(first, first + size)), first });
      }
    }
    // Gate: the non-ASCII letters of the kept-apart rules' keywords (both cases). Most non-ASCII
    // text (curly quotes, dashes, accents in English prose) has none of them and skips the pass.
    // Gate: the UTF-8 lead bytes of the non-ASCII letters in those rules' keywords (both cases),
    // looked up with Buffer.indexOf (memchr) in the text's cached UTF-8 form. Text whose only
    // non-ASCII characters are punctuation (curly quotes, dashes: lead byte 0xE2) skips the pass.
    const leads = new Set<number>();
    this.rules.forEach((r, i) => apart[i] && r.spec.keywords.forEach((k) => {
      for (const ch of k) {
        if (ch.charCodeAt(0) <= 0x7f) continue;
        for (const v of [ch, ch.toUpperCase(), ch.toLowerCase()]) leads.add(Buffer.from(v, 'utf8')[0]!);
      }
    }));
    this.#wide = wide.sources.length ? { set: compileSet(wide.ids, wide.sources), leads: [...leads], owner: wide.owner, pattern: wide.pattern } : undefined;
    // A rule kept apart is found by its own Set alone: it takes no part in the keyword prefilter.
    this.#alwaysOn = this.rules.map((r, i) => !apart[i] && r.spec.keywords.length === 0);
    const kwIndex = new Map<string, number>();
    this.#keywordRules = [];
    this.rules.forEach((r, ri) => !apart[ri] && r.spec.keywords.forEach((k) => {
      let idx = kwIndex.get(k);
      if (idx === undefined) { idx = kwIndex.size; kwIndex.set(k, idx); this.#keywordRules.push([]); }
      this.#keywordRules[idx]!.push(ri);
    }));
    const kws = [...kwIndex.keys()];
    this.#keywordSet = kws.length ? compileSet(kws.map((k) => `${name}:keyword:${k}`), kws.map((k) => `(?i:${escapeLiteral(k)})`)) : undefined;
    this.patternSources = sources;
    this.patternIds = ids;
    this.keywordSources = kws.map((k) => `(?i:${escapeLiteral(k)})`);
  }

  /** Both Sets of this pack over `text` (what a `PackUnion` computes for several packs in one pass). */
  matchSets(text: string): SetHits {
    if (!this.#set || !text.length) return { keywords: [], patterns: [] };
    const keywords = this.#keywordSet ? setMatch(this.#keywordSet, text) : [];
    // No candidate rule: the pattern Set cannot contribute (same early exit as before).
    if (!keywords.length && !this.#alwaysOn.includes(true)) return { keywords, patterns: [] };
    const parts = this.#set;
    if (parts.length === 1) return { keywords, patterns: setMatch(parts[0]!.set, text) };
    // Parts cover ascending index ranges, so the concatenation stays ascending.
    const patterns: number[] = [];
    for (const { set, first } of parts) for (const i of setMatch(set, text)) patterns.push(first + i);
    return { keywords, patterns };
  }

  /**
   * Run the pack over `text`. `lower` is `text` lower-cased, or a function that makes it (only
   * context words need it, so it is built only when a rule with context words hits). `sets` are
   * this pack's Set results over `text` when a `PackUnion` already computed them. With `scope`,
   * rules restricted to roles other than `scope.role` are skipped (the same test the detector
   * applies to their hits); without it every rule runs.
   */
  run(text: string, lower: string | (() => string), sets?: SetHits, scope?: { role?: string }): RawHit[] {
    if (!text.length) return [];
    if (this.options.ansiBoundaries) {
      const blanked = blankTerminalEscapes(text);
      // Set results over the raw text do not hold for the blanked copy: compute them again.
      if (blanked !== text) { text = blanked; sets = undefined; }
    }
    const hits = this.#set ? this.#runMain(text, lower, sets, scope) : [];
    if (this.#wide) this.#runWide(text, lower, scope, hits);
    return hits;
  }

  #runMain(text: string, lower: string | (() => string), sets: SetHits | undefined, scope: { role?: string } | undefined): RawHit[] {
    const found = sets ?? this.matchSets(text);
    const candidate = this.#alwaysOn.slice();
    let any = candidate.includes(true);
    for (const k of found.keywords) for (const ri of this.#keywordRules[k]!) { candidate[ri] = true; any = true; }
    if (scope) {
      // Rules restricted to other roles would be dropped by the detector anyway: skip their
      // matching (document-only rules match ordinary prose, ~4 µs per match in node-re2).
      const role = scope.role;
      for (let ri = 0; ri < candidate.length; ri++) {
        const roles = this.rules[ri]!.spec.roles;
        if (candidate[ri] && roles && !(role && roles.includes(role))) candidate[ri] = false;
      }
      any = candidate.includes(true);
    }
    if (!any) return [];
    let lowered: string | undefined = typeof lower === 'string' ? lower : undefined;
    const getLower = (): string => (lowered ??= (lower as () => string)());
    const hits: RawHit[] = [];
    // Set indices ascend in rule order, then pattern order: the same order as walking each hit
    // rule's patterns. Only the patterns the Set reported run: a pattern absent from the answer
    // has no match, and running it anyway cost a full pass over the text (the dominant cost at 1 MB).
    for (const idx of found.patterns) {
      const owner = this.#setOwner[idx]!;
      if (!candidate[owner]) continue;
      const spec = this.rules[owner]!.spec;
      for (const m of matchAll(this.#setPattern[idx]!, text)) {
        const hit = this.#accept(spec, text, getLower, m.start, m.end, m.groups, m.groupStarts);
        if (hit) hits.push(hit);
      }
    }
    return hits;
  }

  /** The rules kept apart: one small Set pass, then spans for the rules it reported. */
  #runWide(text: string, lower: string | (() => string), scope: { role?: string } | undefined, hits: RawHit[]): void {
    const wide = this.#wide!;
    const buf = encode(text).buf;
    if (buf.length === text.length || !wide.leads.some((b) => buf.indexOf(b) >= 0)) return;
    let lowered: string | undefined = typeof lower === 'string' ? lower : undefined;
    const getLower = (): string => (lowered ??= (lower as () => string)());
    for (const idx of setMatch(wide.set, text)) {
      const spec = this.rules[wide.owner[idx]!]!.spec;
      if (scope && spec.roles && !(scope.role && spec.roles.includes(scope.role))) continue;
      for (const m of matchAll(wide.pattern[idx]!, text)) {
        const hit = this.#accept(spec, text, getLower, m.start, m.end, m.groups, m.groupStarts);
        if (hit) hits.push(hit);
      }
    }
  }

  #accept(spec: RuleSpec, text: string, lower: () => string, start: number, end: number,
    groups: Array<string | undefined>, groupStarts: number[]): RawHit | undefined {
    let vs = start;
    let ve = end;
    if (spec.group > 0) {
      const g = groups[spec.group - 1];
      const gs = groupStarts[spec.group - 1] ?? -1;
      if (g === undefined || gs < 0) return undefined;
      vs = gs;
      ve = gs + g.length;
    }
    const value = text.slice(vs, ve);
    if (spec.validator && !VALIDATORS[spec.validator]!(value)) return undefined;
    if (spec.entropy !== undefined && shannonEntropy(value) < spec.entropy) return undefined;
    // Placeholder words inside a long random value (a PEM body) are chance, not a placeholder.
    // Values found by context (a group after a key name) get the strict check; prefix-anchored
    // provider tokens the loose one.
    if (this.options.placeholderCheck && value.length <= 128 && isPlaceholder(value, spec.group === 0 || prefixAnchored(spec, value))) return undefined;
    let score = spec.score;
    if (spec.context) {
      const from = Math.max(0, start - spec.context.window);
      const l = lower();
      const around = l.slice(from, Math.min(l.length, end + spec.context.window));
      const present = spec.context.words.some((w) => around.includes(w));
      if (present) score = Math.min(1, score + spec.context.boost);
      else if (spec.context.required) return undefined;
    }
    return { rule: spec, start: vs, end: ve, score };
  }
}

/**
 * One RE2.Set over the patterns and keywords of several packs that scan the same view: one pass
 * over the text instead of two per pack (a Set pass costs about the same for 20 or 400 patterns,
 * so four passes over a 4 KB view cost ~2.5× one). Each pack gets exactly the indices its own
 * Sets would report: every Set entry matches independently of the others.
 */
export class PackUnion {
  readonly #set: Re2Set;
  /** Union index → [pack position, 0 = pattern / 1 = keyword, index in the pack's own Set]. */
  readonly #owner: Int32Array;
  readonly #kind: Uint8Array;
  readonly #local: Int32Array;
  /** Names of the packs, joined: the memo key of this union's result on a scan input. */
  readonly id: string;

  constructor(readonly packs: readonly CompiledPack[]) {
    this.id = packs.map((p) => p.name).join('+');
    const ids: string[] = [];
    const sources: string[] = [];
    const owner: number[] = [];
    const kind: number[] = [];
    const local: number[] = [];
    packs.forEach((p, pi) => {
      p.patternSources.forEach((src, k) => { ids.push(p.patternIds[k]!); sources.push(src); owner.push(pi); kind.push(0); local.push(k); });
      p.keywordSources.forEach((src, k) => { ids.push(`${p.name}:keyword:${k}`); sources.push(src); owner.push(pi); kind.push(1); local.push(k); });
    });
    this.#set = compileSet(ids, sources);
    this.#owner = Int32Array.from(owner);
    this.#kind = Uint8Array.from(kind);
    this.#local = Int32Array.from(local);
  }

  /** Each pack's Set results over `text`, in the order of `packs`. */
  match(text: string): SetHits[] {
    const out: SetHits[] = this.packs.map(() => ({ keywords: [], patterns: [] }));
    if (!text.length) return out;
    // Indices come back ascending, so each pack's lists stay ascending as its own Sets report them.
    for (const idx of setMatch(this.#set, text)) {
      const h = out[this.#owner[idx]!]!;
      (this.#kind[idx] ? h.keywords : h.patterns).push(this.#local[idx]!);
    }
    return out;
  }
}

/**
 * The value a rule captured starts with one of the rule's provider prefixes (a keyword with a
 * non-letter in it: `tskey-`, `ghp_`), so it gets the loose placeholder check like a whole-match
 * provider token, even when the pattern captures a group to keep a boundary out of the span.
 */
export function prefixAnchored(spec: RuleSpec, value: string): boolean {
  for (const k of spec.keywords) {
    if (k.length < 3 || value.length < k.length) continue;
    let nonLetter = false;
    for (let i = 0; i < k.length; i++) { const c = k.charCodeAt(i); if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90))) { nonLetter = true; break; } }
    if (nonLetter && value.slice(0, k.length).toLowerCase() === k) return true;
  }
  return false;
}

/** True when `s` has a character outside ASCII (such rules can be kept apart, see `nonAsciiApart`). */
function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** Spellings of ESC before `[` in source code and logs: `\x1b[`, `\033[`, `\e[`, `\u001b[`. */
const ESC_SPELLINGS = ['\\x1b', '\\x1B', '\\033', '\\e', '\\u001b', '\\u001B'];

/**
 * `text` with every terminal CSI sequence (ESC `[` parameters intermediates final, e.g. the SGR
 * colour `ESC[93m`) replaced by spaces of the same length; `text` itself when there is none. ESC
 * may be the control character or one of its source-code spellings. Walks the `[`s with indexOf:
 * no regex over untrusted text, one pass, no copy unless something is blanked.
 */
export function blankTerminalEscapes(text: string): string {
  let out: string[] | undefined;
  let from = 0;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) {
    let start = -1;
    if (i > 0 && text.charCodeAt(i - 1) === 0x1b) start = i - 1;
    else {
      for (const sp of ESC_SPELLINGS) {
        const at = i - sp.length;
        if (at >= 0 && text.charCodeAt(at) === 0x5c /* \ */ && text.startsWith(sp, at)) { start = at; break; }
      }
    }
    if (start < from) continue;
    // Parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E.
    let j = i + 1;
    while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x3f && j - i <= 32) j++;
    while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f && j - i <= 32) j++;
    if (j >= text.length || text.charCodeAt(j) < 0x40 || text.charCodeAt(j) > 0x7e) continue;
    (out ??= []).push(text.slice(from, start), ' '.repeat(j + 1 - start));
    from = j + 1;
    i = j;
  }
  if (!out) return text;
  out.push(text.slice(from));
  return out.join('');
}
