/**
 * Differential test of the person-name candidate finder: the character-class scanner
 * (detectors/engine/name-runs.ts) must return exactly the runs the RE2 pattern it replaced returns
 * (reference/name-runs-old.ts), on seeded random text built from capitals and small letters of
 * many scripts (astral ones included), combining marks, title-case and uncased letters, initials,
 * apostrophes and hyphens, every surname particle, blanks and other whitespace, lone surrogates,
 * plus long texts that cross the 32 K matching windows and hand-written hostile strings; and the
 * shipped Unicode category ranges against RE2's own classification of every code point. Starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { findNameRuns, NAME_RUN_WINDOW } from '../../../detectors/engine/name-runs.js';
import { runs } from './reference/name-runs-old.js';
import { classRangesFromRe2, loadClassRanges } from '../../../detectors/engine/unicode-classes.js';
import { rng } from '../../../eval/classifier/generate.js';

const PIECES = [
  'Anna', 'Maria', 'McCray', "O'Brien", 'O’Neil', 'Jean-Luc', 'LeBatelier', 'Müller', 'Ángel', 'Łukasz', 'Øyvind', 'Ðorđe', 'Żaneta',
  'Иван', 'Ольга', 'Σοφία', 'Αλέξης', 'Արամ', 'Ⴀⴀ', 'Ꭰꭰ', 'ǅungla', 'ǈ', 'ǲ', 'Ǆ', 'ΐ', 'İstanbul', 'ẞ', 'ß', 'ı', 'ŉ',
  'E.', 'J.', 'Ü.', 'A', 'B', 'I', 'X.Y', 'NASA', 'SQL', 'JSON', 'iPhone', 'eBay', 'aBc',
  'van', 'von', 'vom', 'zu', 'de', 'der', 'den', 'del', 'della', 'dei', 'di', 'da', 'du', 'dos', 'das', 'do', 'le', 'la', 'bin', 'ibn', 'al', 'ter', 'ten', 'y',
  'dex', 'vann', 'Van', 'DE', 'dé', 'the', 'and', 'said', 'x',
  ' ', ' ', ' ', '  ', '\t', ' \t ', '\n', '\r\n', '\u00a0', '\u3000', '\u2003',
  "'", '’', '-', '.', ',', ':', '@', '/', '"', '(', ')', '‐', '–',
  'e\u0301', 'A\u0301', 'A\u0301nna', 'M\u0308ller', '\u0301', '\u0308', '\u0903', '\u20dd', 'Ae\u0301',
  '中文', '日本', 'ひらがな', 'ｶﾀｶﾅ', 'ʰ', 'ˁ', 'ª', '\u02b0',
  '𝐀𝐧𝐧𝐚', '𝐀', '𝐚', '𝔄𝔫𝔫𝔞', '𐐀𐐨', '𐐀', '𐐨', '𞤀𞤢', '𑢠𑣀', '𖹀𖹠', '😀', '𝟏',
  '\ud800', '\udc00', '\udbff', 'A\ud800', 'A\udc00b', 'An\ud800', '\ufffd', 'A\ufffd',
  '0', '12', '4111', '\u0000', '\u200b', '\u00ad', 'Ａｎｎａ', 'Ⓐ', 'ⓐ', 'Ⅻ', 'ⅻ',
];

function randomText(r: () => number, parts: number): string {
  let s = '';
  for (let k = 0; k < parts; k++) {
    const x = r();
    if (x < 0.9) s += PIECES[Math.floor(r() * PIECES.length)]!;
    else s += String.fromCodePoint(Math.floor(r() * 0x30000));
  }
  return s;
}

function oldRuns(text: string): number[] {
  const out: number[] = [];
  for (const m of runs(text)) out.push(m.start, m.end);
  return out;
}

describe('name-run scanner against the RE2 finder', () => {
  it('ships the Unicode category ranges RE2 itself reports for every code point (regenerate with unicode-classes.ts --write)', () => {
    const shipped = loadClassRanges();
    const fromRe2 = classRangesFromRe2();
    expect(fromRe2.Lu.length).toBeGreaterThan(500);
    expect(shipped).toEqual(fromRe2);
  });

  it('finds identical runs on 20 000 seeded random strings of names, particles, marks, astral letters and surrogates', () => {
    const r = rng(0x5eed20);
    let compared = 0;
    let nonEmpty = 0;
    for (let k = 0; k < 20_000; k++) {
      const t = randomText(r, 1 + Math.floor(r() * 40));
      const want = oldRuns(t);
      const got = findNameRuns(t);
      if (got.join() !== want.join()) expect({ text: JSON.stringify(t), got }).toEqual({ text: JSON.stringify(t), got: want });
      compared++;
      if (want.length) nonEmpty++;
    }
    expect(compared).toBe(20_000);
    // The generator must actually produce runs, or the comparison says little.
    expect(nonEmpty).toBeGreaterThan(15_000);
  });

  it('finds identical runs on texts longer than the matching window, with runs across window edges', () => {
    const r = rng(42);
    for (let k = 0; k < 6; k++) {
      const t = randomText(r, Math.floor((NAME_RUN_WINDOW * (2 + k)) / 4));
      expect(t.length).toBeGreaterThan(NAME_RUN_WINDOW);
      expect(findNameRuns(t)).toEqual(oldRuns(t));
    }
  });

  it('finds identical runs on hostile inputs (no blanks, endless particles, long runs, one letter)', () => {
    const hostile = [
      'A'.repeat(100_000),
      'Aa'.repeat(50_000),
      'Ab '.repeat(40_000),
      'Anna ' + 'van '.repeat(30_000) + 'x',
      'Anna ' + 'van '.repeat(30_000) + 'Berg',
      ('Anna ' + 'de '.repeat(50) + 'berg ').repeat(500),
      'A. '.repeat(40_000),
      "O'".repeat(40_000),
      'Ab-'.repeat(40_000),
      '𝐀𝐚'.repeat(30_000),
      'A\u0301'.repeat(40_000),
      'a'.repeat(100_000),
      ('x'.repeat(NAME_RUN_WINDOW - 3) + ' Anna Maria Berg').repeat(3),
      '\ud800A'.repeat(30_000),
    ];
    for (const t of hostile) expect(findNameRuns(t)).toEqual(oldRuns(t));
  });

  it('finds the runs the pattern defines in ordinary prose (a title ends at its dot, a lone capital before an apostrophe is no token)', () => {
    const t = 'Dear Ms. Anna van der Berg, J. R. R. Tolkien met O’Brien, McCray and Jean-Luc in Paris.';
    const got = findNameRuns(t);
    const spans: string[] = [];
    for (let k = 0; k < got.length; k += 2) spans.push(t.slice(got[k], got[k + 1]));
    expect(spans).toEqual(['Dear Ms', 'Anna van der Berg', 'J. R. R. Tolkien', 'Brien', 'McCray', 'Jean-Luc', 'Paris']);
    expect(got).toEqual(oldRuns(t));
  });
});
