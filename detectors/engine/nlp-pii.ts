/**
 * The `pii-nlp` hook, whose findings the engine merges into `pii`. Two sources:
 * - person names by dictionary and context (`names-detector.ts`), whenever PERSON is among the
 *   policy's PII entities — on by default; RE2 and `Set` lookups only;
 * - names, places and organisations with `compromise` (offline, rule-based NLP), behind
 *   `pii.nlp`. Off by default: its precision on the presidio synthetic set is modest (see
 *   docs/detectors.md) and compromise runs its own JS regexes internally, so it does not meet the
 *   RE2-only rule for untrusted text; the input is capped to bound its cost.
 */
import { createRequire } from 'node:module';
import type { Detector, DetectorKind, Finding, ScanContext, ScanResult } from './types.js';
import { ScanInput } from './scan-input.js';
import { NameDetector, type NameMode } from './names-detector.js';

/** Entity types the NLP detector reports. */
export const NLP_TYPES = ['PERSON', 'LOCATION', 'ORGANIZATION'];
/** Longest text handed to compromise. */
export const NLP_MAX_CHARS = 32 * 1024;

type Doc = { json(o: { offset: true }): Array<{ offset: { start: number; length: number } }> };
type Nlp = (t: string) => { people(): Doc; places(): Doc; organizations(): Doc };
let nlp: Nlp | undefined;
function load(): Nlp {
  nlp ??= createRequire(import.meta.url)('compromise') as Nlp;
  return nlp;
}

/**
 * Pack findings that do not anchor a name: dates of birth fill every encyclopaedia biography
 * ("born 18 February 1957"), where the names are public figures, not someone's records.
 */
const ANCHOR_EXCLUDED = new Set(['DATE_OF_BIRTH', 'PERSON']);

/**
 * The PII entity types the regex pack should report, given the policy's types and name mode:
 * in `anchored` mode PERSON hits of the pack (labels, titles) come from the name detector
 * instead, which anchors them like every other name.
 */
export function packPiiTypes(types: ReadonlySet<string>, mode: NameMode = 'anchored'): Set<string> {
  const out = new Set(types);
  if (mode === 'anchored') out.delete('PERSON');
  return out;
}

/**
 * The engine's `pii-nlp` detector for these PII entity types, or undefined when it has nothing
 * to do: names when `types` has PERSON (in `opts.names` mode, `anchored` by default; `pack` is
 * the engine's PII pack detector, whose findings anchor names), compromise when `opts.nlp` is
 * set (then for the NLP types in `types`, or all of them when `types` names none).
 */
export function piiNlpFor(types: ReadonlySet<string>, opts: { nlp?: boolean; names?: NameMode } = {}, pack?: Detector & { scanInput(i: ScanInput, c: ScanContext): ScanResult }): NlpPiiDetector | undefined {
  const nlp = opts.nlp === true;
  const names = types.has('PERSON') ? new NameDetector({ mode: opts.names ?? 'anchored' }) : undefined;
  if (!names && !nlp) return undefined;
  names?.warm();
  const nlpTypes = [...types].some((t) => NLP_TYPES.includes(t)) ? [...types] : NLP_TYPES;
  return new NlpPiiDetector(nlpTypes, { compromise: nlp, names, anchor: pack ? (input, context) => pack.scanInput(input, context).findings.filter((f) => !ANCHOR_EXCLUDED.has(f.type)) : undefined });
}

/** PII detector over compromise's named entities and/or dictionary person names. */
export class NlpPiiDetector implements Detector {
  readonly id = 'pii-nlp';
  readonly kind: DetectorKind = 'pii';
  readonly #compromise: boolean;
  readonly #names: NameDetector | undefined;
  readonly #anchor: ((input: ScanInput, context: ScanContext) => Array<{ start: number; end: number }>) | undefined;

  /** Without `opts`: compromise only (the detector as it was before names). */
  constructor(
    private readonly types: ReadonlySet<string> | string[],
    opts: { compromise?: boolean; names?: NameDetector; anchor?: (input: ScanInput, context: ScanContext) => Array<{ start: number; end: number }> } = { compromise: true },
  ) {
    this.#compromise = opts.compromise ?? false;
    this.#names = opts.names;
    this.#anchor = opts.anchor;
  }

  scan(text: string, context: ScanContext): ScanResult {
    return this.scanInput(new ScanInput(text), context);
  }

  /**
   * `packFindings`: the PII pack's findings for this same input when the caller already has them
   * (the engine does), so anchoring does not scan the pack a second time.
   */
  scanInput(input: ScanInput, context: ScanContext, packFindings?: readonly Finding[]): ScanResult {
    const t0 = performance.now();
    const anchor = packFindings
      ? () => packFindings.filter((f) => !ANCHOR_EXCLUDED.has(f.type))
      : this.#anchor ? () => this.#anchor!(input, context) : undefined;
    const named = this.#names?.scanInput(input, context, anchor);
    const compromise = this.#compromise ? this.#scanCompromise(input) : [];
    const findings = [...(named?.findings ?? []), ...compromise];
    return { detector: 'pii', score: findings.reduce((m, f) => Math.max(m, f.score), 0), findings, durationMs: performance.now() - t0 };
  }

  #scanCompromise(input: ScanInput): Finding[] {
    const text = input.text.slice(0, NLP_MAX_CHARS);
    const types = new Set(this.types);
    const doc = load()(text);
    const findings: Finding[] = [];
    const add = (type: string, list: ReturnType<Doc['json']>, score: number): void => {
      if (!types.has(type)) return;
      for (const e of list) {
        let { start, length } = e.offset;
        // compromise includes trailing punctuation in some spans ("Street,").
        while (length > 0 && ',.;:!?'.includes(text[start + length - 1] ?? '')) length--;
        if (length <= 1) continue;
        findings.push({ rule: `pii.nlp-${type.toLowerCase()}`, type, start, end: start + length, score, severity: 'medium', action: 'redact', excerpt: `[${type} len=${length}]` });
      }
    };
    add('PERSON', doc.people().json({ offset: true }), 0.6);
    add('LOCATION', doc.places().json({ offset: true }), 0.5);
    add('ORGANIZATION', doc.organizations().json({ offset: true }), 0.5);
    return findings;
  }
}
