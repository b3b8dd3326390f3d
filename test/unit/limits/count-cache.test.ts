/**
 * The token-count cache (src/limits/count-cache.ts): counts are cached per text, long texts are
 * keyed by their SHA-256 (the cache keeps no prompt text), memory stays bounded by entries, and
 * cached counts equal tiktoken's own. Also the multi-turn case it exists for: on the next turn
 * only the new messages are encoded. No servers.
 */
import { describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { CACHE_ENTRIES, CountCache, countCacheKey, SHORT_KEY_CHARS } from '../../../src/limits/count-cache.js';
import { countRequestTokens } from '../../../src/limits/index.js';

const o200k = get_encoding('o200k_base');
const PROSE = 'The firewall sits between agents and the model provider and decides who may call what. ';

describe('count cache keys', () => {
  it('keys a long text by its SHA-256, never by the text itself', () => {
    const secret = `my card is 4111 1111 1111 1111 ${PROSE.repeat(3)}`;
    const key = countCacheKey(secret);
    expect(key).toMatch(/^#[A-Za-z0-9+/]{43}=$/);
    expect(key).not.toContain('4111');
    expect(countCacheKey(`${secret} `)).not.toBe(key);
  });

  it('keys a short text by itself, prefixed so it can never equal a digest key', () => {
    const digestLike = `#${'A'.repeat(43)}=`; // 45 characters: short, shaped like a digest key
    expect(digestLike.length).toBeLessThanOrEqual(SHORT_KEY_CHARS);
    expect(countCacheKey(digestLike)).toBe(`=${digestLike}`);
    expect(countCacheKey('user')).toBe('=user');
  });
});

describe('CountCache', () => {
  it('computes a text once and answers repeats from the cache', () => {
    let calls = 0;
    const cache = new CountCache((t) => { calls++; return o200k.encode_ordinary(t).length; });
    const long = PROSE.repeat(40);
    expect(cache.get(long)).toBe(o200k.encode_ordinary(long).length);
    expect(cache.get(`${long}`.slice(0))).toBe(o200k.encode_ordinary(long).length);
    expect(cache.get('user')).toBe(1);
    expect(cache.get('user')).toBe(1);
    expect(calls).toBe(2);
  });

  it('holds at most two generations of entries however many texts pass through', () => {
    let calls = 0;
    const cache = new CountCache((t) => { calls++; return t.length; });
    const total = CACHE_ENTRIES * 3 + 17;
    for (let i = 0; i < total; i++) cache.get(`text number ${i} ${PROSE}`);
    expect(calls).toBe(total);
    expect(cache.size).toBeLessThanOrEqual(2 * CACHE_ENTRIES);
    // The most recent texts are still cached; the oldest were dropped and are computed again.
    cache.get(`text number ${total - 1} ${PROSE}`);
    expect(calls).toBe(total);
    cache.get(`text number 0 ${PROSE}`);
    expect(calls).toBe(total + 1);
  });

  it('keeps a text that is still in use when its generation is retired (hits move to the young one)', () => {
    let calls = 0;
    const cache = new CountCache((t) => { calls++; return t.length; });
    const hot = `system prompt ${PROSE}`;
    cache.get(hot);
    for (let i = 0; i < CACHE_ENTRIES * 3; i++) {
      cache.get(`filler ${i} ${PROSE}`);
      if (i % 1000 === 0) cache.get(hot); // used every turn, as a system prompt is
    }
    const before = calls;
    cache.get(hot);
    expect(calls).toBe(before);
    expect(calls).toBe(CACHE_ENTRIES * 3 + 1);
  });
});

describe('counting a conversation turn by turn', () => {
  it('encodes only the new messages of each turn and still matches a count from scratch', () => {
    const encoded: string[] = [];
    const spy = new CountCache((t) => { encoded.push(t); return o200k.encode_ordinary(t).length; });
    const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: `Turn-test system prompt. ${PROSE.repeat(4)}` }];
    for (let turn = 1; turn <= 5; turn++) {
      messages.push({ role: 'user', content: `Question ${turn} of the cache test: ${PROSE.repeat(turn)}` });
      encoded.length = 0;
      let viaCache = 3;
      for (const m of messages) viaCache += 3 + spy.get(m.role) + spy.get(m.content);
      // Turn 1 encodes the system prompt, its role names and the question; later turns only the
      // new question and the previous answer.
      expect(encoded.filter((t) => t.startsWith('Question'))).toEqual([messages.at(-1)!.content]);
      expect(encoded.length).toBeLessThanOrEqual(turn <= 2 ? 4 : 2); // turn 2 also meets the role "assistant"
      expect(viaCache).toBe(countRequestTokens('chat', 'gpt-4o-mini', { messages }));
      messages.push({ role: 'assistant', content: `Answer ${turn}: ${PROSE}` });
    }
  });
});
