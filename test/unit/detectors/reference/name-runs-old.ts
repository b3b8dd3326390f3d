/**
 * Frozen copy of the RE2 candidate finder the person-name detector used before the
 * character-class scanner (detectors/engine/name-runs.ts), for the differential test only.
 */
import { compilePattern } from '../../../../detectors/engine/re2-seam.js';

const WINDOW = 32 * 1024;
const UPPER_TOKEN = String.raw`\p{Lu}[\p{Ll}\p{M}][\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*`;
const INITIAL = String.raw`\p{Lu}\.`;
const PARTICLE = '(?:van|von|vom|zu|de|der|den|del|della|dei|di|da|du|dos|das|do|le|la|bin|ibn|al|ter|ten|y)';
const RUN = `(?:${INITIAL}|${UPPER_TOKEN})(?:[ \\t]+(?:${PARTICLE}[ \\t]+)*(?:${INITIAL}|${UPPER_TOKEN}))*`;
const runPattern = compilePattern('pii.person-name', RUN);

/** Every run of capitalised tokens, as view offsets (the old `runs()` of names-detector.ts). */
export function* runs(text: string): Generator<{ start: number; end: number }> {
  let from = 0;
  while (from < text.length) {
    let to = Math.min(text.length, from + WINDOW);
    if (to < text.length) {
      for (let k = to, low = from + WINDOW / 2; k > low; k--) {
        const c = text.charCodeAt(k);
        if (c === 10 || c === 32) { to = k; break; }
      }
    }
    const chunk = to === text.length && from === 0 ? text : text.slice(from, to);
    const found = (runPattern as unknown as { match(s: string): string[] | null }).match(chunk);
    let pos = 0;
    for (const m of found ?? []) {
      const at = chunk.indexOf(m, pos);
      if (at < 0) break;
      pos = at + m.length;
      yield { start: from + at, end: from + pos };
    }
    from = to;
  }
}
