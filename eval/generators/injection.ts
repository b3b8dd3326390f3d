/**
 * Prompt-injection rows: direct attacks and jailbreaks by family and language, and indirect
 * attacks embedded in e-mails, pages, documents, tool output, code and tables (with the clean
 * version of each carrier kind as benign rows of the same file).
 */
import { CARRIERS } from './carriers.js';
import { DIRECT, FILLERS, INDIRECT_FILLERS, INDIRECT_PAYLOADS, LEAD_INS, TAILS } from './injection-phrases.js';
import { Rng, fill } from './rng.js';
import type { GeneratedRow } from './types.js';

const JAILBREAK_FAMILIES = new Set(['persona', 'fiction', 'refusal']);

/** Direct injections and jailbreaks: `perTemplate` variants of every template, deduplicated. */
export function directRows(seed: string, perTemplate = 14): GeneratedRow[] {
  const rng = new Rng(`${seed}:direct`);
  const rows: GeneratedRow[] = [];
  const seen = new Set<string>();
  for (const lang of Object.keys(DIRECT).sort()) {
    const fillers = { ...FILLERS.en, ...FILLERS[lang] };
    for (const family of Object.keys(DIRECT[lang]).sort()) {
      for (const tpl of DIRECT[lang][family]) {
        for (let k = 0; k < perTemplate; k++) {
          let text = fill(tpl, fillers, rng);
          if (lang === 'en') text = rng.pick(LEAD_INS) + text + rng.pick(TAILS);
          else if (rng.chance(0.3)) text = `${text} ${rng.pick(FILLERS[lang].rogue ?? [''])}`.trim();
          if (rng.chance(0.1)) text = text.toUpperCase();
          if (seen.has(text)) continue;
          seen.add(text);
          rows.push({
            id: `direct-${lang}-${family}-${rows.length}`,
            text,
            label: 'attack',
            category: JAILBREAK_FAMILIES.has(family) ? 'jailbreak' : 'injection',
            subcategory: family,
            lang,
          });
        }
      }
    }
  }
  return rows;
}

/** Indirect injections in carriers, plus clean carriers (benign) of the same kinds. */
export function indirectRows(seed: string, attacks = 600, clean = 300): GeneratedRow[] {
  const rng = new Rng(`${seed}:indirect`);
  const kinds = Object.keys(CARRIERS).sort();
  const rows: GeneratedRow[] = [];
  for (let i = 0; i < attacks; i++) {
    const kind = kinds[i % kinds.length];
    const payload = fill(rng.pick(INDIRECT_PAYLOADS), INDIRECT_FILLERS, rng);
    rows.push({ id: `indirect-${i}`, text: CARRIERS[kind](rng, payload), label: 'attack', category: 'indirect', subcategory: kind });
  }
  for (let i = 0; i < clean; i++) {
    const kind = kinds[i % kinds.length];
    rows.push({ id: `indirect-clean-${i}`, text: CARRIERS[kind](rng), label: 'benign', category: 'benign', subcategory: `clean_${kind}` });
  }
  return rows;
}
