/**
 * A compiled rule pack: one RE2.Set over every pattern of the pack (one pass says which rules
 * match), a keyword prefilter in front of it (a rule whose keywords are absent costs nothing),
 * and per-rule patterns that re-run only for the rules that hit, to get spans.
 */
import { compilePattern, compileSet, matchAll, type Re2Pattern, type Re2Set } from './re2-seam.js';
import type { RuleSpec } from './rule-file.js';
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
}

/** A pack ready to run. */
export class CompiledPack {
  readonly rules: readonly CompiledRule[];
  readonly #set: Re2Set | undefined;
  /** Set pattern index → rule index. */
  readonly #setOwner: number[];
  readonly #alwaysOn: boolean[];

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
  }

  /**
   * Run the pack over `text`. `lower` is `text` lower-cased (for keywords and context words).
   * `only` restricts to some rule ids (unused when undefined).
   */
  run(text: string, lower: string): RawHit[] {
    if (!this.#set || !text.length) return [];
    const candidate = this.rules.map((r, i) => this.#alwaysOn[i] || r.spec.keywords.some((k) => lower.includes(k)));
    if (!candidate.some(Boolean)) return [];
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
          const hit = this.#accept(rule.spec, text, lower, m.start, m.end, m.groups, m.groupStarts);
          if (hit) hits.push(hit);
        }
      }
    }
    return hits;
  }

  #accept(spec: RuleSpec, text: string, lower: string, start: number, end: number,
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
    if (this.options.placeholderCheck && isPlaceholder(value)) return undefined;
    let score = spec.score;
    if (spec.context) {
      const from = Math.max(0, start - spec.context.window);
      const around = lower.slice(from, Math.min(lower.length, end + spec.context.window));
      const present = spec.context.words.some((w) => around.includes(w));
      if (present) score = Math.min(1, score + spec.context.boost);
      else if (spec.context.required) return undefined;
    }
    return { rule: spec, start: vs, end: ve, score };
  }
}
