/**
 * The limiter over the in-memory store: rate limits, token and USD budgets, reservations and
 * settlement, windows rolled with an injected clock (no sleeping), headers and denials, team
 * limits, MCP tool-call limits, the address throttle, and exactness under 200 concurrent admits.
 * Starts nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLimiter, type AdmitRequest, type FirewallLimiter } from '../../../src/limits/index.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
let limiters: FirewallLimiter[] = [];
afterEach(async () => { await Promise.all(limiters.map((l) => l.close())); limiters = []; });

async function make(pricing: Record<string, { input: number; output: number; cachedInput?: number }> = {}) {
  const clock = { now: T0 };
  const l = await createLimiter({ clock: () => clock.now, pricing, metricsRegistry: new Registry(), env: {} });
  limiters.push(l);
  return { l, clock };
}

const req = (over: Partial<AdmitRequest> = {}): AdmitRequest => ({
  agent: 'bot', model: 'gpt-4o-mini', promptTokens: 100, maxOutputTokens: 100, limits: {}, ...over,
});

describe('requests per minute', () => {
  it('admits exactly the limit in a window, denies the next with 429 firewall_rate_limited and Retry-After, and admits again after the window slides', async () => {
    const { l, clock } = await make();
    const r = req({ limits: { requestsPerMinute: 3 } });
    for (let i = 0; i < 3; i++) { clock.now += 1000; expect((await l.admit(r)).ok).toBe(true); }
    const d = await l.admit(r);
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.denial.error.code).toBe('firewall_rate_limited');
    expect(d.denial.error.status).toBe(429);
    // the oldest entry (taken at +1 s) leaves the window at +61 s; now is +3 s
    expect(d.denial.retryAfter).toBe(58);
    expect(d.headers['retry-after']).toBe('58');
    expect(d.headers['x-ratelimit-remaining-requests']).toBe('0');
    clock.now = T0 + 61_000;
    expect((await l.admit(r)).ok).toBe(true);
    expect((await l.admit(r)).ok).toBe(false);
  });

  it('reports OpenAI-style headers with the tightest request and token limits on every admit', async () => {
    const { l } = await make();
    const a = await l.admit(req({ limits: { requestsPerSecond: 10, requestsPerMinute: 2, tokensPerMinute: 1000 } }));
    expect(a.headers).toMatchObject({
      'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '1m0s',
      'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '800', 'x-ratelimit-reset-tokens': '1m0s',
    });
  });
});

describe('tokens per minute with reservation and settlement', () => {
  it('reserves prompt + max output, settles down to actual usage, and the freed tokens are admittable at once', async () => {
    const { l } = await make();
    const r = req({ limits: { tokensPerMinute: 500 }, promptTokens: 100, maxOutputTokens: 300 });
    const a = await l.admit(r);
    expect(a.ok && a.reservation.reservedTokens).toBe(400);
    expect((await l.admit(r)).ok).toBe(false); // 400 + 400 > 500
    if (!a.ok) return;
    await l.settle(a.reservation, { inputTokens: 100, outputTokens: 20 });
    const b = await l.admit(r); // 120 + 400 = 520 > 500: still no
    expect(b.ok).toBe(false);
    const c = await l.admit(req({ limits: { tokensPerMinute: 500 }, promptTokens: 100, maxOutputTokens: 280 }));
    expect(c.ok).toBe(true); // 120 + 380 = 500
  });

  it('releases everything a failed call did not use, once: a second release changes nothing', async () => {
    const { l } = await make();
    const limits = { tokensPerMinute: 1000 };
    const a = await l.admit(req({ limits, promptTokens: 500, maxOutputTokens: 500 }));
    if (!a.ok) throw new Error('expected admit');
    await l.release(a.reservation);
    await l.release(a.reservation);
    const [row] = await l.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(row).toMatchObject({ limit: 'tokensPerMinute', used: 0, remaining: 1000 });
  });

  it('denies a single request larger than the limit with a message telling the client to lower max_tokens', async () => {
    const { l } = await make();
    const d = await l.admit(req({ limits: { tokensPerMinute: 1000 }, promptTokens: 200, maxOutputTokens: 4096 }));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.denial.detail).toMatch(/reserves 4296 tokens.*lower max_tokens/);
  });
});

describe('budgets in UTC calendar windows', () => {
  it('denies with firewall_budget_exceeded until the next UTC day, then admits again', async () => {
    const { l, clock } = await make();
    const limits = { budgets: [{ window: 'day' as const, tokens: 1000 }] };
    clock.now = Date.UTC(2026, 10, 27, 23, 59, 0);
    const a = await l.admit(req({ limits, promptTokens: 600, maxOutputTokens: 0 }));
    expect(a.ok).toBe(true);
    const d = await l.admit(req({ limits, promptTokens: 600, maxOutputTokens: 0 }));
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.denial.error.code).toBe('firewall_budget_exceeded');
    // blocked by an in-flight hold only? no: 600 held + 600 > 1000 and used 0 + 600 <= 1000 → retry soon
    expect(d.denial.retryAfter).toBe(1);
    if (a.ok) await l.settle(a.reservation, { inputTokens: 600, outputTokens: 0 });
    const d2 = await l.admit(req({ limits, promptTokens: 600, maxOutputTokens: 0 }));
    expect(!d2.ok && d2.denial.retryAfter).toBe(60); // committed: wait for midnight UTC
    clock.now = Date.UTC(2026, 10, 28, 0, 0, 0);
    expect((await l.admit(req({ limits, promptTokens: 600, maxOutputTokens: 0 }))).ok).toBe(true);
  });

  it('rolls a month budget over on the 1st, UTC', async () => {
    const { l, clock } = await make();
    const limits = { budgets: [{ window: 'month' as const, tokens: 100 }] };
    clock.now = Date.UTC(2026, 10, 30, 23, 0, 0);
    const a = await l.admit(req({ limits, promptTokens: 100, maxOutputTokens: 0 }));
    if (a.ok) await l.settle(a.reservation, { inputTokens: 100, outputTokens: 0 });
    expect((await l.admit(req({ limits, promptTokens: 1, maxOutputTokens: 0 }))).ok).toBe(false);
    clock.now = Date.UTC(2026, 11, 1, 0, 0, 0);
    expect((await l.admit(req({ limits, promptTokens: 1, maxOutputTokens: 0 }))).ok).toBe(true);
  });

  it('charges USD from the price table (cached input at its own price) and stops at the USD budget', async () => {
    const { l } = await make({ 'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 } });
    const limits = { budgets: [{ window: 'day' as const, usd: 0.001 }] };
    const a = await l.admit(req({ limits, promptTokens: 1000, maxOutputTokens: 1000 }));
    expect(a.ok && a.reservation.reservedUsd).toBeCloseTo(0.00075, 12);
    if (!a.ok) return;
    await l.settle(a.reservation, { inputTokens: 1000, cachedInputTokens: 400, outputTokens: 500 });
    const [row] = await l.usage([{ scope: 'agent', name: 'bot', limits }]);
    // 600 × 0.15 + 400 × 0.075 + 500 × 0.6 = 420 USD per 1M → 0.00042 USD
    expect(row!.used).toBeCloseTo(0.00042, 12);
    expect((await l.admit(req({ limits, promptTokens: 1000, maxOutputTokens: 1000 }))).ok).toBe(false);
  });

  it('denies closed, naming the model, when a USD budget applies and the model has no price', async () => {
    const { l } = await make({ 'gpt-4o': { input: 2.5, output: 10 } });
    const d = await l.admit(req({ model: 'mystery-model', limits: { budgets: [{ window: 'month', usd: 5 }] } }));
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.denial.error.code).toBe('firewall_model_price_unknown');
      expect(d.denial.detail).toBe('mystery-model');
    }
    // a dated snapshot is priced by its prefix
    expect((await l.admit(req({ model: 'gpt-4o-2024-08-06', limits: { budgets: [{ window: 'month', usd: 5 }] } }))).ok).toBe(true);
  });

  it('lets a crashed instance\'s unsettled holds age out after the reservation TTL', async () => {
    const clock = { now: T0 };
    const l = await createLimiter({ clock: () => clock.now, reservationTtlMs: 30_000, metricsRegistry: new Registry(), env: {} });
    limiters.push(l);
    const limits = { budgets: [{ window: 'day' as const, tokens: 1000 }] };
    expect((await l.admit(req({ limits, promptTokens: 1000, maxOutputTokens: 0 }))).ok).toBe(true); // never settled
    expect((await l.admit(req({ limits, promptTokens: 1, maxOutputTokens: 0 }))).ok).toBe(false);
    clock.now += 30_001;
    expect((await l.admit(req({ limits, promptTokens: 1000, maxOutputTokens: 0 }))).ok).toBe(true);
  });

  it('ages out staggered unsettled holds one by one, each at its own expiry, while settled holds leave at once', async () => {
    const clock = { now: T0 };
    const l = await createLimiter({ clock: () => clock.now, reservationTtlMs: 30_000, metricsRegistry: new Registry(), env: {} });
    limiters.push(l);
    const limits = { budgets: [{ window: 'day' as const, tokens: 1000 }] };
    const take = (n: number) => l.admit(req({ limits, promptTokens: n, maxOutputTokens: 0 }));
    expect((await take(400)).ok).toBe(true); // hold A, expires at T0 + 30 s
    clock.now += 10_000;
    const b = await take(400); // hold B, expires at T0 + 40 s
    const c = await take(200); // hold C, settled below
    expect(b.ok && c.ok).toBe(true);
    if (c.ok) await l.settle(c.reservation, { inputTokens: 0, outputTokens: 0 });
    expect((await take(201)).ok).toBe(false); // 400 + 400 held
    clock.now = T0 + 30_001; // A aged out, B still held
    expect((await take(601)).ok).toBe(false);
    expect((await take(600)).ok).toBe(true); // hold D until T0 + 60 s
    clock.now = T0 + 40_001; // B aged out too; D still held
    expect((await take(401)).ok).toBe(false);
    expect((await take(400)).ok).toBe(true);
  });
});

describe('scopes', () => {
  it('counts team limits across all agents of the team', async () => {
    const { l } = await make();
    const teamLimits = { requestsPerMinute: 2 };
    expect((await l.admit(req({ agent: 'a', team: 'ops', teamLimits }))).ok).toBe(true);
    expect((await l.admit(req({ agent: 'b', team: 'ops', teamLimits }))).ok).toBe(true);
    const d = await l.admit(req({ agent: 'c', team: 'ops', teamLimits }));
    expect(!d.ok && d.denial.detail).toMatch(/^team ops reached its limit of 2 requests per minute/);
    expect((await l.admit(req({ agent: 'c', team: 'other', teamLimits }))).ok).toBe(true);
  });

  it('takes nothing from any rule when one rule refuses (all or nothing)', async () => {
    const { l } = await make();
    const limits = { requestsPerMinute: 10, tokensPerMinute: 100 };
    expect((await l.admit(req({ limits, promptTokens: 150, maxOutputTokens: 0 }))).ok).toBe(false);
    const rows = await l.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(rows.map((r) => r.used)).toEqual([0, 0]);
  });

  it('limits MCP tool calls per agent and tool', async () => {
    const { l } = await make();
    const call = { agent: 'bot', server: 'fs', tool: 'read_file', callsPerMinute: 2 };
    expect((await l.admitToolCall(call)).ok).toBe(true);
    expect((await l.admitToolCall(call)).ok).toBe(true);
    const d = await l.admitToolCall(call);
    expect(!d.ok && d.denial.error.code).toBe('firewall_rate_limited');
    expect((await l.admitToolCall({ ...call, tool: 'list_directory' })).ok).toBe(true);
  });
});

describe('address throttle', () => {
  it('refuses an address after max failures in the window and forgets them when the window slides', async () => {
    const { l, clock } = await make();
    const t = l.addressLimiter({ max: 3, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) expect((await t.fail('10.0.0.1')).ok).toBe(true);
    expect((await t.check('10.0.0.1')).ok).toBe(false);
    expect((await t.check('10.0.0.2')).ok).toBe(true);
    clock.now += 60_000;
    expect((await t.check('10.0.0.1')).ok).toBe(true);
    await t.close();
  });
});

describe('concurrency', () => {
  it('admits at most N tokens out of 200 concurrent admits against a budget of N', async () => {
    const { l } = await make();
    const limits = { budgets: [{ window: 'day' as const, tokens: 5_000 }] };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => l.admit(req({ limits, promptTokens: 30 + (i % 7), maxOutputTokens: 50 }))));
    const admitted = results.filter((r) => r.ok).reduce((s, r) => s + (r.ok ? r.reservation.reservedTokens : 0), 0);
    expect(admitted).toBeLessThanOrEqual(5_000);
    expect(admitted).toBeGreaterThan(5_000 - 90);
    for (const r of results) if (!r.ok) expect(r.denial.error.code).toBe('firewall_budget_exceeded');
  });
});

describe('per-key limits from the policy', () => {
  it('limits each key of an agent on its own while the agent limit still caps all keys together', async () => {
    const { admitRequestFor } = await import('../../../src/limits/index.js');
    const { l } = await make();
    const limits = { requestsPerMinute: 3, perKey: { requestsPerMinute: 2 } };
    const call = (keyId: string) => l.admit(admitRequestFor({ route: 'chat', model: 'gpt-4o-mini', agent: 'bot', keyId, limits,
      body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } }));
    expect((await call('k1')).ok).toBe(true);
    expect((await call('k1')).ok).toBe(true);
    const d = await call('k1');
    expect(!d.ok && d.denial.detail).toMatch(/^this key reached its limit of 2 requests per minute/);
    expect((await call('k2')).ok).toBe(true);
    const agentCap = await call('k3');
    expect(!agentCap.ok && agentCap.denial.detail).toMatch(/^agent bot reached its limit of 3 requests per minute/);
  });
});

describe('prices from the request', () => {
  it('uses the price table carried by the request (the current policy) over the one the limiter was created with', async () => {
    const { l } = await make({});
    const limits = { budgets: [{ window: 'day' as const, usd: 1 }] };
    const noPrice = await l.admit(req({ limits }));
    expect(!noPrice.ok && noPrice.denial.error.code).toBe('firewall_model_price_unknown');
    const priced = await l.admit(req({ limits, pricing: { 'gpt-4o-mini': { input: 0.15, output: 0.6 } } }));
    expect(priced.ok && priced.reservation.reservedUsd).toBeCloseTo((100 * 0.15 + 100 * 0.6) / 1e6, 12);
  });
});
