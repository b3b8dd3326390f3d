// Covers: transport security — the firewall over HTTPS (real openai SDK trusting a throwaway CA),
// mutual TLS where a client certificate's subject CN names the agent (no key needed), an
// untrusted client certificate refused, a required client certificate enforced at the handshake,
// and upstream TLS: verified by default (self-signed upstream → 502), trusted with `caFile`, and
// `unsafeSkipTlsVerify` working only with a loud warning.
// Starts: openssl (temp dir), an HTTPS upstream stub, and four firewalls on 127.0.0.1:0.
// Needs `openssl`; set LLM_FIREWALL_SKIP_TLS_TESTS=1 to skip by name (otherwise missing openssl fails).
import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasOpenssl, makePki, type TestPki } from '../../helpers/certs.js';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const SKIP = process.env.LLM_FIREWALL_SKIP_TLS_TESTS === '1';
const keys = keysFor('bot');
let pki: TestPki;
let stub: UpstreamStub;
let httpsStub: UpstreamStub;
let fwTls: TestFirewall;
let fwRequire: TestFirewall;
const cleanup: TestFirewall[] = [];

const agents = `  bot:
    keys: ["${keys.bot.hash}"]
    clientCertSubjects: ["support-client"]
    models: ["gpt-4o-mini"]`;
const withTls = (upstream: string, tls: string) => policyYaml(upstream, agents).replace('maxJsonDepth: 16 }', `maxJsonDepth: 16, tls: ${tls} }`);
const sdk = (f: TestFirewall, apiKey: string, connect: Record<string, unknown>) =>
  new OpenAI({ baseURL: f.baseURL, apiKey, maxRetries: 0, fetchOptions: { dispatcher: new Agent({ connect }) } as never });
const ask = (c: OpenAI) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

describe.skipIf(SKIP)('TLS', () => {
  beforeAll(async () => {
    if (!hasOpenssl()) throw new Error('openssl is not installed: install it or set LLM_FIREWALL_SKIP_TLS_TESTS=1');
    pki = makePki();
    stub = await startUpstreamStub();
    httpsStub = await startUpstreamStub({}, { tls: { cert: pki.server.cert, key: pki.server.key } });
    const env = { FW_TEST_UPSTREAM_KEY: 'sk-up' };
    fwTls = await startFirewall({ env, policy: withTls(stub.url, `{ certFile: "${pki.server.certFile}", keyFile: "${pki.server.keyFile}", clientCaFile: "${pki.caFile}" }`) });
    fwRequire = await startFirewall({ env, policy: withTls(stub.url, `{ certFile: "${pki.server.certFile}", keyFile: "${pki.server.keyFile}", clientCaFile: "${pki.caFile}", requireClientCert: true }`) });
  });
  afterAll(async () => {
    for (const f of [fwTls, fwRequire, ...cleanup]) await f?.close();
    await stub?.close(); await httpsStub?.close();
    pki?.cleanup();
  });

  it('serves HTTPS to the openai SDK that trusts the CA, with an API key', async () => {
    expect(fwTls.baseURL.startsWith('https://')).toBe(true);
    await expect(ask(sdk(fwTls, keys.bot.key, { ca: pki.ca }))).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('a client certificate whose CN is listed authenticates the agent without a key (mutual TLS)', async () => {
    const cert = pki.client('support-client');
    // The SDK insists on an apiKey; send none by overriding the header with an empty value.
    const c = new OpenAI({ baseURL: fwTls.baseURL, apiKey: 'unused', maxRetries: 0, defaultHeaders: { authorization: null as never }, fetchOptions: { dispatcher: new Agent({ connect: { ca: pki.ca, ...cert } }) } as never });
    await expect(ask(c)).resolves.toBeDefined();
    await until(() => fwTls.audits().some((a) => a.authMethod === 'mtls'));
    expect(fwTls.audits().find((a) => a.authMethod === 'mtls')!.agent).toBe('bot');
  });

  it('a certificate with an unlisted CN, or from an untrusted CA, gets 401', async () => {
    for (const cert of [pki.client('stranger'), pki.client('support-client', 'self')]) {
      const res = await fetch(`${fwTls.baseURL}/models`, { dispatcher: new Agent({ connect: { ca: pki.ca, ...cert } }) } as RequestInit);
      expect(res.status).toBe(401);
    }
  });

  it('with requireClientCert a connection without a certificate fails at the handshake', async () => {
    await expect(fetch(`${fwRequire.baseURL}/models`, { headers: { authorization: `Bearer ${keys.bot.key}` }, dispatcher: new Agent({ connect: { ca: pki.ca } }) } as RequestInit)).rejects.toThrow();
    const ok = await fetch(`${fwRequire.baseURL}/models`, { headers: { authorization: `Bearer ${keys.bot.key}` }, dispatcher: new Agent({ connect: { ca: pki.ca, ...pki.client('anyone') } }) } as RequestInit);
    expect(ok.status).toBe(200);
  });

  it('upstream TLS is verified: a certificate from an unknown CA gets 502', async () => {
    const f = await startFirewall({ env: { FW_TEST_UPSTREAM_KEY: 'sk-up' }, policy: policyYaml(httpsStub.url, agents) });
    cleanup.push(f);
    const err = await ask(sdk(f, keys.bot.key, {})).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.message).toContain('TLS certificate verification failed');
    expect(httpsStub.requests).toHaveLength(0);
  });

  it('upstream TLS with a configured caFile works', async () => {
    const f = await startFirewall({ env: { FW_TEST_UPSTREAM_KEY: 'sk-up' }, policy: policyYaml(httpsStub.url, agents).replace('timeouts:', `caFile: "${pki.caFile}", timeouts:`) });
    cleanup.push(f);
    await expect(ask(sdk(f, keys.bot.key, {}))).resolves.toBeDefined();
  });

  it('unsafeSkipTlsVerify works only with a loud warning in the log', async () => {
    const f = await startFirewall({ env: { FW_TEST_UPSTREAM_KEY: 'sk-up' }, policy: policyYaml(httpsStub.url, agents).replace('timeouts:', 'unsafeSkipTlsVerify: true, timeouts:') });
    cleanup.push(f);
    await expect(ask(sdk(f, keys.bot.key, {}))).resolves.toBeDefined();
    const warning = f.logs.find((l) => l.event === 'upstream.tls_unverified');
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toContain('UNSAFE');
  });
});
