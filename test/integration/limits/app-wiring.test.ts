/**
 * The limiter wired into the real app the way `serve` wires it: `buildApp` with a `createLimiter`
 * limiter (in memory) and one metrics object shared by both. Covers `GET /admin/usage` registered
 * by `buildApp` itself (admin key vs agent key), a USD budget priced from the policy's `pricing`
 * (the limiter was created without prices, so only the request's policy prices can apply), and
 * the limits counters (`llmfw_store_*`, `llmfw_limits_denied_total`) on `/metrics`. Starts the
 * loopback upstream stub and one firewall on 127.0.0.1:0; the real `openai` SDK is the client.
 */
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/audit/index.js';
import { createLimiter, type FirewallLimiter } from '../../../src/limits/index.js';
import { startFirewall, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor } from '../../helpers/policies.js';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';

const ADMIN_KEY = 'adm-test-0123456789abcdef';
const sha = (k: string) => `sha256:${createHash('sha256').update(k).digest('hex')}`;
const keys = keysFor('spender', 'plain');

describe('limits wired into buildApp (admin routes, policy prices, shared metrics)', () => {
  let stub: UpstreamStub;
  let fw: TestFirewall;
  let limiter: FirewallLimiter;

  beforeAll(async () => {
    stub = await startUpstreamStub();
    const metrics = createMetrics();
    limiter = await createLimiter({ metricsRegistry: metrics.registry });
    fw = await startFirewall({
      limiter, metrics, env: { FW_TEST_UPSTREAM_KEY: 'sk-provider' },
      policy: `version: 1
server: { host: 127.0.0.1, port: 0 }
upstreams:
  openai: { baseUrl: "${stub.url}", apiKeyEnv: FW_TEST_UPSTREAM_KEY }
admin: { keys: ["${sha(ADMIN_KEY)}"] }
pricing:
  gpt-4o-mini: { input: 10, output: 10 }
agents:
  spender:
    keys: ["${keys.spender.hash}"]
    models: ["gpt-4o-mini"]
    limits: { budgets: [ { window: day, usd: 0.001 } ] }
  plain:
    keys: ["${keys.plain.hash}"]
    models: ["gpt-4o-mini"]
`,
    });
  });
  afterAll(async () => {
    await fw?.close();
    await limiter?.close();
    await stub?.close();
  });
  beforeEach(() => stub.reset());

  const client = (key: string) => new OpenAI({ baseURL: fw.baseURL, apiKey: key, maxRetries: 0 });

  it('GET /admin/usage answers the admin key and refuses an agent key', async () => {
    const ok = await fetch(`${fw.origin}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(ok.status).toBe(200);
    const body = await ok.text();
    expect(body).toContain('spender');
    expect(body).not.toContain(ADMIN_KEY);
    const agent = await fetch(`${fw.origin}/admin/usage`, { headers: { authorization: `Bearer ${keys.plain.key}` } });
    expect(agent.status).toBe(401);
    expect(((await agent.json()) as { error: { code: string } }).error.code).toBe('firewall_unauthenticated');
  });

  it('a USD budget is charged at the policy price: the first call passes, the one after the budget is spent gets 429', async () => {
    // 50 + 50 tokens at 10 USD per 1M = 0.001 USD: exactly the day's budget.
    stub.set({ usage: { input: 50, output: 50 } });
    const c = client(keys.spender.key);
    const first = await c.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'Hi.' }] });
    expect(first.choices[0].message.content).toBeTruthy();
    const err = await c.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'Hi again.' }] })
      .then(() => undefined, (e: unknown) => e as { status: number; code: string });
    expect(err?.status).toBe(429);
    expect(err?.code).toBe('firewall_budget_exceeded');
    // The spend shows in the admin report too.
    const usage = await (await fetch(`${fw.origin}/admin/usage?agent=spender`, { headers: { 'x-admin-key': ADMIN_KEY } })).text();
    expect(usage).toMatch(/usd/i);
  });

  it('/metrics shows the limiter counters next to the request metrics (one registry)', async () => {
    const text = await (await fetch(`${fw.origin}/metrics`)).text();
    expect(text).toContain('llmfw_requests_total');
    expect(text).toContain('llmfw_store_errors_total');
    expect(text).toMatch(/llmfw_limits_denied_total\{code="firewall_budget_exceeded"\} [1-9]/);
  });
});
