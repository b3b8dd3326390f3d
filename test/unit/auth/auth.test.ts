// Covers: the authenticate stage as pure functions — key generation/hashing, constant-time lookup,
// JWT shape detection, credential header parsing, and the failed-attempt throttle window (with an
// injected clock). Starts nothing.
import { describe, expect, it } from 'vitest';
import { createAuthenticator, FailedAttemptThrottle, generateKey, hashKey, lookupKey, looksLikeJwt } from '../../../src/auth/index.js';
import { parsePolicy } from '../../../src/policy/index.js';

const k = generateKey();
const policy = parsePolicy(`version: 1
auth: { failedAttempts: { max: 2, windowSeconds: 10 } }
agents:
  bot: { keys: ["${k.hash}"], models: ["m"] }
`, 'inline.yaml');

describe('keys', () => {
  it('generates fwk_ keys with 256 bits of base64url and a matching sha256 line', () => {
    expect(k.key).toMatch(/^fwk_[A-Za-z0-9_-]{43}$/);
    expect(k.hash).toBe(hashKey(k.key));
    expect(generateKey().key).not.toBe(k.key);
  });

  it('looks a key up to its agent and a loggable key id, and refuses near misses', () => {
    expect(lookupKey(k.key, policy)).toEqual({ agent: 'bot', keyId: k.hash.slice(7, 19) });
    expect(lookupKey(k.key.slice(0, -1), policy)).toBeUndefined();
    expect(lookupKey(`${k.key} `, policy)).toBeUndefined();
    expect(lookupKey('', policy)).toBeUndefined();
  });
});

describe('looksLikeJwt', () => {
  it.each([
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib3QifQ.c2ln', true],
    ['fwk_abc', false],
    ['a.b', false],
    ['a..c', false],
    ['a.b.c d', false],
    ['a.b.c.d', false],
  ])('%s → %s', (t, expected) => expect(looksLikeJwt(t)).toBe(expected));
});

describe('authenticator', () => {
  it('takes Bearer before x-api-key and refuses repeated credential headers', async () => {
    const a = createAuthenticator();
    expect((await a.authenticate({ headers: { authorization: `Bearer ${k.key}`, 'x-api-key': 'junk' } }, policy)).ok).toBe(true);
    const r = await a.authenticate({ headers: { 'x-api-key': [k.key, k.key] } }, policy);
    expect(r.ok).toBe(false);
  });

  it('throttles an address after max failures until the window passes, per address', async () => {
    let now = 1_000_000;
    const a = createAuthenticator(() => now);
    const bad = { headers: { authorization: 'Bearer nope' }, remoteAddress: '10.0.0.1' };
    await a.authenticate(bad, policy);
    await a.authenticate(bad, policy);
    const throttled = await a.authenticate({ ...bad, headers: { authorization: `Bearer ${k.key}` } }, policy);
    expect(throttled).toMatchObject({ ok: false, denial: { error: { code: 'firewall_auth_throttled' }, retryAfter: 10 } });
    expect((await a.authenticate({ headers: { authorization: `Bearer ${k.key}` }, remoteAddress: '10.0.0.2' }, policy)).ok).toBe(true);
    now += 10_001;
    expect((await a.authenticate({ ...bad, headers: { authorization: `Bearer ${k.key}` } }, policy)).ok).toBe(true);
  });

  it('the throttle stays bounded in memory under an address flood', () => {
    const t = new FailedAttemptThrottle(() => 0);
    for (let i = 0; i < 12_000; i++) t.fail(`a${i}`, 60);
    expect(t.size).toBeLessThanOrEqual(10_000);
  });
});
