/**
 * Person names (detectors/engine/names-detector.ts, wired through the engine's pii-nlp hook):
 * what counts as a name, what does not (places, streets, companies, e-mail local parts, everyday
 * words), the anchored default versus `names: 'all'`, spans through normalisation, and a small
 * injected dictionary for names the dictionary lacks. Starts nothing; loads the faker dictionary once.
 */
import { describe, expect, it } from 'vitest';
import { createEngine, REGEX_PII_TYPES } from '../../../detectors/engine/index.js';
import { NameDetector } from '../../../detectors/engine/names-detector.js';
import { buildNameDictionary } from '../../../detectors/engine/names-dictionary.js';
import type { Finding, ScanContext } from '../../../detectors/engine/index.js';

const ctx: ScanContext = { direction: 'request', surface: 'llm' };
const anchored = createEngine({});
const all = createEngine({ pii: { entities: [...REGEX_PII_TYPES, 'PERSON'], names: 'all' } });

function people(engine: ReturnType<typeof createEngine>, text: string): string[] {
  const [r] = engine.scan(text, ctx, ['pii']);
  return r!.findings.filter((f: Finding) => f.type === 'PERSON').map((f) => text.slice(f.start, f.end));
}

describe('anchored (the default)', () => {
  it('reports the name on an address card, next to the address it anchors on', () => {
    const text = 'Katrina Mota\n55 Acheron Rd Apt. 237\nPhone: +44 20 7946 0958';
    expect(people(anchored, text)).toEqual(['Katrina Mota']);
  });

  it('reports a name after a field label, a self-introduction or a salutation with no other PII', () => {
    expect(people(anchored, 'Name: Emilie Broberg\nRole: engineer')).toEqual(['Emilie Broberg']);
    expect(people(anchored, 'Hello, my name is Julia Gyarmathy and I need help')).toEqual(['Julia Gyarmathy']);
    expect(people(anchored, 'Dear Oskar,\nthanks for the update')).toEqual(['Oskar']);
  });

  it('reports nothing in a story, a maths problem or a question about a famous person', () => {
    expect(people(anchored, 'Katy makes some brownies. She eats 5 on Monday and gives 3 to Mark.')).toEqual([]);
    expect(people(anchored, 'Who was Abraham Lincoln?')).toEqual([]);
    expect(people(anchored, 'Mr. Hussein said the talks would continue on Monday.')).toEqual([]);
  });

  it('does not report a name that is part of an address or an e-mail address', () => {
    const text = 'Write to EwanDawson@dayrep.com or visit 12 Victor Hugo Street.';
    expect(people(anchored, text)).toEqual([]);
  });
});

describe("names: 'all'", () => {
  it('reports full names in prose without any other personal data', () => {
    expect(people(all, 'Who was Abraham Lincoln?')).toEqual(['Abraham Lincoln']);
    expect(people(all, 'The song was produced by Joakim Westgård last year.')).toEqual(['Joakim Westgård']);
  });

  it('reports a single given name mid-sentence but not an everyday word that is also a name', () => {
    expect(people(all, 'Why is Roxanne so impulsive?')).toEqual(['Roxanne']);
    expect(people(all, 'We will grant the request in May.')).toEqual([]);
  });

  it('keeps the pack rules (titles) in this mode', () => {
    const [r] = all.scan('Mr. Matthews is a 36 year old man', ctx, ['pii']);
    expect(r!.findings.map((f) => f.rule)).toContain('pii.person-honorific');
  });

  it('does not take places, streets or companies for people', () => {
    expect(people(all, 'I moved to Hong Kong last year.')).toEqual([]);
    expect(people(all, 'They met on Kimberly Way and worked at Miller Ltd for years.')).toEqual([]);
    expect(people(all, 'The Princess Royal arrived this morning.')).toEqual([]);
  });

  it('keeps initials and particles inside the span and the possessive outside it', () => {
    expect(people(all, 'a year as the assistant to Alvir D. Pušaver, then more')).toEqual(['Alvir D. Pušaver']);
    expect(people(all, 'I went to see Maria van Dijk yesterday.')).toEqual(['Maria van Dijk']);
    expect(people(all, "the verses from Terence Vassiliev's Cautionary Tales")).toEqual(['Terence Vassiliev']);
  });

  it('maps spans back to the original text across zero-width characters', () => {
    const text = 'ig\u200bnore this: the editor was Lisa Wirtz.';
    expect(people(all, text)).toEqual(['Lisa Wirtz']);
  });
});

describe('engine wiring', () => {
  it('reports names under the pii detector with rule, type, score and a masked excerpt', () => {
    const text = 'Name: Emilie Broberg';
    const [r] = anchored.scan(text, ctx, ['pii']);
    const f = r!.findings.find((x) => x.type === 'PERSON')!;
    expect(f.rule).toBe('pii.person-name');
    expect(f.score).toBeGreaterThanOrEqual(0.5);
    expect(f.excerpt).toBe('[PERSON len=14]');
    expect(f.excerpt).not.toContain('Emilie');
    expect(r!.score).toBeGreaterThanOrEqual(f.score);
  });

  it('reports no names when PERSON is not among the policy entities', () => {
    const engine = createEngine({ pii: { entities: ['EMAIL', 'PHONE'] } });
    expect(people(engine, 'Name: Emilie Broberg\nPhone: +44 20 7946 0958')).toEqual([]);
  });
});

describe('injected dictionary', () => {
  const dict = buildNameDictionary({ first: ['Ana'], last: ['Lindqvist'], common: ['grant'], places: ['Lisbon'] });
  const names = new NameDetector({ dict, mode: 'all' });
  const spans = (text: string): string[] => names.scan(text, ctx).findings.map((f) => text.slice(f.start, f.end));

  it('finds a known given name before an unknown surname', () => {
    expect(spans('We hired Ana Kowalczyk last week.')).toEqual(['Ana Kowalczyk']);
  });

  it('finds an unknown given name before a surname-shaped word (-sson, -ski, -ić …)', () => {
    expect(spans('Greetings from Tzigane Andersson to all.')).toEqual(['Tzigane Andersson']);
  });

  it('finds two unknown words as a name only with context', () => {
    expect(spans('Greetings from Tzigane Lantos to all.')).toEqual([]);
    expect(spans('Dear Tzigane Lantos, welcome.')).toEqual(['Tzigane Lantos']);
  });

  it('reports nothing for a place on its own', () => {
    expect(spans('We flew to Lisbon on Friday.')).toEqual([]);
  });
});

describe('titles and salutations', () => {
  it('keeps the title out of the span and treats a salutation with a title as a letter to that person', () => {
    expect(people(anchored, 'Dear Ms. Anna-Lena Schröder-Wagner,\nthank you.')).toEqual(['Anna-Lena Schröder-Wagner']);
    expect(people(anchored, 'Sehr geehrte Frau Müller,\nvielen Dank.')).toEqual(['Müller']);
  });

  it('finds names in Cyrillic next to a phone number', () => {
    expect(people(anchored, 'Меня зовут Иван Петров, телефон +7 912 345 67 89')).toEqual(['Иван Петров']);
  });
});
