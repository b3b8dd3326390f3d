/**
 * A tiny glob matcher for model names (`*` any run, `?` one character). Model names come from
 * request bodies, so this avoids JS RegExp entirely (see DESIGN "linear-time matching on
 * untrusted text"); the two-pointer algorithm below is O(n·m) at worst on a length-capped input.
 */

/** Longest model name we match; longer names never match a glob (they are not real models). */
const MAX_NAME = 256;

/** True when `name` matches `glob` (`*` = any run of characters, `?` = exactly one). */
export function globMatch(glob: string, name: string): boolean {
  if (name.length > MAX_NAME) return false;
  let g = 0;
  let n = 0;
  let starG = -1;
  let starN = 0;
  while (n < name.length) {
    const c = glob[g];
    if (g < glob.length && (c === '?' || c === name[n])) {
      g++;
      n++;
    } else if (g < glob.length && c === '*') {
      starG = g++;
      starN = n;
    } else if (starG >= 0) {
      g = starG + 1;
      n = ++starN;
    } else {
      return false;
    }
  }
  while (g < glob.length && glob[g] === '*') g++;
  return g === glob.length;
}

/**
 * Look a model up in a table keyed by exact names and globs: the exact name wins, then the
 * longest matching glob (the most specific one), so `gpt-4o-mini*` beats `gpt-4o*`.
 */
export function lookupByModel<T>(table: Readonly<Record<string, T>> | undefined, model: string): T | undefined {
  if (!table) return undefined;
  if (Object.prototype.hasOwnProperty.call(table, model)) return table[model];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (!key.includes('*') && !key.includes('?')) continue;
    if (globMatch(key, model) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}
