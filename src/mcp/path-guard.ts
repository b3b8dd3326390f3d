/**
 * Path checks for the `prefix` argument constraint. A model-chosen path is hostile input: it
 * may climb out with `..`, hide the climb in an encoding (`%2e%2e`, `\u002e`, fullwidth dots that
 * NFKC folds to `.`), use Windows separators, a NUL that truncates in C, or a `~` a shell would
 * expand. We refuse all of those outright rather than try to decode them, then normalise with
 * POSIX rules and compare against the prefix with a trailing separator, so `/srv/data` never
 * admits `/srv/database`. Pure string operations: no RegExp on untrusted text.
 */
import path from 'node:path';

/** Why a path was refused (a short reason, safe to show: it never contains the path). */
export type PathRefusal =
  | 'not-a-string' | 'empty' | 'control-character' | 'backslash' | 'percent-encoding' | 'tilde'
  | 'non-normalised-unicode' | 'dot-dot-segment' | 'relative' | 'outside-prefix' | 'symlink-escape';

/** Normalise an operator's prefix once: absolute POSIX, exactly one trailing slash. */
export function normalisePrefix(prefix: string): string {
  const n = path.posix.normalize(prefix);
  return n.endsWith('/') ? n : `${n}/`;
}

/** Lexical checks on a raw path; `undefined` when acceptable. */
export function lexicalRefusal(value: unknown): PathRefusal | undefined {
  if (typeof value !== 'string') return 'not-a-string';
  if (value.length === 0) return 'empty';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return 'control-character';
    if (c === 0x5c) return 'backslash';
    if (c === 0x25) return 'percent-encoding';
    if (c === 0x7e) return 'tilde';
  }
  // Fullwidth/compatibility forms (U+FF0E "．", U+2024 "․" …) fold to "." or "/" under NFKC; a
  // server that normalises would see a different path than we checked.
  if (value.normalize('NFKC') !== value) return 'non-normalised-unicode';
  for (const seg of value.split('/')) if (seg === '..') return 'dot-dot-segment';
  return undefined;
}

/**
 * Check that `value` lies under `normalisedPrefix` (from `normalisePrefix`). When `realpath` is
 * given (the server runs on this host), an existing path must also resolve, through symlinks,
 * under the prefix's own real path.
 */
export function checkPathUnder(
  value: unknown,
  normalisedPrefix: string,
  realpath?: (p: string) => string | undefined,
): PathRefusal | undefined {
  const lexical = lexicalRefusal(value);
  if (lexical) return lexical;
  const raw = value as string;
  if (normalisedPrefix.startsWith('/') && !raw.startsWith('/')) return 'relative';
  const normalised = path.posix.normalize(raw);
  const withSlash = normalised.endsWith('/') ? normalised : `${normalised}/`;
  if (!withSlash.startsWith(normalisedPrefix)) return 'outside-prefix';
  if (realpath) {
    const real = realpath(normalised);
    if (real !== undefined) {
      const realPrefix = realpath(normalisedPrefix) ?? normalisedPrefix;
      const rp = realPrefix.endsWith('/') ? realPrefix : `${realPrefix}/`;
      const rv = real.endsWith('/') ? real : `${real}/`;
      if (!rv.startsWith(rp)) return 'symlink-escape';
    }
  }
  return undefined;
}
