/**
 * Name globs for model and tool allowlists (`gpt-4.1-*`, `search_*`). Model and tool names come
 * from request content, so matching runs on RE2 (linear time), never on a JS RegExp — picomatch
 * compiles to JS regexes with lookaheads that RE2 cannot run, which is why it is not used here.
 * Supported syntax: `*` (any run of characters, including none), `?` (one character),
 * `{a,b}` (alternatives); everything else is literal.
 */
import { RE2 } from 're2';

/** A compiled list of globs: `matches(name)` is true when any glob matches the whole name. */
export interface GlobMatcher {
  readonly globs: readonly string[];
  matches(name: string): boolean;
}

const META = new Set(['\\', '^', '$', '.', '|', '+', '(', ')', '[', ']', '{', '}', '*', '?']);

function escapeChar(c: string): string {
  return META.has(c) ? `\\${c}` : c;
}

/** Translate one glob to an RE2 source anchored on both ends. */
export function globToRe2Source(glob: string): string {
  let out = '';
  let inBraces = false;
  for (const c of glob) {
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '{' && !inBraces) { out += '(?:'; inBraces = true; }
    else if (c === '}' && inBraces) { out += ')'; inBraces = false; }
    else if (c === ',' && inBraces) out += '|';
    else out += escapeChar(c);
  }
  if (inBraces) throw new Error(`unclosed "{" in glob ${JSON.stringify(glob)}`);
  return `^(?:${out})$`;
}

/** Compile globs once at policy load. `undefined` globs means "anything" when `absentMeansAll`. */
export function compileGlobs(globs: readonly string[] | undefined, absentMeansAll: boolean): GlobMatcher {
  if (globs === undefined) {
    return Object.freeze({ globs: Object.freeze([]) as readonly string[], matches: () => absentMeansAll });
  }
  const exact = new Set(globs.filter((g) => !/[*?{]/.test(g)));
  const patterned = globs.filter((g) => /[*?{]/.test(g));
  const re = patterned.length > 0 ? new RE2(patterned.map(globToRe2Source).join('|'), 's') : undefined;
  return Object.freeze({
    globs: Object.freeze([...globs]),
    matches(name: string): boolean {
      if (typeof name !== 'string') return false;
      if (exact.has(name)) return true;
      return re !== undefined && re.test(name);
    },
  });
}
