/**
 * Unicode general categories the person-name scanner needs (Lu, Ll, L, M), as code point ranges
 * generated from RE2 itself (`npx tsx detectors/engine/unicode-classes.ts --write`), so the scanner
 * classifies exactly as the RE2 pattern it replaced did. Shipped as data because deriving them
 * from RE2 at start-up costs ~200 ms (RE2 builds DFA states for every code point of a block);
 * `test/unit/detectors/name-runs-diff.test.ts` regenerates them and fails when node-re2's Unicode
 * tables change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compilePattern } from './re2-seam.js';

/** Category name → flat [start, end) code point ranges, ascending. */
export type ClassRanges = Record<'Lu' | 'Ll' | 'L' | 'M', number[]>;

/** The shipped ranges file. */
export const CLASS_RANGES_FILE = fileURLToPath(new URL('./unicode-classes.json', import.meta.url));
/** Categories, in the order of their bits in the scanner's tables (1, 2, 4, 8). */
export const CATEGORIES = ['Lu', 'Ll', 'L', 'M'] as const;

/** Load the shipped ranges. */
export function loadClassRanges(): ClassRanges {
  return (JSON.parse(readFileSync(CLASS_RANGES_FILE, 'utf8')) as { ranges: ClassRanges }).ranges;
}

/**
 * The ranges as RE2 classifies them: every code point (surrogates excepted) matched, 65 536 at a
 * time, with `\p{X}+|\P{X}+`, whose matches are the alternating runs in and out of the category.
 */
export function classRangesFromRe2(): ClassRanges {
  const out = {} as ClassRanges;
  for (const cat of CATEGORIES) {
    const runs = compilePattern(`unicode.${cat}`, `\\p{${cat}}+|\\P{${cat}}+`) as unknown as { match(s: string): string[] | null };
    const first = compilePattern(`unicode.${cat}.first`, `^\\p{${cat}}`) as unknown as { lastIndex: number; test(s: string): boolean };
    const ranges: number[] = [];
    for (let base = 0; base < 0x110000; base += 0x10000) {
      const cps: number[] = [];
      // Surrogate code points cannot be encoded; NUL stands in (in no category, one unit like them).
      for (let cp = base; cp < base + 0x10000; cp++) cps.push(cp >= 0xd800 && cp <= 0xdfff ? 0 : cp);
      let src = '';
      for (let k = 0; k < cps.length; k += 4096) src += String.fromCodePoint(...cps.slice(k, k + 4096));
      const w = base >= 0x10000 ? 2 : 1;
      first.lastIndex = 0;
      let inClass = first.test(src);
      first.lastIndex = 0;
      let pos = 0;
      for (const m of runs.match(src) ?? []) {
        if (inClass) {
          const s = base + pos / w;
          const e = base + (pos + m.length) / w;
          // Join with the previous range when contiguous (across chunk edges).
          if (ranges.length && ranges[ranges.length - 1] === s) ranges[ranges.length - 1] = e;
          else ranges.push(s, e);
        }
        pos += m.length;
        inClass = !inClass;
      }
      if (pos !== src.length) throw new Error(`unicode classes: runs of ${cat} do not cover plane ${base >> 16}`);
    }
    out[cat] = ranges;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--write')) {
  const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../../node_modules/re2/package.json', import.meta.url)), 'utf8')) as { version: string };
  writeFileSync(CLASS_RANGES_FILE, `${JSON.stringify({ generatedBy: `detectors/engine/unicode-classes.ts from re2@${version}`, ranges: classRangesFromRe2() })}\n`);
  console.log(`wrote ${CLASS_RANGES_FILE}`);
}
