// Covers set-source.ts: which Set entry a rule pattern gets. A long leading class run is dropped
// (the cause of RE2.Set state blow-ups on base64-like text), flags stay in front, and patterns
// with a top-level alternation, a short or no leading run, or nothing left after the run are
// kept as they are. The property the engine relies on — every entry is a necessary condition of
// its pattern — is checked on every built-in rule's true-positive examples with RE2. Starts nothing.
import { join } from 'node:path';
import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { PACKS_DIR } from '../../../detectors/engine/create-engine.js';
import { loadPackDir } from '../../../detectors/engine/rule-file.js';
import { setSource } from '../../../detectors/engine/set-source.js';

describe('setSource', () => {
  it('drops a long leading class run and keeps what must follow it', () => {
    expect(setSource('\\b[0-9A-Za-z]{32}-us\\d{1,2}\\b')).toBe('-us\\d{1,2}\\b');
    expect(setSource('\\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]+\\.[A-Za-z]{2,24}\\b')).toBe('@[A-Za-z0-9-]+\\.[A-Za-z]{2,24}\\b');
    expect(setSource('(?i)(?:^|[^a-z0-9])[a-z0-9_.-]{0,30}(?:password|secret)\\s*=')).toBe('(?i)(?:password|secret)\\s*=');
    expect(setSource('(?im)^[ \\t]*[a-z_]*token:')).toBe('(?im)token:');
  });

  it('keeps patterns whose leading run is short, absent, the whole pattern, or one side of an alternation', () => {
    for (const p of [
      'ghp_[A-Za-z0-9]{36}',
      '\\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}',
      '(?:^|[^A-Za-z0-9+/])([A-Za-z0-9+/]{50,120}={0,2})(?:[^A-Za-z0-9+/]|$)',
      '[A-Za-z0-9]{40}',
      '[a-z]{10}secret|token',
      '[a-f0-9]{12}.*x',
      '(?i:[a-z]{20}key)',
    ]) expect(setSource(p)).toBe(p);
  });

  it('treats escapes, braces in classes and POSIX classes as single atoms', () => {
    expect(setSource('[\\]{}a-z]{0,20}=x')).toBe('=x');
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
