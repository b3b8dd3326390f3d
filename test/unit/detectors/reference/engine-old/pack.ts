/**
 * A compiled rule pack: one RE2.Set over every pattern of the pack (one pass says which rules
 * match), a keyword prefilter in front of it (a rule whose keywords are absent costs nothing),
 * and per-rule patterns that re-run only for the rules that hit, to get spans.
 */
import { compilePattern, compileSet, escapeLiteral, matchAll, type Re2Pattern, type Re2Set } from './re2-seam.js';
import type { RuleSpec } from './rule-file.js';
import { blankTerminalEscapes, prefixAnchored } from '../../../../../detectors/engine/pack.js';
import { VALIDATORS, isPlaceholder, shannonEntropy } from './validators.js';

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
  /** Semantics kept in step with the live pack (h21): terminal escapes blanked before matching. */
  ansiBoundaries?: boolean;
}

/** A pack ready to run. */
export class CompiledPack {
  readonly rules: readonly CompiledRule[];
  readonly #set: Re2Set | undefined;
  /** Set pattern index → rule index. */
  readonly #setOwner: number[];
  readonly #alwaysOn: boolean[];
  /** One RE2.Set over every keyword of the pack (case-insensitive): one pass finds the candidate rules. */
  readonly #keywordSet: Re2Set | undefined;
  /** Keyword index → rule indices. */
  readonly #keywordRules: number[][];

  constructor(readonly name: string, specs: RuleSpec[], readonly options: PackOptions = {}) {
    this.rules = specs.map((spec) => ({ spec, patterns: spec.patterns.map((p) => compilePattern(spec.id, p, spec.flags)) }));
    const ids: string[] = [];
    const sources: string[] = [];
    this.#setOwner = [];
    this.rules.forEach((r, i) => r.spec.patterns.forEach((p) => {
      ids.push(r.spec.id);
      sources.push(r.spec.flags.includes('i') ? `(?i:${p})` : p);
      this.#setOwner.push(i);
    }));
    this.#set = sources.length ? compileSet(ids, sources) : undefined;
    this.#alwaysOn = this.rules.map((r) => r.spec.keywords.length === 0);
    const kwIndex = new Map<string, number>();
    this.#keywordRules = [];
    this.rules.forEach((r, ri) => r.spec.keywords.forEach((k) => {
      let idx = kwIndex.get(k);
      if (idx === undefined) { idx = kwIndex.size; kwIndex.set(k, idx); this.#keywordRules.push([]); }
      this.#keywordRules[idx]!.push(ri);
    }));
    const kws = [...kwIndex.keys()];
    this.#keywordSet = kws.length ? compileSet(kws.map((k) => `${name}:keyword:${k}`), kws.map((k) => `(?i:${escapeLiteral(k)})`)) : undefined;
  }

  /**
   * Run the pack over `text`. `lower` is `text` lower-cased, or a function that makes it (only
   * context words need it, so it is built only when a rule with context words hits).
   */
  run(text: string, lower: string | (() => string)): RawHit[] {
    if (!this.#set || !text.length) return [];
    if (this.options.ansiBoundaries) text = blankTerminalEscapes(text);
    const candidate = this.#alwaysOn.slice();
    let any = candidate.includes(true);
    if (this.#keywordSet) {
      for (const k of this.#keywordSet.match(text)) for (const ri of this.#keywordRules[k]!) { candidate[ri] = true; any = true; }
    }
    if (!any) return [];
    let lowered: string | undefined = typeof lower === 'string' ? lower : undefined;
    const getLower = (): string => (lowered ??= (lower as () => string)());
    const hitRules = new Set<number>();
    for (const idx of this.#set.match(text)) {
      const owner = this.#setOwner[idx]!;
      if (candidate[owner]) hitRules.add(owner);
    }
    const hits: RawHit[] = [];
    for (const ri of [...hitRules].sort((a, b) => a - b)) {
      const rule = this.rules[ri]!;
      for (const re of rule.patterns) {
        for (const m of matchAll(re, text)) {
          const hit = this.#accept(rule.spec, text, getLower, m.start, m.end, m.groups, m.groupStarts);
          if (hit) hits.push(hit);
        }
      }
    }
    return hits;
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
