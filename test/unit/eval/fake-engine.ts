/**
 * A stand-in engine for harness tests: deterministic scores from marker words, and PII/secret
 * findings at the spans of marker tokens. It lets the tests know every expected number exactly.
 *
 * - prompt-injection / tool-poisoning: score = the number after "score=" in the text (default 0).
 * - pii: a finding EMAIL for every word containing "@"; score 0.9 if any.
 * - secrets: a finding for every word starting with "tok_"; score 0.95 if any.
 */
import type { ScanContext, ScanResult } from '../../../detectors/engine/types.js';
import type { EngineLike } from '../../../eval/runner.js';

function words(text: string): Array<{ w: string; start: number }> {
  const out: Array<{ w: string; start: number }> = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && text[i] === ' ') i++;
    const start = i;
    while (i < text.length && text[i] !== ' ') i++;
    if (i > start) out.push({ w: text.slice(start, i), start });
  }
  return out;
}

/** Builds the stand-in engine. */
export function fakeEngine(): EngineLike {
  return {
    scan(text: string, _ctx: ScanContext, which?: string[]): ScanResult[] {
      const id = (which ?? ['prompt-injection'])[0];
      const ws = words(text);
      if (id === 'pii' || id === 'secrets') {
        const hits = ws.filter((x) => (id === 'pii' ? x.w.includes('@') : x.w.startsWith('tok_')));
        const findings = hits.map((x) => ({
          rule: `${id}.fake`,
          type: id === 'pii' ? 'EMAIL' : 'FAKE_TOKEN',
          start: x.start,
          end: x.start + x.w.length,
          score: 0.9,
          severity: 'high' as const,
          action: 'redact' as const,
        }));
        return [{ detector: id, score: hits.length ? (id === 'pii' ? 0.9 : 0.95) : 0, findings }];
      }
      const marker = ws.find((x) => x.w.startsWith('score='));
      const score = marker ? Number(marker.w.slice(6)) : 0;
      const findings = score >= 0.5 ? [{ rule: `${id}.fake-rule`, type: 'fake', start: 0, end: 1, score, severity: 'high' as const, action: 'block' as const }] : [];
      return [{ detector: id, score, findings }];
    },
  };
}
