/**
 * Discovers every rule file under detectors/packs, compiles it, and checks its own examples
 * (gitleaks style): each true positive fires that rule through the full engine (normalisation,
 * decoding, validators), and each false positive fires no rule of the pack (in the rule's own role:
 * rules restricted to retrieved content only count there). Starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, PACKS_DIR, REGEX_PII_TYPES } from '../../../detectors/engine/index.js';
import { loadPackDir } from '../../../detectors/engine/rule-file.js';
import { CompiledPack } from '../../../detectors/engine/pack.js';
import { ScanInput } from '../../../detectors/engine/scan-input.js';

const DETECTOR_OF: Record<string, string> = {
  'prompt-injection': 'prompt-injection', pii: 'pii', secrets: 'secrets', 'tool-poisoning': 'tool-poisoning',
};
// PERSON and LOCATION rules are regex rules too. PERSON's pack rules report directly only with
// names: 'all' (in the default 'anchored' mode the name detector reports them, anchored).
const engine = createEngine({ pii: { entities: [...REGEX_PII_TYPES, 'LOCATION', 'PERSON'], names: 'all' }, promptInjection: { threshold: 0 } });
const ctx: { direction: 'request'; surface: 'llm'; role?: 'user' | 'document' | 'tool' | 'tool-description' } = { direction: 'request', surface: 'llm' };

const packs = readdirSync(PACKS_DIR).filter((d) => statSync(join(PACKS_DIR, d)).isDirectory());

describe.each(packs)('pack %s', (pack) => {
  const rules = loadPackDir(join(PACKS_DIR, pack));
  const compiled = new CompiledPack(pack, rules, pack === 'secrets' ? { placeholderCheck: true, nonAsciiApart: true, ansiBoundaries: true } : {});
  const view = pack === 'prompt-injection' || pack === 'tool-poisoning' ? 'folded' : 'strict';

  it('has rules, each with at least one true and one false positive example', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      expect(r.examples.tp.length, r.id).toBeGreaterThan(0);
      expect(r.examples.fp.length, r.id).toBeGreaterThan(0);
      expect(r.id.startsWith(`${pack}.`), r.id).toBe(true);
    }
  });

  for (const rule of rules) {
    it.each(rule.examples.tp)(`${rule.id} fires on its true positive %#`, (text) => {
      // Role-restricted rules (retrieved content only) are checked in their first role.
      const role = rule.roles?.[0] as typeof ctx['role'];
      const [res] = engine.scan(text, role ? { ...ctx, role } : ctx, [DETECTOR_OF[pack]!]);
      expect(res!.findings.map((f) => f.rule)).toContain(rule.id);
    });
    it.each(rule.examples.fp)(`${rule.id}: false positive %# fires no rule of the pack`, (text) => {
      const input = new ScanInput(text);
      const v = view === 'folded' ? input.folded : input.strict;
      // Checked in the rule's own role (user when unrestricted); role-restricted rules only count there.
      const role = rule.roles?.[0];
      const hits = compiled.run(v.text, view === 'folded' ? v.text : input.strictLower)
        .filter((h) => !h.rule.roles || (role !== undefined && h.rule.roles.includes(role)))
        .map((h) => h.rule.id);
      expect(hits).toEqual([]);
    });
  }
});
