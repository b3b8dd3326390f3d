/**
 * `GET /admin/usage` on a real fastify server (127.0.0.1, port 0) with a real in-memory limiter
 * and a policy parsed by the policy module: admin-key checks (missing, agent key, wrong key,
 * right key), the per-agent filter, usage rows after admissions, the store-down 503, and the
 * address throttle on repeated failures; and the plugin registered on the real `buildApp` app
 * (the way the app factory should wire it), with one audit event per request. Closes the servers
 * in teardown.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { Writable } from 'node:stream';
import { parsePolicy, PolicyHolder, type CompiledPolicy } from '../../../src/policy/index.js';
import { createLogger } from '../../../src/audit/index.js';
import { buildApp } from '../../../src/server/app.js';
import { createLimiter, type FirewallLimiter } from '../../../src/limits/index.js';
import { limitsAdminRoutes } from '../../../src/limits/admin-routes.js';

const ADMIN_KEY = 'adm_test_0123456789abcdef';
const AGENT_KEY = 'fwk_agent_key_for_tests';
const sha = (k: string) => `sha256:${createHash('sha256').update(k).digest('hex')}`;

const POLICY = `
version: 1
admin: { keys: ["${sha(ADMIN_KEY)}"] }
teams:
  ops: { limits: { requestsPerMinute: 100 } }
agents:
  bot:
    keys: ["${sha(AGENT_KEY)}"]
    models: ["gpt-4o-mini"]
    team: ops
    limits:
      requestsPerMinute: 10
      tokensPerMinute: 5000
      budgets: [ { window: day, tokens: 100000 } ]
  other:
    keys: []
    models: ["gpt-4o-mini"]
    limits: { requestsPerMinute: 5 }
`;

describe('GET /admin/usage', () => {
  let app: FastifyInstance;
  let limiter: FirewallLimiter;
  let policy: CompiledPolicy;
  let base: string;

  beforeAll(async () => {
    policy = parsePolicy(POLICY, 'admin-test.yaml');
    limiter = await createLimiter({ metricsRegistry: new Registry(), env: {} });
    app = Fastify({ logger: false });
    await app.register(limitsAdminRoutes, { limiter, policy: () => policy, throttle: limiter.addressLimiter({ max: 5, windowSeconds: 60 }) });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => { await app?.close(); await limiter?.close(); });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

  it('refuses a request without a key with an OpenAI-shaped 401', async () => {
    const r = await get('/admin/usage');
    expect(r.status).toBe(401);
    const body = await r.json() as { error: { code: string; type: string; message: string } };
    expect(body.error.code).toBe('firewall_unauthenticated');
    expect(body.error.type).toBe('authentication_error');
  });

  it('refuses an agent key: agent keys never open admin endpoints', async () => {
    expect((await get('/admin/usage', { authorization: `Bearer ${AGENT_KEY}` })).status).toBe(401);
  });

  it('shows every agent and team with current usage for the admin key, without echoing any key', async () => {
    const bot = policy.agents.get('bot')!;
    const a = await limiter.admit({ agent: 'bot', team: 'ops', model: 'gpt-4o-mini', promptTokens: 120, maxOutputTokens: 30,
      limits: bot.limits, teamLimits: policy.doc.teams?.ops?.limits });
    if (!a.ok) throw new Error('expected admit');
    await limiter.settle(a.reservation, { inputTokens: 120, outputTokens: 10 });
    const r = await get('/admin/usage', { authorization: `Bearer ${ADMIN_KEY}` });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).not.toContain(ADMIN_KEY);
    const body = JSON.parse(text) as { store: string; usage: Array<{ scope: string; name: string; limit: string; used: number; max: number }> };
    expect(body.store).toBe('memory');
    const find = (scope: string, name: string, limit: string) => body.usage.find((u) => u.scope === scope && u.name === name && u.limit === limit);
    expect(find('agent', 'bot', 'requestsPerMinute')).toMatchObject({ used: 1, max: 10 });
    expect(find('agent', 'bot', 'tokensPerMinute')).toMatchObject({ used: 130, max: 5000 });
    expect(find('agent', 'bot', 'tokens/day')).toMatchObject({ used: 130, max: 100000 });
    expect(find('team', 'ops', 'requestsPerMinute')).toMatchObject({ used: 1, max: 100 });
    expect(find('agent', 'other', 'requestsPerMinute')).toMatchObject({ used: 0, max: 5 });
  });

  it('filters to one agent with ?agent= (x-admin-key header works too) and 404s an unknown agent', async () => {
    const r = await get('/admin/usage?agent=other', { 'x-admin-key': ADMIN_KEY });
    const body = await r.json() as { usage: Array<{ name: string }> };
    expect(body.usage.map((u) => u.name)).toEqual(['other']);
    const nf = await get('/admin/usage?agent=nobody', { 'x-admin-key': ADMIN_KEY });
    expect(nf.status).toBe(404);
  });

  it('throttles an address after repeated wrong admin keys, even when the right key follows', async () => {
    // Two failures happened above (no key, agent key); three more reach max = 5.
    for (let i = 0; i < 3; i++) expect((await get('/admin/usage', { authorization: `Bearer wrong-${i}` })).status).toBe(401);
    const r = await get('/admin/usage', { authorization: `Bearer ${ADMIN_KEY}` });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('firewall_auth_throttled');
  });
});

describe('GET /admin/usage with the store down', () => {
  it('answers 503 firewall_store_unavailable instead of hanging', async () => {
    const policy = parsePolicy(POLICY, 'admin-test.yaml');
    const limiter = await createLimiter({ metricsRegistry: new Registry(), env: {} });
    const broken = Object.assign(Object.create(limiter) as FirewallLimiter, {
      usage: async () => { throw new Error('redis llmfwPeek failed: Connection is closed.'); },
    });
    const app = Fastify({ logger: false });
    await app.register(limitsAdminRoutes, { limiter: broken, policy: () => policy });
    try {
      const r = await app.inject({ method: 'GET', url: '/admin/usage', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(r.statusCode).toBe(503);
      expect(r.json().error.code).toBe('firewall_store_unavailable');
    } finally {
      await app.close();
      await limiter.close();
    }
  });
});

describe('GET /admin/usage registered on the buildApp app', () => {
  it('answers through the firewall app and leaves exactly one audit event per request, naming the route and never the key', async () => {
    const lines: Array<Record<string, unknown>> = [];
    let text = '';
    const stream = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString(); for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l)); cb(); } });
    const logger = createLogger({ stream, level: 'info' });
    const holder = PolicyHolder.of(parsePolicy(POLICY, 'admin-test.yaml'));
    const limiter = await createLimiter({ metricsRegistry: new Registry(), env: {} });
    const app = await buildApp({ policy: holder, logger, limiter });
    // buildApp mounts the route itself for a createLimiter limiter; registering it again would clash.
    expect(app.hasRoute({ method: 'GET', url: '/admin/usage' })).toBe(true);
    try {
      const ok = await app.inject({ method: 'GET', url: '/admin/usage', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-request-id']).toBeTruthy();
      const bad = await app.inject({ method: 'GET', url: '/admin/usage', headers: { authorization: 'Bearer nope' } });
      expect(bad.statusCode).toBe(401);
      await new Promise((r) => setTimeout(r, 50));
      const audits = lines.filter((l) => l.audit === true);
      expect(audits.map((a) => [a.route, a.status, a.decision])).toEqual([['admin_usage', 200, 'allow'], ['admin_usage', 401, 'deny']]);
      expect(text).not.toContain(ADMIN_KEY);
    } finally {
      await app.close();
      await limiter.close();
    }
  });
});
