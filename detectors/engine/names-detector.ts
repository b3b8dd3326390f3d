/**
 * Person names by dictionary and context, the way Presidio-style recognisers work without a
 * neural model. A character-class scanner finds runs of capitalised tokens (with initials and
 * surname particles such as "van", "de", "O'", "Mc"; `name-runs.ts`, equivalent to an RE2 pattern);
 * everything after that is `Set` lookups and character tests, so no JS regex ever touches the
 * untrusted text. A run scores by what its tokens are (given name,
 * surname, everyday word, place, unknown) and by the words around it (honorifics, greetings,
 * "said", a possessive, the start of a sentence); only spans scoring at least `NAME_MIN_SCORE`
 * are reported, because the policy acts on every finding it gets.
 */
import { nameRunWindows, warmNameRuns } from './name-runs.js';
import { compilePattern, encode, escapeLiteral, type Re2Pattern } from './re2-seam.js';
import { toOriginal } from './normalize.js';
import { ScanInput } from './scan-input.js';
import { defaultNameDictionary, type NameDictionary } from './names-dictionary.js';
import type { Detector, DetectorKind, Finding, ScanContext, ScanResult } from './types.js';

/** Spans scoring below this are not reported. */
export const NAME_MIN_SCORE = 0.5;
/**
 * In a text that already holds other personal data (an address card, a signature with a phone
 * number), weaker evidence is enough: the row is personal data either way, and an unknown
 * "Tzigane Lantos" above an address is its owner.
 */
export const ANCHORED_MIN_SCORE = 0.4;
/** Longest name, in tokens (initials and particles included). */
const MAX_NAME_TOKENS = 6;

/** Titles that make the next capitalised word a name. */
const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'mx', 'miss', 'dr', 'prof', 'sir', 'dame', 'madam', 'madame', 'herr', 'frau', 'mme', 'mlle', 'monsieur', 'sr', 'sra', 'srta', 'señor', 'señora', 'sig', 'signor', 'signora', 'lady', 'lord', 'uncle', 'aunt', 'auntie', 'grandma', 'grandpa', 'cousin']);
/** Words before a name in a greeting or address. */
const GREETINGS = new Set(['hi', 'hello', 'hey', 'dear', 'dearest', 'thanks', 'bye', 'hallo', 'hola', 'ciao', 'bonjour', 'liebe', 'lieber', 'querido', 'querida', 'caro', 'cara', 'beste', 'geehrte', 'geehrter', 'estimado', 'estimada', 'gentile', 'cher', 'chère']);
/** Words that often come right before a person (speech, relations, authorship). */
const BEFORE_PERSON = new Set(['said', 'says', 'asked', 'asks', 'told', 'tells', 'named', 'called', 'call', 'met', 'meet', 'ask', 'tell', 'email', 'emailed', 'contact', 'contacted', 'thank', 'wrote', 'by', 'with', 'to', 'and', 'is', 'was', 'about', 'for', 'whom', 'friend', 'wife', 'husband', 'son', 'daughter', 'brother', 'sister', 'mother', 'father', 'mom', 'dad', 'boss', 'manager', 'colleague', 'kid', 'child', 'producer', 'director', 'starring', 'actor', 'actress', 'singer', 'author', 'patient', 'client', 'customer', 'employee', 'agent', 'nurse', 'doctor', 'teacher', 'student', 'under', 'officer', 'judge', 'vs', 'versus']);
/** Words that often come right after a person. */
const AFTER_PERSON = new Set(['said', 'says', 'asked', 'asks', 'told', 'wrote', 'replied', 'thinks', 'thought', 'wants', 'wanted', 'went', 'lives', 'lived', 'works', 'worked', 'was', 'is', 'has', 'had', 'and', 'who', 'from', 'will', 'would', 'can', 'could', 'did', 'does']);

/** One token of a run, in view offsets. */
interface Tok {
  start: number;
  end: number;
  /** Lower-cased token without a possessive `'s`. */
  key: string;
  initial: boolean;
  particle: boolean;
  caps: boolean;
  possessive: boolean;
  /** Dictionary classes, looked up once per token. */
  first: boolean;
  last: boolean;
  common: boolean;
  place: boolean;
  /** `nameable` of the token: its text alone decides, so it is computed once per distinct token. */
  nameable: boolean;
}

/**
 * How names are reported. `all`: every span scoring at least the minimum. `anchored`: only in a
 * text that also carries personal data of another kind (an address, phone number, e-mail, ID…,
 * as `anchor` reports) or talks about a person's own records ("my name", "account", "patient"),
 * or where the name itself stands in a personal context (title, label, greeting). A story, a
 * maths problem or a question about a famous person names people too; anchoring is what keeps
 * those from being redacted (docs/detectors.md, "Person names").
 */
export type NameMode = 'anchored' | 'all';

/** Lower-case phrases that make a text about someone's personal records. */
const PERSONAL_CONTEXT = ['my name', 'maiden name', 'my full name', 'my last name', 'my first name', 'my surname', 'my account', 'my card', 'my address', 'my phone', 'my email', 'my e-mail', 'my passport', 'my date of birth', 'beneficiary', 'account holder', 'cardholder', 'name on the account', 'name in the account', 'your name', 'your last name', 'your first name', 'your full name', 'his address', 'her address'];

/** PERSON findings from dictionary lookups and context. */
export class NameDetector implements Detector {
  readonly id = 'pii-names';
  readonly kind: DetectorKind = 'pii';
  readonly #dict: () => NameDictionary;
  readonly #minScore: number;
  readonly #mode: NameMode;

  /**
   * `dict` defaults to the faker-built dictionary, loaded on the first scan or by `warm()`;
   * `minScore` (default `NAME_MIN_SCORE`) is the lowest score reported; `mode` defaults to `all`
   * (the engine passes the policy's mode).
   */
  constructor(opts: { dict?: NameDictionary; minScore?: number; mode?: NameMode } = {}) {
    const { dict } = opts;
    this.#dict = dict ? () => dict : defaultNameDictionary;
    this.#minScore = opts.minScore ?? NAME_MIN_SCORE;
    this.#mode = opts.mode ?? 'all';
  }

  /** Load the dictionary now (the engine calls this so the first request does not pay for it). */
  warm(): void {
    this.#dict();
    warmNameRuns();
  }

  scan(text: string, context: ScanContext): ScanResult {
    return this.scanInput(new ScanInput(text), context);
  }

  /**
   * Scan a prepared input. `anchor()` returns the spans of other personal data in the text (the
   * engine asks its PII pack): they anchor names, and a "name" inside one (a street named after
   * someone, the local part of an e-mail address) is part of that finding, not a person. It is
   * called at most once: first thing in `anchored` mode, otherwise only when a candidate name was found.
   */
  scanInput(input: ScanInput, _context: ScanContext, anchor: () => Array<{ start: number; end: number }> = () => []): ScanResult {
    const t0 = performance.now();
    const view = input.strict;
    const text = view.text;
    const dict = this.#dict();
    const findings: Finding[] = [];
    let spans: Array<{ start: number; end: number }> | undefined;
    const others = (): Array<{ start: number; end: number }> => (spans ??= anchor());
    let anchored: boolean | undefined;
    const isAnchored = (): boolean => (anchored ??= others().length > 0 || personalContext(input.strictLower));
    // Anchored mode reports a name only beside other personal data or in a personal context
    // (title after a salutation, field label, self-introduction, greeting): with no anchor and
    // none of those words anywhere, no span can qualify, so the pass is skipped (see `mayQualify`).
    if (this.#mode === 'anchored' && others().length === 0 && !mayQualify(text)) {
      return { detector: 'pii', score: 0, findings, durationMs: performance.now() - t0 };
    }
    const seen = new Map<string, TokClass>();
    for (const found of nameRunWindows(text)) for (let r = 0; r < found.length; r += 2) {
      const m = { start: found[r]!, end: found[r + 1]! };
      if (m.start > 0 && isWordChar(text.charCodeAt(m.start - 1))) continue;
      // Part of an e-mail address, a URL or a file name, not a name in prose.
      const next = text[m.end];
      const prev = text[m.start - 1];
      if (next === '@' || prev === '@' || prev === '/' || prev === '.' || (next === '.' && isWordChar(text.charCodeAt(m.end + 1)))) continue;
      const toks = tokenize(text, m.start, m.end, dict, seen);
      for (const seg of segments(toks)) {
        const { score, strong } = scoreSegment(text, toks, seg, dict);
        if (score < Math.min(this.#minScore, ANCHORED_MIN_SCORE)) continue;
        const plain = score >= this.#minScore && (strong || this.#mode === 'all');
        if (!plain && !(score >= ANCHORED_MIN_SCORE && isAnchored())) continue;
        const s = toks[seg[0]]!.start;
        const e = toks[seg[1]]!.end;
        const [start, end] = toOriginal(view, s, e);
        if (others().some((o) => o.start < end && o.end > start)) continue;
        findings.push({
          rule: 'pii.person-name', type: 'PERSON', start, end, score: round(score), severity: 'medium', action: 'redact',
          excerpt: `[PERSON len=${end - start}]`,
        });
      }
    }
    return { detector: 'pii', score: findings.reduce((m, f) => Math.max(m, f.score), 0), findings, durationMs: performance.now() - t0 };
  }
}

let qualifying: Re2Pattern | undefined;

/**
 * Whether an unanchored text may hold a name that anchored mode reports: a name then needs
 * `strong` context, which only a salutation word (GREETINGS, also the one a title needs), a field
 * label before ':', "name … is" or "am … called" gives, or a personal-context phrase. One RE2
 * test for any of them, written to match a superset of what the scoring reads: words by case-
 * insensitive match after an ASCII word boundary (every listed word starts with an ASCII letter,
 * and a character that ends a word for `isWordChar` is never an ASCII word character); a
 * salutation is followed by a blank (`wordBefore` only returns a word that blanks separate from
 * the name or title after it: a segment never starts right after a word character); any number
 * of blanks where the scoring skips blanks; and the phrases
 * `personalContext` looks for in the lower-cased text (RE2's case folding covers every
 * character `toLowerCase` maps onto them). A false "may" costs one normal pass; a false "no"
 * cannot happen. Checked against the unskipped detector in person-names-diff.test.ts.
 */
function mayQualify(text: string): boolean {
  qualifying ??= compilePattern('pii.person-name.context', [
    `\\b(?i:${[...GREETINGS].map(escapeLiteral).join('|')})[ \\t]`,
    `\\b(?i:${[...LABELS].map(escapeLiteral).join('|')})[ \\t]*:`,
    '(?i:name)[ \\t]*(?i:is)',
    '(?i:am)[ \\t]*(?i:called)',
    `(?i:${PERSONAL_CONTEXT.map(escapeLiteral).join('|')})`,
  ].join('|'));
  const re = qualifying as unknown as { lastIndex: number; test(b: Buffer): boolean };
  re.lastIndex = 0;
  const hit = re.test(encode(text).buf);
  re.lastIndex = 0;
  return hit;
}

function personalContext(lower: string): boolean {
  for (const p of PERSONAL_CONTEXT) if (lower.includes(p)) return true;
  return false;
}

function round(x: number): number {
  return Math.round(Math.min(1, x) * 100) / 100;
}

/** Letters and digits of any cased script, without a regex: a letter has distinct cases. */
function isWordChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const ch = String.fromCharCode(c);
  return ch.toLowerCase() !== ch.toUpperCase();
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Most distinct token texts one scan keeps classes for (the cache restarts beyond it). */
const SEEN_MAX = 4096;

/** What a token is, from its text alone (the dictionary classes and shape of `Tok`). */
type TokClass = Pick<Tok, 'key' | 'initial' | 'particle' | 'caps' | 'first' | 'last' | 'common' | 'place' | 'nameable'>;

/** Classify one token's text: lower-casing and up to a dozen `Set` lookups, so a scan does it once per distinct token. */
function classify(raw: string, d: NameDictionary): TokClass {
  const initial = (raw.length === 2 && raw[1] === '.') || (raw.length === 1 && raw !== 'I');
  const lower = raw.toLowerCase();
  const first = raw[0]!;
  const key = initial ? lower[0]! : lower;
  const common = d.common.has(key) || HONORIFICS.has(key);
  let isFirst = d.first.has(key);
  let isLast = d.last.has(key) || (!common && surnameShaped(key));
  // Double names: "Anna-Lena" is a given name if its first part is, "Schröder-Wagner" a family name if a part is.
  const dash = key.indexOf('-');
  if (dash > 0 && !isFirst && !isLast) {
    const a = key.slice(0, dash);
    const b = key.slice(dash + 1);
    isFirst = d.first.has(a);
    isLast = !isFirst && (d.last.has(a) || d.last.has(b) || surnameShaped(b));
  }
  const c: TokClass = {
    key, initial,
    particle: first === lower[0] && !initial,
    caps: raw.length > 1 && !initial && raw === raw.toUpperCase(),
    first: isFirst, last: isLast, common, place: d.places.has(key), nameable: false,
  };
  c.nameable = nameable(c, d);
  return c;
}

/**
 * Split a run (known to be tokens separated by blanks) into tokens. `seen` caches classes by
 * token text for one scan only (prose repeats its capitalised words; nothing outlives the scan).
 */
function tokenize(text: string, start: number, end: number, d: NameDictionary, seen: Map<string, TokClass>): Tok[] {
  const toks: Tok[] = [];
  let i = start;
  while (i < end) {
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    const s = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    if (i === s) break;
    let e = i;
    let possessive = false;
    // "Carla's", "Carla’s": the name is the part before the apostrophe.
    if (e - s > 3 && (text[e - 1] === 's' || text[e - 1] === 'S') && (text[e - 2] === "'" || text[e - 2] === '’')) { e -= 2; possessive = true; }
    const raw = text.slice(s, e);
    let c = seen.get(raw);
    if (!c) {
      // Bounded: a hostile text of a million distinct words must not build a million entries.
      if (seen.size >= SEEN_MAX) seen.clear();
      c = classify(raw, d);
      seen.set(raw, c);
    }
    toks.push({
      start: s, end: e, key: c.key, initial: c.initial, possessive, particle: c.particle, caps: c.caps,
      first: c.first, last: c.last, common: c.common, place: c.place, nameable: c.nameable,
    });
  }
  return toks;
}

/** A token that may belong to a name. */
function nameable(t: Omit<TokClass, 'nameable'>, d: NameDictionary): boolean {
  if (t.initial || t.particle) return true;
  if (t.caps) return false;
  // Contractions of everyday words ("I'm", "Don't", "You'll") are no names; O'Brien is.
  const apo = Math.max(t.key.indexOf("'"), t.key.indexOf('’'));
  if (apo > 0 && d.common.has(t.key.slice(0, apo))) return false;
  // A title is context for the name after it, not part of it ("Frau Müller" → "Müller").
  if (HONORIFICS.has(t.key)) return false;
  if (t.first || d.last.has(t.key)) return true;
  return t.key.length > 1 && !t.common && !t.place;
}

/**
 * Stretches of nameable tokens inside a run, as [first, last] token indexes, trimmed so they
 * start and end on a real token (not a particle; an initial may end a run only after a name).
 */
function segments(toks: Tok[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < toks.length) {
    if (!toks[i]!.nameable) { i++; continue; }
    let j = i;
    while (j + 1 < toks.length && j + 1 - i < MAX_NAME_TOKENS && toks[j + 1]!.nameable && !toks[j]!.possessive) j++;
    let a = i;
    let b = j;
    while (a <= b && toks[a]!.particle) a++;
    while (b >= a && (toks[b]!.particle || toks[b]!.initial)) b--;
    if (a <= b && !(a === b && toks[a]!.initial)) out.push([a, b]);
    i = j + 1;
  }
  return out;
}

/** Field labels and self-introductions before a name ("Name: …", "my name is …"). */
const LABELS = new Set(['name', 'fullname', 'surname', 'customer', 'client', 'patient', 'employee', 'applicant', 'guardian', 'beneficiary', 'cardholder', 'holder', 'recipient', 'attn', 'nombre', 'nome', 'nom', 'vorname', 'nachname', 'naam', 'signed', 'from', 'to', 'cc', 'sender', 'user', 'contact', 'tenant', 'insured', 'passenger', 'guest']);

/** The lower-cased word ending at `end` (exclusive), reading back over word characters. */
function wordEndingAt(text: string, end: number): string {
  let k = end - 1;
  while (k >= 0 && isWordChar(text.charCodeAt(k))) k--;
  return text.slice(k + 1, end).toLowerCase();
}

/**
 * The lower-cased word just before `pos` (skipping blanks and one punctuation mark), whether
 * `pos` starts a sentence, and whether a label or self-introduction precedes it.
 */
function wordBefore(text: string, pos: number): { word: string; sentenceStart: boolean; label: boolean } {
  let i = pos - 1;
  while (i >= 0 && isBlank(text.charCodeAt(i))) i--;
  if (i < 0) return { word: '', sentenceStart: true, label: false };
  const c = text[i]!;
  if (c === ':') {
    let k = i - 1;
    while (k >= 0 && isBlank(text.charCodeAt(k))) k--;
    const w = wordEndingAt(text, k + 1);
    return { word: '', sentenceStart: true, label: LABELS.has(w) };
  }
  if (c === '.' || c === '!' || c === '?' || c === '\n' || c === '"' || c === '“' || c === '(' || c === '-' || c === '*' || c === '>') {
    // An abbreviation such as "Dr." is a word, not a sentence end.
    if (c === '.') {
      let k = i - 1;
      while (k >= 0 && isWordChar(text.charCodeAt(k))) k--;
      const w = text.slice(k + 1, i).toLowerCase();
      if (HONORIFICS.has(w)) return { word: w, sentenceStart: false, label: GREETINGS.has(wordBefore(text, k + 1).word) };
    }
    return { word: '', sentenceStart: true, label: false };
  }
  if (c === ',') return { word: ',', sentenceStart: false, label: false };
  const word = wordEndingAt(text, i + 1);
  let label = false;
  if (word === 'is' || word === 'am' || word === 'called' || word === 'named') {
    // "my name is Ana", "I am called Ana", "a girl named Ana" (named alone is only a hint).
    let k = i - word.length;
    while (k >= 0 && isBlank(text.charCodeAt(k))) k--;
    const w2 = wordEndingAt(text, k + 1);
    label = (word === 'is' && w2 === 'name') || (word === 'called' && w2 === 'am');
  }
  // "Sehr geehrte Frau Müller", "Dear Mr Smith": a salutation before the title.
  if (HONORIFICS.has(word)) label = GREETINGS.has(wordBefore(text, i + 1 - word.length).word);
  return { word, sentenceStart: false, label };
}

/** The lower-cased word just after `pos`, or the punctuation mark there. */
function wordAfter(text: string, pos: number): string {
  let i = pos;
  const c = text[i];
  if (c === ',' || c === ':' || c === '!' || c === '?') return c;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  let k = i;
  while (k < text.length && isWordChar(text.charCodeAt(k))) k++;
  return text.slice(i, k).toLowerCase();
}

/** Endings typical of surnames in many languages: an unknown capitalised word with one is likely a family name. */
const SURNAME_ENDINGS = ['son', 'sen', 'sson', 'dóttir', 'dottir', 'ski', 'ska', 'sky', 'skiy', 'cki', 'cka', 'wicz', 'ić', 'vić', 'vič', 'ov', 'ova', 'ev', 'eva', 'ин', 'ина', 'ов', 'ова', 'ев', 'ева', 'enko', 'escu', 'eanu', 'ez', 'ian', 'yan', 'poulos', 'opoulos', 'idis', 'akis', 'oglu', 'oğlu', 'ishvili', 'dze', 'berg', 'stein', 'mann', 'ström', 'strom', 'qvist', 'quist', 'lund', 'gaard', 'ssen', 'sdóttir', 'ey', 'ley', 'ton', 'well', 'ini', 'elli', 'etti', 'ucci', 'ino', 'eau', 'ier', 'ault', 'ič', 'ák', 'ová', 'né', 'aitė', 'ienė', 'ytė', 'auskas', 'evičius', 'iņš', 'ovs'];
/** Words before a name that place it (a town named after a person is still a town). */
const PLACE_PREPOSITIONS = new Set(['in', 'at', 'near', 'from', 'of', 'into', 'towards', 'via', 'visit', 'visited', 'to']);
/** Articles: "the Princess Royal", "a Jensen novel" name a thing or a role more often than a person. */
const ARTICLES = new Set(['the', 'a', 'an', 'this', 'that', 'our', 'their', 'his', 'her', 'its']);

/** A word none of the dictionary classes know. */
function unknown(t: Tok): boolean {
  return !t.first && !t.last && !t.common && !t.place;
}

const ENDINGS = new Set(SURNAME_ENDINGS);
const ENDING_MAX = Math.max(...SURNAME_ENDINGS.map((e) => e.length));

function surnameShaped(key: string): boolean {
  if (key.length < 5) return false;
  for (let n = 2; n <= ENDING_MAX && n < key.length; n++) if (ENDINGS.has(key.slice(-n))) return true;
  return false;
}

function digitNear(text: string, pos: number, dir: -1 | 1): boolean {
  let i = dir < 0 ? pos - 1 : pos;
  while (i >= 0 && i < text.length && (isBlank(text.charCodeAt(i)) || text[i] === ',')) i += dir;
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Evidence from the tokens themselves plus the words around them, clipped to 0..1. */
function scoreSegment(text: string, toks: Tok[], [a, b]: [number, number], d: NameDictionary): { score: number; strong: boolean } {
  // One pass over the segment instead of three array copies (this runs for most runs of a text).
  const words: Tok[] = [];
  let hasInitial = false;
  let particle = false;
  for (let k = a; k <= b; k++) {
    const t = toks[k]!;
    if (t.initial) hasInitial = true;
    if (t.particle) particle = true;
    if (!t.particle && !t.initial) words.push(t);
  }
  const head = words[0]!;
  const tail = words[words.length - 1]!;
  // A run's leading tokens may be ordinary words ("Producer Vilhjálmur"): context is what precedes the segment.
  const before = wordBefore(text, toks[a]!.start);
  const after = wordAfter(text, toks[b]!.end);
  // "1317 Kimberly Way", "Jana Nerudy 894", "Pinto Hill", "Miller Ltd": streets, places, companies.
  // A surname particle makes the tail a family name ("van Dijk", although "dijk" also ends Dutch street names).
  if (d.suffixes.has(after) || (words.length >= 2 && d.suffixes.has(tail.key) && !tail.first && !particle)) return { score: 0, strong: false };
  // "Hong Kong", "North America", "Buenos Aires": a place as a whole.
  if (words.length >= 2 && d.places.has(text.slice(toks[a]!.start, toks[b]!.end).toLowerCase())) return { score: 0, strong: false };
  let s: number;
  if (words.length >= 2) {
    const weakHead = head.common || head.place;
    const weakTail = tail.common || tail.place;
    if (head.first && (tail.last || tail.first)) s = weakHead && weakTail ? 0.45 : weakHead || weakTail ? 0.7 : 0.85;
    else if (head.first && unknown(tail)) s = weakHead ? 0.45 : 0.75;
    else if (unknown(head) && tail.last && !weakTail) s = 0.65;
    else if (head.last && tail.last) s = 0.55;
    else if (unknown(head) && unknown(tail)) s = 0.35;
    else s = 0.2;
    if (hasInitial) s += 0.1;
    if (PLACE_PREPOSITIONS.has(before.word) && before.word !== 'to' && before.word !== 'from') s -= 0.1;
  } else {
    const t = head;
    if (t.first) s = t.common ? 0.15 : t.place ? 0.2 : 0.45;
    else if (t.last) s = t.common ? 0.1 : t.place ? 0.2 : 0.3;
    else s = t.common || t.place ? 0 : 0.15;
    if (hasInitial) s += 0.2;
    // Capitalisation at the start of a sentence says nothing about the word.
    if (before.sentenceStart) s -= 0.1;
    if (PLACE_PREPOSITIONS.has(before.word) && (t.place || before.word !== 'to')) s -= 0.2;
    // A speaker label in a dialogue or chat log: "Amy: Remember me?"
    if (before.sentenceStart && after === ':' && !t.common) s += 0.15;
  }
  if (digitNear(text, toks[a]!.start, -1) || digitNear(text, toks[b]!.end, 1)) s -= 0.4;
  // A title, a field label or a salutation ("Dear Ana,") puts the name in a personal context.
  let strong = false;
  // Titles are not enough on their own: news and plot summaries are full of "Mr. Smith".
  // ...but a salutation with a title ("Dear Ms. Schröder,") is a letter to that person.
  if (HONORIFICS.has(before.word)) { s += 0.45; strong = before.label; }
  else if (before.label) { s += 0.45; strong = true; }
  else if (GREETINGS.has(before.word)) { s += 0.3; strong = before.word !== 'thanks' && before.word !== 'bye' && (after === ',' || after === '!' || after === ':'); }
  else if (ARTICLES.has(before.word)) s -= 0.3;
  else if (BEFORE_PERSON.has(before.word)) s += 0.1;
  if (toks[b]!.possessive) s += 0.1;
  else if (AFTER_PERSON.has(after)) s += 0.05;
  else if (after === ',' && before.sentenceStart) s += 0.1;
  return { score: Math.max(0, Math.min(1, s)), strong };
}
