// Covers set-source.ts: which Set entry a rule pattern gets. A long leading class run is dropped
// and long counts are relaxed (the causes of RE2.Set state blow-ups on base64-like text), flags
// stay in front, and patterns with a top-level alternation, a short or no leading run, or nothing
// left after the run keep their start. The property the engine relies on — every entry is a necessary condition of
// its pattern — is checked on every built-in rule's true-positive examples with RE2. Starts nothing.
import { join } from 'node:path';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { PACKS_DIR } from '../../../detectors/engine/create-engine.js';
import { loadPackDir } from '../../../detectors/engine/rule-file.js';
import { relaxCounts, setSource } from '../../../detectors/engine/set-source.js';

describe('setSource', () => {
  it('drops a long leading class run and keeps what must follow it', () => {
    expect(setSource('\\b[0-9A-Za-z]{32}-us\\d{1,2}\\b')).toBe('-us\\d{1,2}\\b');
    expect(setSource('\\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+\\.[A-Za-z]{2,24}\\b')).toBe('@[A-Za-z0-9-]+\\.[A-Za-z]{2,}\\b');
    expect(setSource('(?i)(?:^|[^a-z0-9])[a-z0-9_.-]{0,30}(?:password|secret)\\s*=')).toBe('(?i)(?:password|secret)\\s*=');
    expect(setSource('(?im)^[ \\t]*[a-z_]*token:')).toBe('(?im)token:');
  });

  it('keeps the start of patterns whose leading run is short, absent, the whole pattern, or one side of an alternation', () => {
    for (const p of [
      'ghp_[A-Za-z0-9]{6}',
      '\\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}',
      '[a-z]{10}secret|token',
      '[a-f0-9]{7}.*x',
      '(?i:[a-z]{20}key)',
    ]) expect(setSource(p)).toBe(relaxCounts(p));
    expect(setSource('(?:^|[^A-Za-z0-9+/])([A-Za-z0-9+/]{50,120}={0,2})(?:[^A-Za-z0-9+/]|$)')).toBe('(?:^|[^A-Za-z0-9+/])([A-Za-z0-9+/]{3,}={0,2})(?:[^A-Za-z0-9+/]|$)');
    expect(setSource('ghp_[A-Za-z0-9]{36}')).toBe('ghp_[A-Za-z0-9]{3,}');
  });

  it('relaxes only long counts, never braces that are escapes, literals or inside classes', () => {
    expect(relaxCounts('a{2,5}b{8}c{0,30}d{12,}')).toBe('a{2,5}b{3,}c{0,}d{3,}');
    expect(relaxCounts('[{}0-9]{2}\\x{00C0}\\p{Greek}x\\{12\\}')).toBe('[{}0-9]{2}\\x{00C0}\\p{Greek}x\\{12\\}');
    expect(relaxCounts('sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}')).toBe('sk-[A-Za-z0-9]{3,}T3BlbkFJ[A-Za-z0-9]{3,}');
  });

  it('treats escapes, braces in classes and POSIX classes as single atoms', () => {
    expect(setSource('[\\]{}a-z]{0,20}=x')).toBe('=x');
    expect(setSource('(?i)[a-z]{0,20}key\\s*[:=]\\s*([a-z0-9]{32,64})')).toBe('(?i)key\\s*[:=]\\s*([a-z0-9]{3,})');
    expect(setSource('[[:alnum:]]{8,}@x')).toBe('@x');
    expect(setSource('\\w{3,40}\\.atlasv1\\.')).toBe('\\.atlasv1\\.');
  });

  it('gives every built-in rule an entry that matches wherever the rule matches its true-positive examples', () => {
    let checked = 0;
    for (const pack of ['pii', 'secrets', 'prompt-injection', 'tool-poisoning']) {
      for (const spec of loadPackDir(join(PACKS_DIR, pack))) {
        for (const p of spec.patterns) {
          const entry = setSource(p);
          if (entry === p) continue;
          const full = new RE2(p, `u${spec.flags.includes('i') ? 'i' : ''}`);
          const pre = new RE2(entry, `u${spec.flags.includes('i') ? 'i' : ''}`);
          for (const ex of spec.examples.tp) {
            if (!full.test(ex)) continue;
            expect(pre.test(ex), `${spec.id}: ${entry}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});
