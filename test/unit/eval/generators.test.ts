// Covers the dataset generators: same seed → same bytes, the committed datasets/ match a fresh
// generation (integrity), synthetic values are structurally valid (Luhn, mod-97, SSN ranges),
// every entity span covers exactly its value, ids are unique. Writes to a temporary directory.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAll, writeAll } from '../../../eval/generators/index.js';
import { Rng } from '../../../eval/generators/rng.js';
import { cardNumber, iban, ibanMod97, luhnValid, ssn } from '../../../eval/generators/values.js';
import { loadDatasets } from '../../../eval/dataset.js';
import { PROJECT_ROOT } from '../../../eval/run-eval.js';

const tmp = mkdtempSync(join(tmpdir(), 'eval-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('synthetic values', () => {
  const rng = new Rng('values-test');
  it('card numbers pass Luhn (200 draws) and a changed digit fails', () => {
    for (let i = 0; i < 200; i++) {
      const digits = [...cardNumber(rng)].filter((c) => c >= '0' && c <= '9').join('');
      expect(luhnValid(digits), digits).toBe(true);
    }
    expect(luhnValid('4111111111111112')).toBe(false);
  });
  it('IBANs satisfy mod-97 = 1 (200 draws)', () => {
    for (let i = 0; i < 200; i++) {
      const v = [...iban(rng)].filter((c) => c !== ' ').join('');
      expect(ibanMod97(v.slice(4) + v.slice(0, 4)), v).toBe(1);
    }
  });
  it('SSNs stay in the valid ranges', () => {
    for (let i = 0; i < 300; i++) {
      const [a, g, s] = ssn(rng).split(/[- ]/).map(Number);
      expect(a >= 1 && a <= 899 && a !== 666 && g >= 1 && g <= 99 && s >= 1 && s <= 9999).toBe(true);
    }
  });
});

describe('generated datasets', () => {
  it('are identical for the same seed, and the committed files match a fresh run', () => {
    writeAll(tmp);
    // Compare decompressed content: zlib builds may compress the same bytes differently (Node 20/22/24).
    const read = (p: string) => (p.endsWith('.gz') ? gunzipSync(readFileSync(p)) : readFileSync(p));
    for (const f of generateAll()) {
      const fresh = read(join(tmp, f.folder, f.file));
      const committed = read(join(PROJECT_ROOT, 'datasets', f.folder, f.file));
      expect(fresh.equals(committed), `${f.folder}/${f.file} differs from the generator: rerun npx tsx eval/generators/index.ts`).toBe(true);
    }
  });

  it('load without problems, with unique ids and entity spans that cover their values', () => {
    const { rows, problems } = loadDatasets([join(PROJECT_ROOT, 'datasets')]);
    expect(problems).toEqual([]);
    expect(rows.length).toBeGreaterThan(3000);
    expect(new Set(rows.map((r) => `${r.dataset}/${r.id}`)).size).toBe(rows.length);
    for (const r of rows.filter((x) => x.category === 'pii')) {
      for (const e of r.entities ?? []) {
        const v = r.text.slice(e.start, e.end);
        if (e.type === 'CREDIT_CARD') expect(luhnValid([...v].filter((c) => c >= '0' && c <= '9').join(''))).toBe(true);
        if (e.type === 'EMAIL') expect(v).toContain('@');
        expect(v.trim()).toBe(v);
      }
    }
    const langs = new Set(rows.filter((r) => r.dataset === 'injection/direct').map((r) => r.lang));
    expect([...langs].sort()).toEqual(['de', 'en', 'es', 'fr', 'it', 'ja', 'pt', 'ru', 'zh']);
  });
});
