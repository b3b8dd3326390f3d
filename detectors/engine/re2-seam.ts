/**
 * The one place that builds regular expressions. Every pattern that touches request or response
 * content is compiled here with RE2 (linear time, no backtracking), so a hostile input cannot make
 * a rule explode (ReDoS). RE2 has no lookahead and no backreferences: rules are written within
 * those limits, and a pattern RE2 rejects is a load error naming the rule.
 */
import RE2 from 're2';

/** A compiled RE2 pattern (global, so `matchAll` can walk every match). */
export type Re2Pattern = InstanceType<typeof RE2>;
/** A compiled RE2.Set: one pass reports which of many patterns match. */
export type Re2Set = ReturnType<typeof RE2.Set>;

/** Thrown when a rule's pattern is not valid RE2; the message names the rule. */
export class RuleLoadError extends Error {
  constructor(readonly ruleId: string, detail: string) {
    super(`rule ${ruleId}: ${detail}`);
    this.name = 'RuleLoadError';
  }
}

/**
 * Compile one rule pattern. `flags` may contain `i` (case-insensitive); `u` and `g` are always set.
 * @throws RuleLoadError naming `ruleId` when RE2 rejects the pattern.
 */
export function compilePattern(ruleId: string, source: string, flags = ''): Re2Pattern {
  try {
    return new RE2(source, `gu${flags.includes('i') ? 'i' : ''}`);
  } catch (err) {
    throw new RuleLoadError(ruleId, `invalid RE2 pattern: ${(err as Error).message}`);
  }
}

/**
 * Compile a set of patterns for one pass over a text. Case-insensitive patterns should carry an
 * inline `(?i)` so one set can mix both.
 */
export function compileSet(ruleIds: string[], sources: string[]): Re2Set {
  try {
    return new RE2.Set(sources, 'u');
  } catch (err) {
    // RE2.Set reports no index: find the culprit so the message names it.
    for (let i = 0; i < sources.length; i++) compilePattern(ruleIds[i] ?? `#${i}`, sources[i] ?? '');
    throw new RuleLoadError(ruleIds.join(','), `invalid RE2 set: ${(err as Error).message}`);
  }
}

/** Escape a literal (a rule keyword) for use inside an RE2 pattern. */
export function escapeLiteral(s: string): string {
  let out = '';
  for (const ch of s) out += '\\^$.|?*+()[]{}-/'.includes(ch) ? `\\${ch}` : ch;
  return out;
}

/** One match: UTF-16 offsets into the scanned string and the capture groups. */
export interface Re2Match {
  start: number;
  end: number;
  groups: Array<string | undefined>;
  /** Start offset of each capture group (-1 when the group did not take part). */
  groupStarts: number[];
}

/**
 * Every non-overlapping match of `re` in `text`, at most `limit` of them (bounded work on
 * hostile input). node-re2 reports no group offsets, so a group's offset is its last occurrence
 * inside the match: exact for the way our rules use groups (the secret value comes last).
 */
export function matchAll(re: Re2Pattern, text: string, limit = 256): Re2Match[] {
  const out: Re2Match[] = [];
  re.lastIndex = 0;
  while (out.length < limit) {
    const m = re.exec(text);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    const groups: Array<string | undefined> = [];
    const groupStarts: number[] = [];
    for (let g = 1; g < m.length; g++) {
      const gv = m[g];
      groups.push(gv);
      // Secret groups sit at the end of our patterns (after the key name), so the last
      // occurrence inside the match is the group's own position.
      const pos = gv === undefined ? -1 : m[0].lastIndexOf(gv);
      groupStarts.push(pos < 0 ? -1 : start + pos);
    }
    out.push({ start, end, groups, groupStarts });
    if (m[0].length === 0) re.lastIndex = end + 1;
  }
  re.lastIndex = 0;
  return out;
}
