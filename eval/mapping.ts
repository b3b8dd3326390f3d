/**
 * Which detector measures which row. A detector is only scored on rows it is meant for: an
 * injection detector is not "missing" a credit card number. The rules (also in docs/eval.md):
 *
 * 1. A row with an explicit `detectors` field measures exactly those.
 * 2. An attack row measures the detector of its category (CATEGORY_DETECTOR).
 * 3. A benign row with `tool_name` is a clean tool description: a negative for tool-poisoning.
 * 4. Another benign row in a file that has attack rows is a negative for the detectors of that
 *    file's attack rows (deepset benign → prompt-injection; secret look-alikes → secrets; the
 *    PII-free presidio rows → pii).
 * 5. A benign row in a file with no attack rows (general benign text, hard negatives) is a
 *    negative for prompt-injection, pii and secrets: none of them should fire on it.
 * 6. A PII attack row whose labeled entities are all of types that are not personal data on
 *    their own (ORGANIZATION, GPE, DATE_TIME, … mapped to null in entity-types.ts) is not scored
 *    for pii at all: neither a miss nor a negative. The report counts these rows.
 */
import type { EvalRow } from './dataset.js';
import { mapPiiType } from './entity-types.js';

/** The detectors the harness knows. */
export const DETECTOR_IDS = ['prompt-injection', 'pii', 'secrets', 'tool-poisoning', 'custom'] as const;

/** Attack category → detector. */
export const CATEGORY_DETECTOR: Readonly<Record<string, string>> = Object.freeze({
  injection: 'prompt-injection',
  direct_injection: 'prompt-injection',
  jailbreak: 'prompt-injection',
  indirect: 'prompt-injection',
  indirect_injection: 'prompt-injection',
  pii: 'pii',
  secret: 'secrets',
  secrets: 'secrets',
  tool_poisoning: 'tool-poisoning',
  custom: 'custom',
});

/** Detectors for which plain benign text is a negative (rule 5). */
export const GENERAL_NEGATIVE_FOR: readonly string[] = ['prompt-injection', 'pii', 'secrets'];

/** A row paired with the detectors it measures. */
export interface MappedRow {
  row: EvalRow;
  detectors: string[];
}

/**
 * Maps every row to its detectors. Attack rows with an unknown category are returned in
 * `unmapped` (reported, not scored).
 */
export function mapRows(rows: readonly EvalRow[]): { mapped: MappedRow[]; unmapped: EvalRow[]; outOfScope: EvalRow[] } {
  const fileDetectors = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.label !== 'attack') continue;
    const d = r.detectors ?? (CATEGORY_DETECTOR[r.category] ? [CATEGORY_DETECTOR[r.category]] : []);
    const set = fileDetectors.get(r.dataset) ?? new Set<string>();
    for (const x of d) set.add(x);
    fileDetectors.set(r.dataset, set);
  }
  const mapped: MappedRow[] = [];
  const unmapped: EvalRow[] = [];
  const outOfScope: EvalRow[] = [];
  for (const r of rows) {
    let d: string[];
    if (r.detectors) d = r.detectors;
    else if (r.label === 'attack') d = CATEGORY_DETECTOR[r.category] ? [CATEGORY_DETECTOR[r.category]] : [];
    else if (r.toolName !== undefined) d = ['tool-poisoning'];
    else {
      const f = fileDetectors.get(r.dataset);
      d = f && f.size > 0 ? [...f].filter((x) => x !== 'tool-poisoning').sort() : [...GENERAL_NEGATIVE_FOR];
      if (d.length === 0) d = [...GENERAL_NEGATIVE_FOR];
    }
    if (d.includes('pii') && r.label === 'attack' && r.entities && r.entities.length > 0 && r.entities.every((e) => mapPiiType(e.type) === undefined)) {
      d = d.filter((x) => x !== 'pii');
      outOfScope.push(r);
      if (d.length === 0) continue;
    }
    if (d.length === 0) unmapped.push(r);
    else mapped.push({ row: r, detectors: d });
  }
  return { mapped, unmapped, outOfScope };
}
