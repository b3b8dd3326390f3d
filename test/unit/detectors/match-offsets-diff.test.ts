/**
 * Differential test of `matchAll`: spans and group offsets (UTF-16) must equal the frozen
 * pre-speed-work implementation (reference/engine-old/re2-seam.ts, full byte map) on seeded random
 * strings of 1-, 2-, 3- and 4-byte characters, lone surrogates and U+FFFD, for patterns with
 * groups, optional groups and empty matches, and with small match limits. Starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { clearEncodeCache, compilePattern, matchAll } from '../../../detectors/engine/re2-seam.js';
import * as old from './reference/engine-old/re2-seam.js';
import { rng } from '../../../eval/classifier/generate.js';

const PATTERNS = ['[\\s\\S]', 'a*', '(b+)(c)?', 'x?', '\\b', '(?:^|[^a])(é+)', '([^ ]+) ([^ ]+)', '.{1,3}', '😀|中', '(\\p{L}+)', '(?:key=)([A-Za-z0-9]{3,})'];
const PIECES = ['a', 'b', 'c', 'é', '中', '😀', ' ', 'bc', 'ébé', '\u0800', '\u07ff', '\uffff', 'x', 'aa', 'key=abc1', 'key=é'];
const ODD = ['\ud800', '\udc00', '\ufffd', '\ud83d'];

describe('match offsets equal the reference implementation', () => {
  it('30 000 random strings and patterns give identical spans and group offsets', () => {
    const r = rng(2024);
    const compiled = PATTERNS.map((p) => [compilePattern('t', p), old.compilePattern('t', p)] as const);
    for (let k = 0; k < 30_000; k++) {
      const pool = k % 3 === 0 ? [...PIECES, ...ODD] : PIECES;
      let t = '';
      const n = Math.floor(r() * 30);
      for (let q = 0; q < n; q++) t += pool[Math.floor(r() * pool.length)]!;
      const [a, b] = compiled[k % compiled.length]!;
      const limit = k % 7 === 0 ? 1 + Math.floor(r() * 3) : 256;
      const got = JSON.stringify(matchAll(a, t, limit));
      const want = JSON.stringify(old.matchAll(b, t, limit));
      clearEncodeCache();
      old.clearEncodeCache();
      if (got !== want) expect(`${JSON.stringify(t)} ${PATTERNS[k % PATTERNS.length]}: ${got}`).toBe(`${JSON.stringify(t)} ${PATTERNS[k % PATTERNS.length]}: ${want}`);
    }
  }, 120_000);
});
