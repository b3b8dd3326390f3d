/**
 * Differential test of the person-name detector after the speed work (character-class run
 * scanner, per-scan token classes, anchored mode skipping texts where no name can qualify): its
 * findings must equal the frozen detector from before (reference/names-detector-old.ts) in both
 * modes, with and without anchors, on seeded random texts built from given names, surnames,
 * titles with and without a dot, greetings in several languages and cases, field labels before
 * ':', self-introductions, personal-context phrases, everyday capitalised words, digits and
 * punctuation — the words that decide whether anchored mode may report a name — and on texts
 * that only just miss them ("this", "surname is", "Hi" inside a word). Starts nothing; loads the faker dictionary once.
 */
import { describe, expect, it } from 'vitest';
import { NameDetector } from '../../../detectors/engine/names-detector.js';
import { NameDetector as OldNameDetector } from './reference/names-detector-old.js';
import { ScanInput } from '../../../detectors/engine/scan-input.js';
import { clearEncodeCache } from '../../../detectors/engine/re2-seam.js';
import { rng } from '../../../eval/classifier/generate.js';
import type { ScanContext } from '../../../detectors/engine/index.js';

const ctx: ScanContext = { direction: 'request', surface: 'llm' };
const PIECES = [
  'Anna', 'Maria', 'Jean-Luc', "O'Brien", 'McCray', 'Müller', 'Schröder-Wagner', 'Ivanova', 'Kowalski', 'Nguyen', 'Smith', 'Johnson', 'Lincoln', 'Tzigane', 'Lantos',
  'J.', 'E.', 'van', 'de', 'der', 'von',
  'Mr', 'Mr.', 'Mrs.', 'Ms', 'Dr.', 'Frau', 'Herr', 'Señor', 'Madame', 'Prof.',
  'Dear', 'dear', 'Hi', 'hi', 'HI', 'Hello', 'Hey', 'Thanks', 'Bye', 'Hola', 'Ciao', 'Bonjour', 'Liebe', 'Sehr geehrte', 'Chère', 'chère', 'CHÈRE', 'Querida', 'Estimado', 'Gentile',
  'Name:', 'name :', 'Customer:', 'Patient\t:', 'From:', 'To:', 'cc:', 'Signed:', 'Vorname:', 'Naam:', 'User:', 'Guest:',
  'my name is', 'My name is', 'name  is', 'I am called', 'am\tcalled', 'named', 'called',
  'my account', 'My Card', 'account holder', 'your last name', 'his address', 'my e-mail', 'beneficiary', 'cardholder',
  'Dear,', 'hi!', 'Hello\n', 'Bestellung', 'hi-', 'Thanks.', 'dear\t', 'this', 'which', 'surname is', 'Philip', 'Thanksgiving', 'hiking', 'Chiara', 'tohi', 'the', 'The', 'In', 'May', 'Paris', 'Berlin', 'Street', 'Ltd', 'Inc',
  'said', 'told', 'wrote', 'and', 'with', 'by', 'is', 'was', "'s", '’s',
  ' ', ' ', ' ', ' ', '  ', '\t', '\n', ', ', '. ', '! ', '? ', ': ', '"', '(', ')', '-', '—', '1317', '42', '@', '/', '.',
  'é', 'Ω', 'K', 'İ', 'ſ', '\u200b', '😀',
];

function randomText(r: () => number): string {
  const n = 1 + Math.floor(r() * 30);
  let s = '';
  for (let k = 0; k < n; k++) {
    s += PIECES[Math.floor(r() * PIECES.length)]!;
    if (r() < 0.6) s += ' ';
  }
  return s;
}

const spans = (fs: Array<{ start: number; end: number; score: number; rule: string }>): string => JSON.stringify(fs.map((f) => [f.rule, f.start, f.end, f.score]));

describe('person names after the speed work against the frozen detector', () => {
  const modes = ['anchored', 'all'] as const;
  const fresh = Object.fromEntries(modes.map((m) => [m, new NameDetector({ mode: m })]));
  const frozen = Object.fromEntries(modes.map((m) => [m, new OldNameDetector({ mode: m })]));

  it('reports identical names on 6 000 seeded random texts, both modes, with and without an anchor', () => {
    const r = rng(0xa11ce);
    let withNames = 0;
    for (let k = 0; k < 6000; k++) {
      const text = randomText(r);
      const mode = modes[k % 2]!;
      // Half the texts carry an anchor (another PII finding) covering a stretch of the text.
      const a = r() < 0.5 ? [] : [{ start: 0, end: Math.min(text.length, 3) }];
      const got = fresh[mode]!.scanInput(new ScanInput(text), ctx, () => a).findings;
      const want = frozen[mode]!.scanInput(new ScanInput(text), ctx, () => a).findings;
      clearEncodeCache();
      if (spans(got) !== spans(want)) expect({ text, mode, anchors: a.length, got: spans(got) }).toEqual({ text, mode, anchors: a.length, got: spans(want) });
      if (want.length) withNames++;
    }
    // Enough texts must report names for the comparison to mean something.
    expect(withNames).toBeGreaterThan(1000);
  });

  it('skips an unanchored text without qualifying words and still reports the ones that have them', () => {
    const text = 'Anna Schröder-Wagner met Lincoln in Paris and they talked about this.';
    expect(fresh.anchored!.scanInput(new ScanInput(text), ctx, () => []).findings).toEqual([]);
    expect(frozen.anchored!.scanInput(new ScanInput(text), ctx, () => []).findings).toEqual([]);
    for (const t of ['Dear Anna Schröder-Wagner, thanks.', 'Name: Anna Schröder-Wagner', 'Hi Anna!', 'my name is Anna Schröder-Wagner', 'CHÈRE Anna, merci']) {
      const got = fresh.anchored!.scanInput(new ScanInput(t), ctx, () => []).findings;
      expect(got.length).toBeGreaterThan(0);
      expect(spans(got)).toBe(spans(frozen.anchored!.scanInput(new ScanInput(t), ctx, () => []).findings));
    }
  });
});
