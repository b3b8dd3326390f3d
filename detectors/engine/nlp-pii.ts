/**
 * Names, places and organisations with `compromise` (offline, rule-based NLP), behind
 * `pii.nlp`. Off by default: its precision on the presidio synthetic set is modest (see
 * docs/detectors.md) and compromise runs its own JS regexes internally, so it does not meet the
 * RE2-only rule for untrusted text; the input is capped to bound its cost.
 */
import { createRequire } from 'node:module';
import type { Detector, DetectorKind, Finding, ScanContext, ScanResult } from './types.js';
import type { ScanInput } from './scan-input.js';

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

/** PII detector over compromise's named entities. */
export class NlpPiiDetector implements Detector {
  readonly id = 'pii-nlp';
  readonly kind: DetectorKind = 'pii';
  constructor(private readonly types: ReadonlySet<string> | string[]) {}

  scan(text: string, context: ScanContext): ScanResult {
    return this.scanInput({ text } as ScanInput, context);
  }

  scanInput(input: ScanInput, _context: ScanContext): ScanResult {
    const t0 = performance.now();
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
    return { detector: 'pii', score: findings.reduce((m, f) => Math.max(m, f.score), 0), findings, durationMs: performance.now() - t0 };
  }
}
