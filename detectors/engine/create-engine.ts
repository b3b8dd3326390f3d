/**
 * Builds the engine from `EngineOptions`: loads and compiles the built-in packs once per
 * process (cached), compiles the policy's custom rules, and wires the detectors. Loading does
 * file I/O; scanning never does.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Action, DetectorId, Finding, ScanContext, ScanResult } from './types.js';
import type { CustomRule, Engine, EngineOptions, RedactionVault, StreamScanner } from './api.js';
import { CompiledPack, PackUnion } from './pack.js';
import { loadPackDir, toRuleSpec } from './rule-file.js';
import { InjectionClassifier } from './classifier.js';
import { PackDetector } from './pack-detector.js';
import { ScanInput } from './scan-input.js';
import { MemoryVault, redactText } from './redact.js';
import { EngineStreamScanner } from './stream.js';
import { NlpPiiDetector, packPiiTypes, piiNlpFor } from './nlp-pii.js';
import { clearEncodeCache } from './re2-seam.js';

/** Where the built-in packs live. */
export const PACKS_DIR = fileURLToPath(new URL('../packs/', import.meta.url));

/** Regex PII entity types the pii pack reports. */
export const REGEX_PII_TYPES = ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'US_SSN', 'IP_ADDRESS', 'DATE_OF_BIRTH', 'PASSPORT', 'DRIVER_LICENSE', 'LOCATION', 'UK_NHS', 'UK_NINO', 'US_ITIN', 'ES_NIF', 'SG_NRIC_FIN', 'AU_ABN', 'IN_AADHAAR', 'IN_PAN', 'MEDICAL_LICENSE', 'CRYPTO', 'US_BANK_NUMBER'];

interface BuiltinPacks {
  injection: CompiledPack;
  pii: CompiledPack;
  secrets: CompiledPack;
  toolPoisoning: CompiledPack;
  classifier: InjectionClassifier | undefined;
}

const cache = new Map<string, BuiltinPacks>();

/** Load and compile the built-in packs in `dir` (cached per directory). */
export function loadBuiltinPacks(dir = PACKS_DIR): BuiltinPacks {
  const hit = cache.get(dir);
  if (hit) return hit;
  const packs: BuiltinPacks = {
    injection: new CompiledPack('prompt-injection', loadPackDir(join(dir, 'prompt-injection'))),
    pii: new CompiledPack('pii', loadPackDir(join(dir, 'pii'))),
    secrets: new CompiledPack('secrets', loadPackDir(join(dir, 'secrets')), { placeholderCheck: true, nonAsciiApart: true, ansiBoundaries: true }),
    toolPoisoning: new CompiledPack('tool-poisoning', loadPackDir(join(dir, 'tool-poisoning'))),
    classifier: InjectionClassifier.load(join(dir, 'prompt-injection', 'classifier.json')),
  };
  cache.set(dir, packs);
  return packs;
}

/** Compile the policy's custom rules into one pack. @throws RuleLoadError naming a bad rule. */
export function compileCustomRules(rules: CustomRule[]): CompiledPack {
  const specs = rules.map((r) => toRuleSpec({
    id: r.id.includes('.') ? r.id : `custom.${r.id}`,
    description: r.description ?? '', type: r.kind === 'custom' ? r.id : r.kind.toUpperCase(),
    pattern: r.pattern, severity: r.severity ?? 'high', action: r.action ?? 'block', score: 1,
  }, `policy customRules[${r.id}]`));
  return new CompiledPack('custom', specs);
}

/**
 * Build an engine. Throws when a custom rule is not valid RE2 (the message names the rule).
 * Defaults: all detectors on, injection threshold 0.5, all regex PII types, NLP PII off,
 * 200 ms per-scan deadline.
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const b = loadBuiltinPacks();
  const threshold = options.promptInjection?.threshold ?? 0.5;
  const detectors = new Map<string, PackDetector | NlpPiiDetector>();
  const disabled = options.disabledRules?.length ? new Set(options.disabledRules) : undefined;
  if (options.promptInjection?.enabled !== false) {
    detectors.set('prompt-injection', new PackDetector({
      id: 'prompt-injection', kind: 'injection', packs: [{ pack: b.injection, view: 'folded' }],
      classifier: b.classifier, threshold, disabled,
    }));
  }
  if (options.pii?.enabled !== false) {
    // PERSON is on by default, anchored: names (pii-nlp hook) only beside other personal data (nlp-pii.ts).
    const types = new Set(options.pii?.entities ?? [...REGEX_PII_TYPES, 'PERSON']);
    const pii = new PackDetector({ id: 'pii', kind: 'pii', packs: [{ pack: b.pii, view: 'strict' }], types: packPiiTypes(types, options.pii?.names), disabled });
    detectors.set('pii', pii);
    const nlp = piiNlpFor(types, options.pii, pii);
    if (nlp) detectors.set('pii-nlp', nlp);
  }
  if (options.secrets?.enabled !== false) {
    detectors.set('secrets', new PackDetector({ id: 'secrets', kind: 'secret', packs: [{ pack: b.secrets, view: 'strict' }], disabled }));
  }
  if (options.toolPoisoning?.enabled !== false) {
    detectors.set('tool-poisoning', new PackDetector({
      id: 'tool-poisoning', kind: 'tool-poisoning', invisibles: true, threshold: 0.5, classifier: b.classifier, disabled,
      packs: [{ pack: b.toolPoisoning, view: 'folded' }, { pack: b.injection, view: 'folded', scoreScale: 0.9 }],
    }));
  }
  if (options.customRules?.length) {
    const dirs = new Map(options.customRules.map((r) => [r.id.includes('.') ? r.id : `custom.${r.id}`, r.directions ?? ['request', 'response']]));
    detectors.set('custom', new PackDetector({
      id: 'custom', kind: 'custom', packs: [{ pack: compileCustomRules(options.customRules), view: 'strict' }],
      directionOf: (id) => dirs.get(id), disabled,
    }));
  }
  attachUnions(detectors);
  const timeoutMs = options.timeoutMs ?? 200;
  // The NLP detector reports under `pii` so callers need not know it exists.
  const publicIds = [...detectors.keys()].filter((k) => k !== 'pii-nlp');

  function scan(text: string, context: ScanContext, which?: Array<DetectorId | string>): ScanResult[] {
    const ids = which ?? publicIds;
    const ctx: ScanContext = context.deadline === undefined ? { ...context, deadline: Date.now() + timeoutMs } : context;
    const input = new ScanInput(text);
    const results: ScanResult[] = [];
    for (const id of ids) {
      const d = detectors.get(id);
      if (!d) {
        if (['prompt-injection', 'pii', 'secrets', 'tool-poisoning', 'custom'].includes(id)) { results.push({ detector: id, score: 0, findings: [] }); continue; }
        throw new Error(`unknown detector ${id}`);
      }
      if (Date.now() > ctx.deadline!) { results.push(deadlineResult(id, text.length)); continue; }
      try {
        const r = d.scanInput(input, ctx);
        if (id === 'pii' && detectors.has('pii-nlp')) {
          // The pack's findings anchor names; hand them over instead of scanning the pack again.
          const n = (detectors.get('pii-nlp') as NlpPiiDetector).scanInput(input, ctx, r.findings.slice());
          r.findings.push(...n.findings);
          r.score = Math.max(r.score, n.score);
        }
        results.push(r);
      } catch (err) {
        results.push({ detector: id, score: 1, findings: [], error: `detector failed: ${(err as Error).message}` });
      }
    }
    clearEncodeCache();
    return results;
  }

  const engine: Engine = {
    detectors: new Map(publicIds.map((id) => [id, { id, kind: detectors.get(id)!.kind }])),
    scan,
    redact: (text: string, findings: Finding[], vault: RedactionVault) => redactText(text, findings, vault),
    newVault: () => new MemoryVault(),
    streamScanner(context: ScanContext, which: Array<DetectorId | string>, actionFor: (f: Finding) => Action, vault: RedactionVault): StreamScanner {
      // Each push gets its own deadline: a long stream must not time out as a whole.
      return new EngineStreamScanner((t, c, w) => scan(t, { ...c, deadline: undefined }, w), context, which, actionFor, vault);
    },
  };
  return engine;
}

/** Unions of built-in packs, by pack names (the packs themselves are cached per process). */
const unionCache = new Map<string, PackUnion>();

/**
 * Give the built-in packs of the folded view (injection and tool poisoning) one shared Set: one
 * RE2.Set pass instead of two per pack. Custom rules keep their own Sets (compiled per policy,
 * not cached). PII and secrets (strict view) keep their own Sets, two per pack: their union was
 * one pass on prose but ruinous on hostile text — RE2 runs a Set as one DFA, and the union of
 * both packs' patterns and keywords multiplied its states on random base64 or random short
 * words until the DFA cache thrashed (100 KB: 0.4–0.7 s as one Set, 2–4 ms as four Sets; the
 * four cost ~10 µs more on 4 KB of prose).
 */
function attachUnions(detectors: Map<string, PackDetector | NlpPiiDetector>): void {
  const b = loadBuiltinPacks();
  const builtin = new Set<CompiledPack>([b.injection, b.pii, b.secrets, b.toolPoisoning]);
  const byView = new Map<string, CompiledPack[]>();
  for (const d of detectors.values()) {
    if (!(d instanceof PackDetector)) continue;
    for (const e of d.options.packs) {
      if (!builtin.has(e.pack)) continue;
      const list = byView.get(e.view) ?? [];
      if (!list.includes(e.pack)) list.push(e.pack);
      byView.set(e.view, list);
    }
  }
  for (const [view, packs] of byView) {
    if (view !== 'folded') continue;
    const key = `${view}:${packs.map((p) => p.name).join('+')}`;
    let union = unionCache.get(key);
    if (!union) { union = new PackUnion(packs); unionCache.set(key, union); }
    for (const d of detectors.values()) {
      if (!(d instanceof PackDetector)) continue;
      for (const e of d.options.packs) if (e.view === view && packs.includes(e.pack)) e.union = union;
    }
  }
}

function deadlineResult(id: string, length: number): ScanResult {
  return {
    detector: id, score: 1, error: 'deadline exceeded',
    findings: [{ rule: 'engine.deadline-exceeded', type: 'error', start: 0, end: length, score: 1, severity: 'high', action: 'block' }],
  };
}
