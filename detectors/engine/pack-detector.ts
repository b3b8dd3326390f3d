/**
 * Detectors built from rule packs. A pack detector runs its pack over one view of the text and
 * over every decoded segment, maps spans back to the original, and combines the finding scores.
 * The prompt-injection detector adds the learned classifier; tool-poisoning adds invisible
 * characters and the injection families (an instruction to the model inside a tool description).
 */
import type { Detector, DetectorKind, Finding, ScanContext, ScanResult } from './types.js';
import type { CompiledPack, PackUnion, RawHit } from './pack.js';
import type { InjectionClassifier } from './classifier.js';
import { toOriginal } from './normalize.js';
import { ScanInput } from './scan-input.js';

/** Few-feature texts without a rule finding score at most this fraction of the threshold. */
export const CLASSIFIER_ALONE_CAP = 0.9;

/** Which view a pack is written against. */
export type ViewName = 'strict' | 'folded';

/** Noisy-OR of scores: independent pieces of evidence add up, never above 1. */
export function noisyOr(scores: number[]): number {
  let q = 1;
  for (const s of scores) q *= 1 - Math.max(0, Math.min(1, s));
  return 1 - q;
}

/** Excerpt safe to log: attack text is shown briefly; secrets and PII only as type and length. */
function excerptFor(kind: DetectorKind, type: string, text: string, start: number, end: number): string {
  if (kind === 'injection' || kind === 'tool-poisoning') {
    const s = text.slice(start, Math.min(end, start + 60));
    return end - start > 60 ? `${s}…` : s;
  }
  return `[${type} len=${end - start}]`;
}

/** Options of a pack detector. */
export interface PackDetectorOptions {
  id: string;
  kind: DetectorKind;
  /**
   * Packs and the view each runs on. `union`, when set, is one Set over this pack and the other
   * packs of the same view (computed once per input and shared; see `PackUnion`).
   */
  packs: Array<{ pack: CompiledPack; view: ViewName; scoreScale?: number; union?: PackUnion }>;
  /** Keep only findings whose type is listed (PII entities); all when undefined. */
  types?: ReadonlySet<string>;
  /** Keep only findings for this direction (custom rules). */
  directionOf?: (ruleId: string) => ReadonlyArray<string> | undefined;
  classifier?: InjectionClassifier;
  /** Findings are reported only when the combined score reaches this (injection). */
  threshold?: number;
  /** Report removed invisible characters as a finding (tool poisoning). */
  invisibles?: boolean;
  /** Rule ids whose hits are dropped (policy `detectors.disabledRules`). */
  disabled?: ReadonlySet<string>;
}

/** A detector over rule packs (plus optional classifier). */
export class PackDetector implements Detector {
  readonly id: string;
  readonly kind: DetectorKind;

  constructor(readonly options: PackDetectorOptions) {
    this.id = options.id;
    this.kind = options.kind;
  }

  scan(text: string, context: ScanContext): ScanResult {
    return this.scanInput(new ScanInput(text), context);
  }

  /** Scan a prepared input (views shared with other detectors of the same scan). */
  scanInput(input: ScanInput, context: ScanContext): ScanResult {
    const t0 = performance.now();
    const findings = this.#findings(input, context);
    let score = findings.length ? noisyOr(findings.map((f) => f.score)) : 0;
    if (this.kind === 'pii' || this.kind === 'secret' || this.kind === 'custom') {
      score = findings.reduce((m, f) => Math.max(m, f.score), 0);
    }
    const o = this.options;
    if (o.classifier && input.folded.text.length) {
      const c = input.once('classifier', () => o.classifier!.score(input.folded.text));
      // A text with few features ("Hello", "password?") is too little evidence to block on the
      // classifier alone: without a rule finding its probability is held under the threshold.
      const threshold = o.threshold ?? 0.5;
      const p = !findings.length && c.features < (o.classifier.model.minFeatures ?? 0) ? Math.min(c.p, CLASSIFIER_ALONE_CAP * threshold) : c.p;
      // Rule evidence and the classifier are combined as independent evidence (noisy-OR).
      score = noisyOr([score, p]);
      if (p >= threshold) {
        const [start, end] = toOriginal(input.folded, c.start, c.end);
        findings.push({
          rule: `${this.id}.classifier`, type: 'injection-classifier', start, end, score: p,
          severity: 'high', action: 'block', excerpt: excerptFor(this.kind, '', input.text, start, end),
        });
      }
    }
    const threshold = o.threshold;
    const kept = threshold !== undefined && score < threshold ? [] : findings;
    return { detector: this.id, score, findings: kept, durationMs: performance.now() - t0 };
  }

  #findings(input: ScanInput, context: ScanContext): Finding[] {
    const o = this.options;
    const out: Finding[] = [];
    const seen = new Set<string>();
    const add = (f: Finding): void => {
      const key = `${f.rule}:${f.start}:${f.end}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(f);
    };
    for (const { pack, view, scoreScale, union } of o.packs) {
      const v = view === 'folded' ? input.folded : input.strict;
      const lower = view === 'folded' ? v.text : () => input.strictLower;
      // Hits are memoised per input and role: rules of other roles are not matched at all.
      const scope = { role: context.role };
      const run = (): RawHit[] => {
        if (!union) return pack.run(v.text, lower, undefined, scope);
        const sets = input.once(`union:${union.id}:${view}`, () => union.match(v.text));
        return pack.run(v.text, lower, sets[union.packs.indexOf(pack)], scope);
      };
      for (const h of input.once(`pack:${pack.name}:${view}:${context.role ?? ''}`, run)) {
        if (!this.#keep(h, context)) continue;
        const [start, end] = toOriginal(v, h.start, h.end);
        add({
          rule: h.rule.id, type: h.rule.type, start, end, score: h.score * (scoreScale ?? 1),
          severity: h.rule.severity, action: h.rule.action, excerpt: excerptFor(this.kind, h.rule.type, input.text, start, end),
        });
      }
    }
    if (o.invisibles && input.strict.invisibles.length >= 3) {
      const inv = input.strict.invisibles;
      add({
        rule: `${this.id}.invisible-characters`, type: 'invisible-characters', start: inv[0]!, end: inv[inv.length - 1]! + 1,
        score: Math.min(1, 0.5 + inv.length / 40), severity: 'high', action: 'block', excerpt: `[${inv.length} invisible characters]`,
      });
    }
    if (context.deadline !== undefined && Date.now() > context.deadline) return out;
    for (const n of input.nested) {
      for (const f of this.#findings(n.input, context)) {
        add({ ...f, start: n.start, end: n.end, excerpt: `[${n.encoding}] ${f.excerpt ?? ''}` });
      }
    }
    return out;
  }

  #keep(h: RawHit, context: ScanContext): boolean {
    const o = this.options;
    if (o.types && !o.types.has(h.rule.type)) return false;
    if (o.disabled?.has(h.rule.id)) return false;
    if (h.rule.roles && !(context.role && h.rule.roles.includes(context.role))) return false;
    const dirs = o.directionOf?.(h.rule.id);
    return !dirs || dirs.includes(context.direction);
  }
}
