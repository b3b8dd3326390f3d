// Covers: JWT verification with a PEM public key file (ES256) — accepted token maps its claim to
// the agent; a token signed by another key, one missing the audience, and a policy whose key file
// is unreadable are refused with a reason and never throw. Starts nothing (temp files only).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJwt } from '../../../src/auth/index.js';
import { parsePolicy, type CompiledPolicy } from '../../../src/policy/index.js';

let dir: string;
let policy: CompiledPolicy;
let priv: CryptoKey;
let other: CryptoKey;
const sign = (key: CryptoKey, claims: Record<string, unknown>, aud = 'fw') =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setAudience(aud).setExpirationTime('1m').sign(key);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fw-jwt-'));
  const pair = await generateKeyPair('ES256');
  priv = pair.privateKey;
  other = (await generateKeyPair('ES256')).privateKey;
  writeFileSync(join(dir, 'pub.pem'), await exportSPKI(pair.publicKey));
  policy = parsePolicy(`version: 1
auth: { jwt: { publicKeyFile: "${join(dir, 'pub.pem')}", algorithms: [ES256], audience: fw, agentClaim: team_agent } }
agents:
  bot: { models: [m], jwtSubjects: [svc-1] }
`, 'inline.yaml');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JWT with a PEM public key', () => {
  it('a token signed by the matching key maps its claim (via jwtSubjects) to the agent', async () => {
    expect(await verifyJwt(await sign(priv, { team_agent: 'svc-1' }), policy)).toEqual({ ok: true, agent: 'bot' });
  });
  it('a token signed by another key is refused', async () => {
    expect(await verifyJwt(await sign(other, { team_agent: 'bot' }), policy)).toEqual({ ok: false, reason: 'The bearer token was rejected (signature verification failed).' });
  });
  it('a token for another audience is refused', async () => {
    const r = await verifyJwt(await sign(priv, { team_agent: 'bot' }, 'elsewhere'), policy);
    expect(r.ok).toBe(false);
  });
  it('a token without the agent claim is refused', async () => {
    expect(await verifyJwt(await sign(priv, { sub: 'bot' }), policy)).toEqual({ ok: false, reason: 'The token\'s "team_agent" claim names no agent.' });
  });
  it('an unreadable key file refuses tokens instead of throwing', async () => {
    const broken = parsePolicy(`version: 1
auth: { jwt: { publicKeyFile: "${join(dir, 'missing.pem')}", algorithms: [ES256] } }
agents: { bot: { models: [m] } }
`, 'inline.yaml');
    expect(await verifyJwt(await sign(priv, { sub: 'bot' }), broken)).toEqual({ ok: false, reason: 'The bearer token was rejected (key unavailable).' });
  });
});
