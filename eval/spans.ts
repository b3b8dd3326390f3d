/**
 * Entity-level scoring for PII and secrets: dataset entities against detector findings, matched
 * exactly (same start and end) or by overlap (at least one shared character), per entity type.
 */

/** A labeled or detected span; `type` is already in the project's vocabulary (see entity-types.ts). */
export interface Span {
  type: string;
  start: number;
  end: number;
}

/** Entity counts for one type under one matching mode. */
export interface EntityCounts {
  /** Dataset entities found by a compatible finding. */
  tp: number;
  /** Dataset entities no compatible finding matched. */
  fn: number;
  /** Findings that matched no compatible entity. */
  fp: number;
}

/** How two types are compared: 'same' for PII, 'any' for secrets (provider names differ per tool). */
export type TypeMatch = 'same' | 'any';

/** Do spans a and b share at least one character? */
export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Same start and end. */
export function exact(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}

/**
 * Scores one text. An entity counts as found when any compatible finding matches it; a finding
 * counts as correct when it matches any compatible entity (not one-to-one: a detector that splits
 * an address in two is not punished twice). Findings whose type the dataset never annotates are
 * left out (`scoredTypes`), so a dataset that does not label URLs does not turn URL findings into
 * false positives. Results are keyed by type: entity type for tp/fn, finding type for fp.
 */
export function matchSpans(
  entities: readonly Span[],
  findings: readonly Span[],
  mode: 'exact' | 'overlap',
  typeMatch: TypeMatch,
  scoredTypes: ReadonlySet<string> | 'all',
): Map<string, EntityCounts> {
  const out = new Map<string, EntityCounts>();
  const get = (t: string): EntityCounts => {
    let c = out.get(t);
    if (!c) out.set(t, (c = { tp: 0, fn: 0, fp: 0 }));
    return c;
  };
  const same = mode === 'exact' ? exact : overlaps;
  const compatible = (e: Span, f: Span) => (typeMatch === 'any' || e.type === f.type) && same(e, f);
  for (const e of entities) {
    if (findings.some((f) => compatible(e, f))) get(e.type).tp++;
    else get(e.type).fn++;
  }
  for (const f of findings) {
    if (scoredTypes !== 'all' && !scoredTypes.has(f.type)) continue;
    if (!entities.some((e) => compatible(e, f))) get(typeMatch === 'any' ? 'SECRET' : f.type).fp++;
  }
  return out;
}

/** Adds b into a, type by type. */
export function mergeCounts(a: Map<string, EntityCounts>, b: ReadonlyMap<string, EntityCounts>): void {
  for (const [t, c] of b) {
    const x = a.get(t) ?? { tp: 0, fn: 0, fp: 0 };
    x.tp += c.tp;
    x.fn += c.fn;
    x.fp += c.fp;
    a.set(t, x);
  }
}
