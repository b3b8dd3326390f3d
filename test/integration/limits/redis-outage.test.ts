/**
 * Redis outages: a real redis-server (spawned for this file on a free port) is killed mid-test
 * and restarted on the same port. Fail closed → 503 firewall_store_unavailable, fast; fail open →
 * each instance keeps limiting with its local in-memory limiter; after the restart shared
 * limiting across two instances resumes by itself. Errors and fail-opens are counted in metrics.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLimiter, type AdmitRequest, type FirewallLimiter } from '../../../src/limits/index.js';
import type { RedisStore } from '../../../src/limits/redis-store.js';
import { redisTestsEnabled, startRedis, type RedisServer } from '../../helpers/redis.js';

describe.skipIf(!redisTestsEnabled())('redis outage (LLMFW_SKIP_REDIS_TESTS=1 skips)', () => {
  let server: RedisServer;
  let open: FirewallLimiter[] = [];
  let n = 0;

  beforeAll(async () => { server = await startRedis(); });
  afterEach(async () => {
    await Promise.all(open.map((l) => l.close()));
    open = [];
    await server.stop();
    await server.start(); // every test starts with a running server
  });
  afterAll(async () => { await server?.stop(); });

  async function pair(failMode: 'open' | 'closed') {
    const registry = new Registry();
    const keyPrefix = `llmfw:outage${++n}:`;
    const logs: string[] = [];
    const logger = { warn: (_o: object, m?: string) => logs.push(m ?? ''), error: (_o: object, m?: string) => logs.push(m ?? ''), info: () => {} };
    const mk = () => createLimiter({ redisUrl: server.url, store: { keyPrefix, failMode }, metricsRegistry: registry, logger });
    const [a, b] = await Promise.all([mk(), mk()]);
    open.push(a, b);
    return { a, b, registry, logs };
  }
  const req = (limits: AdmitRequest['limits']): AdmitRequest => ({ agent: 'bot', model: 'gpt-4o-mini', promptTokens: 10, maxOutputTokens: 10, limits });
  const metric = async (reg: Registry, name: string) =>
    (await reg.getSingleMetric(name)!.get()).values.reduce((s, v) => s + v.value, 0);
  const whenReady = (l: FirewallLimiter) => (l.store as RedisStore).ready(10_000);

  it('fails closed with a fast 503 firewall_store_unavailable while Redis is down, then resumes shared limiting after a restart on the same port', async () => {
    const { a, b, registry, logs } = await pair('closed');
    const limits = { requestsPerMinute: 4 };
    expect((await a.admit(req(limits))).ok).toBe(true);
    await server.stop();
    const t0 = performance.now();
    const d = await a.admit(req(limits));
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.denial.error.code).toBe('firewall_store_unavailable');
      expect(d.denial.error.status).toBe(503);
      expect(d.headers['retry-after']).toBe('1');
    }
    expect(await metric(registry, 'llmfw_store_errors_total')).toBeGreaterThanOrEqual(1);
    expect(logs).toContain('limits: store unavailable; failing closed');

    await server.start();
    expect(await whenReady(a)).toBe(true);
    expect(await whenReady(b)).toBe(true);
    // The restarted server is empty (no persistence): 4 fresh slots, shared exactly by both instances.
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).admit(req(limits))));
    expect(results.filter((r) => r.ok).length).toBe(4);
  });

  it('fails open to a local in-memory limiter that still enforces the limit per instance, counted in llmfw_store_failopen_total', async () => {
    const { a, b, registry } = await pair('open');
    const limits = { requestsPerMinute: 3 };
    await server.stop();
    const ra = [];
    for (let i = 0; i < 5; i++) ra.push(await a.admit(req(limits)));
    expect(ra.map((r) => r.ok)).toEqual([true, true, true, false, false]);
    const denied = ra[4]!;
    expect(!denied.ok && denied.denial.error.code).toBe('firewall_rate_limited');
    expect((await b.admit(req(limits))).ok).toBe(true); // b has its own local window while split
    expect(await metric(registry, 'llmfw_store_failopen_total')).toBe(6);

    // A reservation taken locally settles locally even after Redis is back.
    const local = await b.admit(req({ tokensPerMinute: 100 }));
    await server.start();
    expect(await whenReady(a)).toBe(true);
    expect(await whenReady(b)).toBe(true);
    if (local.ok) await b.settle(local.reservation, { inputTokens: 5, outputTokens: 5 });
    const shared = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).admit(req(limits))));
    expect(shared.filter((r) => r.ok).length).toBe(3);
    expect(await metric(registry, 'llmfw_store_failopen_total')).toBe(7);
  });

  it('drops a queued settlement whose carrying admission hits the outage (logged, counted; the admission fails closed) and settles normally after the restart', async () => {
    const { a, registry, logs } = await pair('closed');
    const limits = { tokensPerMinute: 1_000 };
    const r1 = await a.admit(req(limits));
    if (!r1.ok) throw new Error('expected admitted');
    const settled = a.settle(r1.reservation, { inputTokens: 5, outputTokens: 5 }); // queued, not sent yet
    await server.stop();
    const d = await a.admit(req(limits)); // carries the queued settlement; both fail
    expect(!d.ok && d.denial.error.code).toBe('firewall_store_unavailable');
    await settled; // resolves: the limiter logs and counts a failed settlement, it never throws
    expect(logs).toContain('limits: settle failed; the hold will expire');
    expect(await metric(registry, 'llmfw_store_errors_total')).toBeGreaterThanOrEqual(2);
    await server.start();
    expect(await whenReady(a)).toBe(true);
    const r2 = await a.admit(req(limits));
    if (!r2.ok) throw new Error('expected admitted after the restart');
    await a.settle(r2.reservation, { inputTokens: 3, outputTokens: 4 });
    const [row] = await a.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(row!.used).toBe(7); // the restarted server is empty: only the second call's actual usage
  });

  it('starts while Redis is down (fail closed: 503, no hang) and picks Redis up once it comes up', async () => {
    await server.stop();
    const t0 = performance.now();
    const l = await createLimiter({ redisUrl: server.url, store: { keyPrefix: `llmfw:boot${++n}:`, failMode: 'closed' }, metricsRegistry: new Registry() });
    open.push(l);
    expect(performance.now() - t0).toBeLessThan(5_000); // waits for Redis at most ~2 s, then serves
    const d = await l.admit(req({ requestsPerMinute: 1 }));
    expect(!d.ok && d.denial.error.code).toBe('firewall_store_unavailable');
    await server.start();
    expect(await whenReady(l)).toBe(true);
    expect((await l.admit(req({ requestsPerMinute: 1 }))).ok).toBe(true);
    expect((await l.admit(req({ requestsPerMinute: 1 }))).ok).toBe(false);
  });

  it('answers usage reports with an error while Redis is down instead of hanging', async () => {
    const { a } = await pair('closed');
    await server.stop();
    const t0 = performance.now();
    await expect(a.usage([{ scope: 'agent', name: 'bot', limits: { requestsPerMinute: 1 } }])).rejects.toThrow(/redis llmfwPeek failed/);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });
});
