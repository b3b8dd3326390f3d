// Covers: authentication through the firewall with the real openai SDK and fetch — API keys via
// Bearer and x-api-key, every failure (missing, unknown, malformed, repeated), the failed-attempt
// throttle, and JWT bearer tokens (HMAC secret from env; RS256 against a JWKS served on loopback;
// expired, wrong audience/issuer, bad signature, unknown subject).
// Starts: the upstream stub, a JWKS HTTP server, and three firewalls on 127.0.0.1:0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('bot', 'other');
const SECRET = 'test-hmac-secret-0123456789abcdef0123456789';
let stub: UpstreamStub;
let fw: TestFirewall;
let fwThrottle: TestFirewall;
let fwJwks: TestFirewall;
let jwks: Server;
let rsa: CryptoKey;

const agents = `  bot:
    keys: ["${keys.bot.hash}"]
    jwtSubjects: ["svc-bot"]
    models: ["gpt-4o-mini"]
  other:
    keys: ["${keys.other.hash}"]
    models: ["gpt-4o"]`;

const chat = (c: OpenAI, model = 'gpt-4o-mini') => c.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
const sdk = (baseURL: string, apiKey: string) => new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const post = (url: string, headers: Record<string, string>) => fetch(`${url}/chat/completions`, {
  method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [] }),
});
const hs = (claims: Record<string, unknown>, opts: { exp?: string | number; aud?: string; iss?: string; secret?: string } = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setIssuer(opts.iss ?? 'test-issuer').setAudience(opts.aud ?? 'llm-firewall')
    .setExpirationTime(opts.exp ?? '5m').sign(new TextEncoder().encode(opts.secret ?? SECRET));

beforeAll(async () => {
  process.env.FW_TEST_JWT_SECRET = SECRET;
  stub = await startUpstreamStub();
  const env = { FW_TEST_UPSTREAM_KEY: 'sk-up' };
  fw = await startFirewall({ env, policy: policyYaml(stub.url, agents, `auth:
  failedAttempts: { max: 1000, windowSeconds: 60 }
  jwt: { secretEnv: FW_TEST_JWT_SECRET, issuer: test-issuer, audience: llm-firewall, agentClaim: sub, algorithms: [HS256] }`) });
  fwThrottle = await startFirewall({ env, policy: policyYaml(stub.url, agents, 'auth: { failedAttempts: { max: 3, windowSeconds: 60 } }') });

  const pair = await generateKeyPair('RS256');
  rsa = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ keys: [jwk] })); });
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
  fwJwks = await startFirewall({ env, policy: policyYaml(stub.url, agents, `auth:
  jwt: { jwksUrl: "${jwksUrl}", issuer: https://idp.test, audience: llm-firewall, agentClaim: agent }`) });
});
afterAll(async () => {
  await fw?.close(); await fwThrottle?.close(); await fwJwks?.close(); await stub?.close();
  await new Promise((r) => jwks?.close(r));
  delete process.env.FW_TEST_JWT_SECRET;
});

describe('API keys', () => {
  it('a valid key as Bearer authenticates the agent it belongs to', async () => {
    await expect(chat(sdk(fw.baseURL, keys.bot.key))).resolves.toBeDefined();
    await until(() => fw.audits().some((a) => a.agent === 'bot' && a.authMethod === 'api-key'));
  });

  it('a valid key in x-api-key authenticates too', async () => {
    const res = await post(fw.baseURL, { 'x-api-key': keys.bot.key });
    expect(res.status).toBe(200);
  });

  it('each agent is confined to its own models even with a valid key', async () => {
    await expect(chat(sdk(fw.baseURL, keys.other.key))).rejects.toMatchObject({ status: 403, code: 'firewall_model_not_allowed' });
  });

  it.each([
    ['no credentials', {}, 'Send an agent key'],
    ['an unknown key', { authorization: 'Bearer fwk_not-a-real-key' }, 'The API key is not recognised.'],
    ['a non-Bearer scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'Authorization must be "Bearer <key>".'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'Authorization must be "Bearer <key>".'],
    ['a provider key instead of an agent key', { authorization: 'Bearer sk-proj-abcdefghijklmnop' }, 'The API key is not recognised.'],
  ])('%s gets 401 firewall_unauthenticated in the OpenAI error shape', async (_name, headers, message) => {
    const res = await post(fw.baseURL, headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const body = await res.json();
    expect(body).toEqual({ error: { message: expect.stringContaining(message), type: 'authentication_error', code: 'firewall_unauthenticated', param: null } });
    expect(stub.requests.every((r) => r.headers.authorization === 'Bearer sk-up')).toBe(true);
  });

  it('the SDK surfaces an unknown key as AuthenticationError', async () => {
    await expect(chat(sdk(fw.baseURL, 'fwk_wrong'))).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('repeated failures from one address are throttled with 429 and Retry-After, even for a valid key afterwards', async () => {
    for (let i = 0; i < 3; i++) expect((await post(fwThrottle.baseURL, { authorization: 'Bearer wrong' })).status).toBe(401);
    const res = await post(fwThrottle.baseURL, { authorization: `Bearer ${keys.bot.key}` });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await res.json()).error.code).toBe('firewall_auth_throttled');
  });

  it('never writes the presented key to the logs', async () => {
    await post(fw.baseURL, { authorization: 'Bearer fwk_secret-guess-123' });
    await until(() => fw.audits().length > 0);
    expect(fw.logText()).not.toContain('fwk_secret-guess-123');
    expect(fw.logText()).not.toContain(keys.bot.key);
  });
});

describe('JWT bearer tokens', () => {
  it('an HS256 token with the right issuer and audience maps its subject to the agent', async () => {
    const token = await hs({ sub: 'bot' });
    await expect(chat(sdk(fw.baseURL, token))).resolves.toBeDefined();
    await until(() => fw.audits().some((a) => a.authMethod === 'jwt' && a.agent === 'bot'));
  });

  it('a subject listed in jwtSubjects maps to its agent', async () => {
    await expect(chat(sdk(fw.baseURL, await hs({ sub: 'svc-bot' })))).resolves.toBeDefined();
  });

  it.each([
    ['expired', () => hs({ sub: 'bot' }, { exp: Math.floor(Date.now() / 1000) - 600 }), 'expired'],
    ['for another audience', () => hs({ sub: 'bot' }, { aud: 'someone-else' }), 'claim aud'],
    ['from another issuer', () => hs({ sub: 'bot' }, { iss: 'evil' }), 'claim iss'],
    ['signed with another secret', () => hs({ sub: 'bot' }, { secret: 'x'.repeat(40) }), 'signature verification failed'],
    ['naming no agent', () => hs({ sub: 'nobody' }), 'names no agent'],
  ])('a token %s is refused with 401 and a reason', async (_n, make, reason) => {
    const res = await post(fw.baseURL, { authorization: `Bearer ${await make()}` });
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toContain(reason);
  });

  it('an RS256 token verified against the loopback JWKS maps the configured claim to the agent', async () => {
    const token = await new SignJWT({ agent: 'other' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://idp.test').setAudience('llm-firewall').setExpirationTime('5m').sign(rsa);
    await expect(chat(sdk(fwJwks.baseURL, token), 'gpt-4o')).resolves.toBeDefined();
  });

  it('an HS256 token is refused by a JWKS-configured firewall (no algorithm confusion)', async () => {
    const res = await post(fwJwks.baseURL, { authorization: `Bearer ${await hs({ agent: 'bot' }, { iss: 'https://idp.test' })}` });
    expect(res.status).toBe(401);
  });
});
