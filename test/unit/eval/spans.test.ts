// Covers entity-level span matching (exact and overlap, typed and type-agnostic), the dataset →
// detector entity-type mapping, and masking of sensitive spans in report excerpts. Pure functions.
import { describe, expect, it } from 'vitest';
import { mapPiiType } from '../../../eval/entity-types.js';
import { excerpt, maskLongTokens, maskSpans } from '../../../eval/mask.js';
import { matchSpans } from '../../../eval/spans.js';

const E = (type: string, start: number, end: number) => ({ type, start, end });

describe('matchSpans', () => {
  const entities = [E('EMAIL', 10, 30), E('PHONE', 40, 52)];
  const findings = [E('EMAIL', 10, 30), E('PHONE', 38, 50), E('URL', 60, 70), E('EMAIL', 80, 90)];
  const scored = new Set(['EMAIL', 'PHONE']);

  it('exact mode: only identical spans count; the shifted phone is a miss and a false positive', () => {
    const m = matchSpans(entities, findings, 'exact', 'same', scored);
    expect(m.get('EMAIL')).toEqual({ tp: 1, fn: 0, fp: 1 });
    expect(m.get('PHONE')).toEqual({ tp: 0, fn: 1, fp: 1 });
    expect(m.has('URL')).toBe(false); // the dataset does not annotate URLs: not scored
  });
  it('overlap mode: a shared character is enough', () => {
    const m = matchSpans(entities, findings, 'overlap', 'same', scored);
    expect(m.get('PHONE')).toEqual({ tp: 1, fn: 0, fp: 0 });
    expect(m.get('EMAIL')).toEqual({ tp: 1, fn: 0, fp: 1 });
  });
  it('touching spans (end == start) do not overlap', () => {
    const m = matchSpans([E('EMAIL', 0, 5)], [E('EMAIL', 5, 9)], 'overlap', 'same', 'all');
    expect(m.get('EMAIL')).toEqual({ tp: 0, fn: 1, fp: 1 });
  });
  it('typed mode rejects a span of the wrong type; type-agnostic (secrets) accepts it', () => {
    expect(matchSpans([E('CREDIT_CARD', 0, 16)], [E('PHONE', 0, 16)], 'exact', 'same', new Set(['CREDIT_CARD', 'PHONE'])).get('CREDIT_CARD')).toEqual({ tp: 0, fn: 1, fp: 0 });
    const any = matchSpans([E('github-pat', 5, 45)], [E('GITHUB_TOKEN', 5, 45)], 'exact', 'any', 'all');
    expect(any.get('github-pat')).toEqual({ tp: 1, fn: 0, fp: 0 });
  });
});

describe('mapPiiType', () => {
  it('maps presidio names onto ours and leaves non-PII types unscored', () => {
    expect(mapPiiType('PHONE_NUMBER')).toBe('PHONE');
    expect(mapPiiType('EMAIL_ADDRESS')).toBe('EMAIL');
    expect(mapPiiType('IBAN_CODE')).toBe('IBAN');
    expect(mapPiiType('ORGANIZATION')).toBeUndefined();
    expect(mapPiiType('US_SSN')).toBe('US_SSN');
  });
});

describe('masking', () => {
  it('replaces spans (merged when they overlap) with the type, so no value survives', () => {
    const text = 'card 4111111111111111 mail a@b.example end';
    const out = maskSpans(text, [E('CREDIT_CARD', 5, 21), E('CARD', 10, 15), E('EMAIL', 27, 38)]);
    expect(out).toBe('card [CREDIT_CARD] mail [EMAIL] end');
  });
  it('shortens and flattens whitespace for one-line excerpts', () => {
    expect(excerpt('a\n\n  b\tc', 10)).toBe('a b c');
    expect(excerpt('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}…`);
  });
  it('masks long mixed letter-digit tokens as a safety net for unlabeled secrets, leaving words alone', () => {
    expect(maskLongTokens('token="abcDEF1234567890xyz" and internationalisation 2024')).toBe('token="[MASKED]" and internationalisation 2024');
  });
});
