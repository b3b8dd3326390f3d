/**
 * The word lists behind person-name detection: given names and surnames of the 68 faker locales
 * (`@faker-js/faker`, MIT), and the words that make a capitalised token ambiguous — English
 * vocabulary, months and weekdays in every locale, places (cities, countries, states). Loaded
 * once per process, on first use, because the faker module is large: about 0.4 s and 18 MB of
 * heap the first time (docs/detectors.md, "Person names"). Lookups are `Set.has` on lower-cased
 * tokens: no pattern ever runs on the untrusted text here.
 */
import { createRequire } from 'node:module';

/** Lower-cased word sets the name scorer consults. */
export interface NameDictionary {
  /** Given names. */
  readonly first: ReadonlySet<string>;
  /** Family names. */
  readonly last: ReadonlySet<string>;
  /** Everyday words (English vocabulary, function words, months, weekdays): a capitalised one is weak evidence. */
  readonly common: ReadonlySet<string>;
  /** Place names: a lone one is a place more often than a person. */
  readonly places: ReadonlySet<string>;
  /** Words that end a street, place or company name ("Road", "Hill", "Ltd", "Consulting"): the run before is no person. */
  readonly suffixes: ReadonlySet<string>;
}

/** Raw lists to build a dictionary from (tests and the hold-out measurement pass their own). */
export interface NameLists {
  first: Iterable<string>;
  last: Iterable<string>;
  common?: Iterable<string>;
  places?: Iterable<string>;
  suffixes?: Iterable<string>;
}

/**
 * Function words, pronouns, question words and sentence openers that faker's vocabulary lacks.
 * A capitalised one starts a sentence; it is never the first token of a name.
 */
const FUNCTION_WORDS = `a an the this that these those there here what which who whom whose why how when where
i me my mine you your yours he him his she her hers it its we us our they them their
is are was were be been am do does did have has had will would shall should can could may might must
and or but nor so yet if then else than because while although though unless until since as of at by
for from in into on onto to with without within about above after against along among around before
behind below beneath beside between beyond during except inside near off out outside over past through
throughout toward towards under underneath up upon via per not no yes all any both each every few many
more most much other some such only own same too very just also again ever never always often still
please thanks thank hello hi hey dear regards best kind sincerely yours cheers welcome sorry ok okay
write create generate explain describe list give tell show find make provide summarize translate answer
read consider suppose imagine assume let use add remove return given using based note step example
question answer options option review title summary context input output task instruction instructions
true false none null yes no mr mrs ms dr prof sir madam lord lady saint st mount lake river street road
north south east west new old great big little young grand upper lower central united royal
monday tuesday wednesday thursday friday saturday sunday january february march april june july august
september october november december today tomorrow yesterday christmas easter god jesus allah
english french german spanish italian dutch chinese japanese russian arabic american british european
internet email phone python java javascript typescript rust go ruby swift kotlin linux windows android
apple google amazon microsoft facebook twitter youtube instagram netflix tesla
name names address phone email date born birth age title review question answer article document
yeah yep nope oh wow well sure fine great cool hmm
hall castle tower bridge tour fame award prize cup league championship festival series season episode
chapter volume part act scene book film movie album song show news times post journal`;

/** Organisation and venue words faker's suffix lists lack. */
const ORG_WORDS = `inc ltd llc plc gmbh corp co company group consulting partners associates holdings bank
university college school academy institute foundation hospital clinic church hotel airport station
orchestra band club team records studios agency council ministry department office court museum`;

/** The words of one of the lists above (blank- and line-separated; no regex in detector code). */
function words(list: string): string[] {
  return list.replaceAll('\n', ' ').split(' ').filter((w) => w.length > 0);
}

let cached: NameDictionary | undefined;

/** The process-wide dictionary built from faker (loaded on first call, then cached). */
export function defaultNameDictionary(): NameDictionary {
  cached ??= buildNameDictionary(fakerLists());
  return cached;
}

/** Build a dictionary from raw lists: lower-cased, function words always counted as common. */
export function buildNameDictionary(lists: NameLists): NameDictionary {
  const lower = (xs: Iterable<string> | undefined): Set<string> => {
    const out = new Set<string>();
    if (xs) for (const x of xs) if (x.length > 1) out.add(x.toLowerCase());
    return out;
  };
  const common = lower(lists.common);
  for (const w of words(FUNCTION_WORDS)) common.add(w);
  const suffixes = new Set<string>();
  // "Inc." and "Inc" alike: the scorer looks at the word without its full stop.
  for (const x of lower(lists.suffixes)) suffixes.add(x.endsWith('.') ? x.slice(0, -1) : x);
  for (const w of words(ORG_WORDS)) suffixes.add(w);
  return Object.freeze({ first: lower(lists.first), last: lower(lists.last), common, places: lower(lists.places), suffixes });
}

/** Every string inside a faker definition value (arrays, `{generic,female,male}` objects, weighted entries). */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') {
    // Templates such as '{{person.last_name.generic}}' are not names.
    if (!v.includes('{{')) out.push(v);
  } else if (Array.isArray(v)) {
    for (const x of v) strings(x, out);
  } else if (v && typeof v === 'object') {
    for (const x of Object.values(v as Record<string, unknown>)) strings(x, out);
  }
  return out;
}

type FakerLocale = Record<string, Record<string, unknown> | undefined>;

/** Pull the raw lists out of every faker locale. */
export function fakerLists(): Required<NameLists> {
  // createRequire: the CommonJS build loads synchronously, so the first scan need not be async.
  const req = createRequire(import.meta.url);
  const { allLocales } = req('@faker-js/faker') as { allLocales: Record<string, FakerLocale> };
  // Nothing else uses faker at run time: drop its modules from the require cache once the lists
  // are copied, so its ~10 MB of locale data can be collected (docs/detectors.md, "Person names").
  const root = req.resolve('@faker-js/faker').split('@faker-js')[0] + '@faker-js';
  for (const key of Object.keys(req.cache)) if (key.startsWith(root)) delete req.cache[key];
  const first: string[] = [];
  const last: string[] = [];
  const common: string[] = [];
  const places: string[] = [];
  const suffixes: string[] = [];
  for (const loc of Object.values(allLocales)) {
    const p = loc.person;
    if (p) {
      strings(p.first_name, first);
      strings(p.middle_name, first);
      strings(p.last_name, last);
    }
    if (loc.date) strings([loc.date.month, loc.date.weekday], common);
    const l = loc.location;
    if (l) {
      strings([l.city_name, l.country, l.state, l.continent], places);
      strings(l.street_suffix, suffixes);
    }
    const c = loc.company;
    if (c) strings([c.suffix, c.legal_entity_type], suffixes);
  }
  const en = allLocales.en!;
  // English vocabulary: a capitalised "Grant" or "Rose" is as often the word as the name.
  strings([en.word, en.color, en.company?.noun, en.company?.adjective, en.hacker, en.science, en.animal?.type, en.food?.fruit, en.food?.vegetable, en.food?.spice], common);
  return { first, last, common, places, suffixes };
}
