// Covers: docs/errors.md and the error catalogue (src/errors.ts) list the same codes with the
// same statuses, both ways (a new catalogue entry without docs fails, and vice versa). Starts nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../../src/errors.js';

const doc = readFileSync(join(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
const rows = new Map<string, string>();
for (const line of doc.split('\n')) {
  const cells = line.split('|').map((c) => c.trim());
  if (cells.length > 3 && cells[1].startsWith('`firewall_')) rows.set(cells[1].slice(1, -1), cells[2]);
}

describe('docs/errors.md matches the catalogue', () => {
  it('every catalogue code is documented with its status', () => {
    for (const e of Object.values(ERRORS)) {
      expect(rows.has(e.code), `${e.code} missing from docs/errors.md`).toBe(true);
      if (e.code !== 'firewall_upstream_error') expect(rows.get(e.code), e.code).toBe(String(e.status));
    }
  });
  it('no message or row names one provider for an error every front end uses (firewall_upstream_error)', () => {
    expect(ERRORS.UPSTREAM_ERROR.message).not.toMatch(/OpenAI|Anthropic/);
    expect(rows.has('firewall_upstream_error')).toBe(true);
    const row = doc.split('\n').find((l) => l.includes('`firewall_upstream_error`'))!;
    expect(row).toContain('/v1/messages');
  });
  it('every documented code exists in the catalogue', () => {
    const codes = new Set(Object.values(ERRORS).map((e) => e.code));
    for (const code of rows.keys()) expect(codes.has(code), `${code} is documented but not in src/errors.ts`).toBe(true);
  });
});
