/**
 * The limiter on a real redis-server (spawned on a free loopback port for this file, killed in
 * teardown): exactness across two limiter instances (two ioredis clients) under 200 concurrent
 * admits, settlement and release, windows rolled by an injected clock, hold expiry, script-cache
 * loss (NOSCRIPT), key prefixing and the layout-2 keys (one state and one entry set per scope,
 * decoded here with Redis' own Lua libraries), a settlement landing in the day before a
 * midnight roll-over, hundreds of entries swept at once, usage reports, and settlements that
 * ride along with the next admission (or go out on the settle timer).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { Redis } from 'ioredis';
import { createLimiter, type AdmitRequest, type FirewallLimiter } from '../../../src/limits/index.js';
import { redisTestsEnabled, startRedis, type RedisServer } from '../../helpers/redis.js';

const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

describe.skipIf(!redisTestsEnabled())('limits on redis (LLMFW_SKIP_REDIS_TESTS=1 skips)', () => {
  let server: RedisServer;
  let admin: Redis;
  let open: FirewallLimiter[] = [];
  let prefixN = 0;

  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
  });
  afterEach(async () => { await Promise.all(open.map((l) => l.close())); open = []; });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });

  /** Two limiters sharing one Redis and one clock, each with its own client; a fresh key prefix per test. */
  async function pair(o: { pricing?: Record<string, { input: number; output: number }>; reservationTtlMs?: number; autoPipelining?: boolean } = {}) {
    const clock = { now: T0 };
    const keyPrefix = `llmfw:test${++prefixN}:`;
    const mk = () => createLimiter({ redisUrl: server.url, store: { keyPrefix, failMode: 'closed', autoPipelining: o.autoPipelining }, clock: () => clock.now,
      pricing: o.pricing, reservationTtlMs: o.reservationTtlMs, metricsRegistry: new Registry() });
    const [a, b] = await Promise.all([mk(), mk()]);
    open.push(a, b);
    expect(a.storeKind).toBe('redis');
    return { a, b, clock, keyPrefix };
  }

  const req = (over: Partial<AdmitRequest> = {}): AdmitRequest => ({
    agent: 'bot', model: 'gpt-4o-mini', promptTokens: 100, maxOutputTokens: 100, limits: {}, ...over,
  });

  it('admits at most N tokens out of 200 concurrent admits from two instances against a token budget of N; the rest get firewall_budget_exceeded', async () => {
    const { a, b } = await pair();
    const N = 7_000;
    const limits = { budgets: [{ window: 'day' as const, tokens: N }] };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) =>
      (i % 2 ? a : b).admit(req({ limits, promptTokens: 20 + (i % 11), maxOutputTokens: 60 }))));
    const ok = results.filter((r) => r.ok);
    const admitted = ok.reduce((s, r) => s + (r.ok ? r.reservation.reservedTokens : 0), 0);
    expect(admitted).toBeLessThanOrEqual(N);
    expect(admitted).toBeGreaterThan(N - 91); // exact: it stops only when the next one cannot fit
    expect(ok.length).toBeLessThan(200);
    for (const r of results) if (!r.ok) expect(r.denial.error.code).toBe('firewall_budget_exceeded');
    const [row] = await a.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(row!.reserved).toBe(admitted);
  });

  it('admits exactly N of 200 concurrent requests from two instances against requests-per-minute N', async () => {
    const { a, b } = await pair();
    const limits = { requestsPerMinute: 37 };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).admit(req({ limits }))));
    expect(results.filter((r) => r.ok).length).toBe(37);
    for (const r of results) {
      if (r.ok) continue;
      expect(r.denial.error.code).toBe('firewall_rate_limited');
      expect(r.denial.retryAfter).toBe(60);
      expect(r.headers['x-ratelimit-remaining-requests']).toBe('0');
    }
  });

  it('admits exactly N of 200 concurrent requests from two instances against requests-per-minute N next to a tokens-per-minute limit (counted from its entries), with retry-after and headers', async () => {
    const { a, b, clock } = await pair();
    const limits = { requestsPerMinute: 23, tokensPerMinute: 1_000_000 };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).admit(req({ limits }))));
    expect(results.filter((r) => r.ok).length).toBe(23);
    for (const r of results) {
      if (r.ok) continue;
      expect(r.denial.error.code).toBe('firewall_rate_limited');
      expect(r.denial.retryAfter).toBe(60);
      expect(r.headers['x-ratelimit-remaining-requests']).toBe('0');
    }
    // Released calls still count as requests (as in memory); a new minute frees them all.
    await Promise.all(results.map((r, i) => (r.ok ? (i % 2 ? a : b).release(r.reservation) : undefined)));
    expect((await a.admit(req({ limits }))).ok).toBe(false);
    const [rpm, tpm] = await b.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect([rpm!.used, tpm!.used]).toEqual([23, 0]);
    clock.now += 60_000;
    const next = await a.admit(req({ limits }));
    expect(next.ok && next.headers['x-ratelimit-remaining-requests']).toBe('22');
  });

  it('stays exact with store.autoPipelining on: 200 concurrent admits with queued settlements from two instances never pass a token budget', async () => {
    const { a, b } = await pair({ autoPipelining: true });
    expect((a.store as unknown as { client: { options: { enableAutoPipelining: boolean } } }).client.options.enableAutoPipelining).toBe(true);
    const N = 5_000;
    const limits = { requestsPerMinute: 150, tokensPerMinute: 1_000_000, budgets: [{ window: 'day' as const, tokens: N }] };
    const results = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const l = i % 2 ? a : b;
      const r = await l.admit(req({ limits, promptTokens: 20, maxOutputTokens: 30 }));
      if (r.ok && i % 4 === 0) void l.settle(r.reservation, { inputTokens: 20, outputTokens: 30 }); // exact: frees nothing
      return r;
    }));
    const ok = results.filter((r) => r.ok).length;
    expect(ok).toBe(100); // 100 × 50 tokens = N exactly; requests/minute (150) never binds
    for (const r of results) if (!r.ok) expect(r.denial.error.code).toBe('firewall_budget_exceeded');
  });

  it('settles to actual usage and releases failed calls, so usage returns to what was spent', async () => {
    const { a, b } = await pair({ pricing: { 'gpt-4o-mini': { input: 0.15, output: 0.6 } } });
    const limits = { tokensPerMinute: 10_000, budgets: [{ window: 'day' as const, tokens: 50_000 }, { window: 'month' as const, usd: 1 }] };
    const r1 = await a.admit(req({ limits, promptTokens: 1000, maxOutputTokens: 2000 }));
    const r2 = await b.admit(req({ limits, promptTokens: 500, maxOutputTokens: 2000 }));
    if (!r1.ok || !r2.ok) throw new Error('expected both admitted');
    let rows = await a.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(rows.map((r) => [r.limit, r.used, r.reserved])).toEqual([
      ['tokensPerMinute', 5500, 0], ['tokens/day', 0, 5500], ['usd/month', 0, expect.closeTo((1000 * 0.15 + 2000 * 0.6 + 500 * 0.15 + 2000 * 0.6) / 1e6, 9)],
    ]);
    await a.settle(r1.reservation, { inputTokens: 1000, outputTokens: 42 });
    await b.release(r2.reservation);
    rows = await b.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(rows.map((r) => [r.limit, r.used, r.reserved])).toEqual([
      ['tokensPerMinute', 1042, 0], ['tokens/day', 1042, 0], ['usd/month', expect.closeTo((1000 * 0.15 + 42 * 0.6) / 1e6, 9), 0],
    ]);
  });

  it('rolls sliding and calendar windows over with the injected clock, no sleeping', async () => {
    const { a, b, clock } = await pair();
    const limits = { requestsPerSecond: 2, budgets: [{ window: 'hour' as const, tokens: 250 }] };
    const small = req({ limits, promptTokens: 100, maxOutputTokens: 0 });
    clock.now = Date.UTC(2026, 10, 27, 12, 59, 59, 500);
    expect((await a.admit(small)).ok).toBe(true);
    expect((await b.admit(small)).ok).toBe(true);
    const d = await a.admit(small);
    expect(!d.ok && d.denial.error.code).toBe('firewall_rate_limited');
    clock.now += 1000; // 13:00:00.500: the second has slid, and a new UTC hour began
    expect((await b.admit(small)).ok).toBe(true); // 100 of 250 this hour
    const tooMuch = await a.admit(req({ limits, promptTokens: 200, maxOutputTokens: 0 }));
    expect(!tooMuch.ok && tooMuch.denial.error.code).toBe('firewall_budget_exceeded');
  });

  it("ages out a crashed instance's budget holds after the reservation TTL", async () => {
    const { a, b, clock } = await pair({ reservationTtlMs: 5_000 });
    const limits = { budgets: [{ window: 'day' as const, tokens: 1000 }] };
    expect((await a.admit(req({ limits, promptTokens: 900, maxOutputTokens: 0 }))).ok).toBe(true);
    await a.close(); // the instance "crashes" without settling
    open = open.filter((l) => l !== a);
    expect((await b.admit(req({ limits, promptTokens: 900, maxOutputTokens: 0 }))).ok).toBe(false);
    clock.now += 5_001;
    expect((await b.admit(req({ limits, promptTokens: 900, maxOutputTokens: 0 }))).ok).toBe(true);
  });

  it('keeps working after Redis loses its script cache (EVALSHA → NOSCRIPT → EVAL)', async () => {
    const { a } = await pair();
    const limits = { requestsPerMinute: 5 };
    expect((await a.admit(req({ limits }))).ok).toBe(true);
    await admin.script('FLUSH');
    expect((await a.admit(req({ limits }))).ok).toBe(true);
    const [row] = await a.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(row!.used).toBe(2);
  });

  it('stores every key under the configured prefix and layout version, one state and one entry set per scope, each with a TTL', async () => {
    const { a, keyPrefix } = await pair();
    await a.admit(req({ limits: { requestsPerMinute: 5, budgets: [{ window: 'day', tokens: 1e6 }] } }));
    const keys = await admin.keys(`${keyPrefix}*`);
    expect(keys.sort()).toEqual([`${keyPrefix}lim2:{agent:bot}`, `${keyPrefix}lim2:{agent:bot}:z`]);
    for (const k of keys) expect(await admin.pttl(k)).toBeGreaterThan(0);
  });

  it('keeps each counter equal to its live entries and every key under a TTL while windows roll over many admits and settles', async () => {
    const { a, b, clock, keyPrefix } = await pair({ reservationTtlMs: 30_000 });
    const limits = { requestsPerMinute: 1_000, tokensPerMinute: 1_000_000, budgets: [{ window: 'day' as const, tokens: 1e9 }] };
    for (let i = 0; i < 40; i++) {
      const r = await (i % 2 ? a : b).admit(req({ limits, promptTokens: 10 + i, maxOutputTokens: 50 }));
      expect(r.ok).toBe(true);
      // Every third reservation is never settled (a crashed instance): its day hold must expire.
      if (r.ok && i % 3) await (i % 2 ? a : b).settle(r.reservation, { inputTokens: 10 + i, outputTokens: i });
      clock.now += 7_000;
    }
    // One scope, so one state key and one entry set, decoded with Redis' own Lua libraries in
    // the layout redis-scripts.ts describes: state MessagePack; entries `struct` tag, count, id, amounts.
    const key = `${keyPrefix}lim2:{agent:bot}`;
    expect((await admin.keys(`${keyPrefix}*`)).sort()).toEqual([key, `${key}:z`]);
    const dump = JSON.parse(await admin.eval(`local e = {}
      for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
        local tag, cnt = string.byte(m, 1, 2)
        local t = { struct.unpack('<BBBc0' .. string.rep(tag == 2 and 'Bdd' or 'Bd', cnt), m) }
        t[#t] = nil
        e[#e + 1] = t
      end
      local st = {}
      for k, x in pairs(cmsgpack.unpack(redis.call('GET', KEYS[1]))) do st[tostring(k)] = x end
      return cjson.encode({ st, e })`, 2, key, `${key}:z`) as string) as
      [Record<string, number>, Array<Array<string | number>>];
    const [state, entries] = dump;
    // Every counter equals the sum of its entries (entries at or before now are swept lazily,
    // so stale ones still count until the next admission's sweep, as the counter does).
    const sum = (tag: number, field: number) => entries.filter((e) => e[0] === tag).reduce((s, e) => {
      for (let j = 3; j < e.length; j += tag === 2 ? 3 : 2) if (e[j] === field) s += Number(e[j + (tag === 2 ? 2 : 1)]);
      return s;
    }, 0);
    expect(state[8 * 2 + 8]).toBe(sum(1, 2));
    expect(state[8 * 3 + 8]).toBe(sum(1, 3) + sum(3, 3));
    expect(state[8 * 13 + 8 + 2]).toBe(sum(2, 13));
    expect(await admin.pttl(key)).toBeGreaterThan(0);
    expect(await admin.pttl(`${key}:z`)).toBeGreaterThan(0);
    // Expected usage from the schedule: admit i at T0 + 7 s·i; sliding entries live 60 s, day holds 30 s.
    let rpm = 0, tpm = 0, dayUsed = 0, dayHeld = 0;
    for (let i = 0; i < 40; i++) {
      const t = T0 + 7_000 * i;
      const settled = i % 3 !== 0;
      if (t + 60_000 > clock.now) { rpm += 1; tpm += settled ? 10 + 2 * i : 60 + i; }
      if (settled) dayUsed += 10 + 2 * i;
      else if (t + 30_000 > clock.now) dayHeld += 60 + i;
    }
    const rows = await a.usage([{ scope: 'agent', name: 'bot', limits }]);
    const by = (label: string) => rows.find((x) => x.limit === label)!;
    expect(by('requestsPerMinute').used).toBe(rpm);
    expect(by('tokensPerMinute').used).toBe(tpm);
    expect(by('tokens/day').used).toBe(dayUsed);
    expect(by('tokens/day').reserved).toBe(dayHeld);
  });

  it('gives a calendar counter recreated by a late settlement (its state was lost) the usage and a TTL again', async () => {
    const { a, keyPrefix } = await pair();
    const limits = { budgets: [{ window: 'day' as const, tokens: 1e6 }] };
    const r = await a.admit(req({ limits }));
    expect(r.ok).toBe(true);
    const key = `${keyPrefix}lim2:{agent:bot}`;
    await admin.del(key);
    if (r.ok) await a.settle(r.reservation, { inputTokens: 100, outputTokens: 5 });
    const [row] = await a.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(row!.used).toBe(105);
    expect(await admin.pttl(key)).toBeGreaterThan(0);
  });

  it('settles a reservation made before midnight into that day, leaving the new day free', async () => {
    const { a, b, clock } = await pair();
    const limits = { budgets: [{ window: 'day' as const, tokens: 1000 }] };
    clock.now = Date.UTC(2026, 10, 27, 23, 59, 59, 900);
    const late = await a.admit(req({ limits, promptTokens: 100, maxOutputTokens: 800 }));
    expect(late.ok).toBe(true);
    clock.now = Date.UTC(2026, 10, 28, 0, 0, 0, 100); // the call ends in the new UTC day
    const fresh = await b.admit(req({ limits, promptTokens: 100, maxOutputTokens: 800 })); // 900 of the new day's 1000
    expect(fresh.ok).toBe(true);
    if (late.ok) await a.settle(late.reservation, { inputTokens: 100, outputTokens: 700 });
    const [today] = await b.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect([today!.used, today!.reserved]).toEqual([0, 900]);
    // Yesterday's counters got the settlement: a report at yesterday's clock shows it.
    clock.now = Date.UTC(2026, 10, 27, 23, 59, 59, 950);
    const [yesterday] = await b.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect([yesterday!.used, yesterday!.reserved]).toEqual([800, 0]);
  });

  it('sweeps hundreds of expired entries in one admission and counts only the live ones', async () => {
    const { a, clock } = await pair();
    const limits = { requestsPerMinute: 1_000, tokensPerMinute: 10_000_000 };
    await Promise.all(Array.from({ length: 300 }, () => a.admit(req({ limits, promptTokens: 10, maxOutputTokens: 10 }))));
    clock.now += 30_000;
    expect((await a.admit(req({ limits, promptTokens: 10, maxOutputTokens: 10 }))).ok).toBe(true);
    clock.now += 30_000; // the first 300 leave the window now; the last one stays 30 s more
    const r = await a.admit(req({ limits, promptTokens: 10, maxOutputTokens: 10 }));
    expect(r.ok && r.headers['x-ratelimit-remaining-requests']).toBe('998');
    const [rpm, tpm] = await a.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect([rpm!.used, tpm!.used]).toEqual([2, 40]);
  });

  it('applies a settlement that was not awaited before the next admission on the same instance (it rides along in the same script)', async () => {
    const { a, b } = await pair();
    const limits = { budgets: [{ window: 'day' as const, tokens: 1000 }] };
    const r1 = await a.admit(req({ limits, promptTokens: 100, maxOutputTokens: 800 }));
    if (!r1.ok) throw new Error('expected admitted');
    const settled = a.settle(r1.reservation, { inputTokens: 100, outputTokens: 50 }); // fire and forget, as the proxy does
    // 900 held: without the settlement this 600-token admission would not fit; with it, 150 used + 600.
    const r2 = await a.admit(req({ limits, promptTokens: 100, maxOutputTokens: 500 }));
    expect(r2.ok).toBe(true);
    await settled; // resolved by the admission that carried it
    const [row] = await b.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect([row!.used, row!.reserved]).toEqual([150, 600]);
    // The other instance sees the same state.
    const r3 = await b.admit(req({ limits, promptTokens: 100, maxOutputTokens: 200 }));
    expect(!r3.ok && r3.denial.error.code).toBe('firewall_budget_exceeded');
  });

  it('sends a settlement with no admission to ride along within the settle delay, and a usage report sees it at once', async () => {
    const { a, b } = await pair();
    const limits = { tokensPerMinute: 10_000, budgets: [{ window: 'day' as const, tokens: 50_000 }] };
    const r1 = await a.admit(req({ limits, promptTokens: 1000, maxOutputTokens: 2000 }));
    const r2 = await a.admit(req({ limits, promptTokens: 1000, maxOutputTokens: 2000 }));
    if (!r1.ok || !r2.ok) throw new Error('expected admitted');
    void a.settle(r1.reservation, { inputTokens: 1000, outputTokens: 10 });
    // A report on the same instance goes out after the queued settlement (same connection).
    let rows = await a.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(rows.map((r) => [r.limit, r.used, r.reserved])).toEqual([['tokensPerMinute', 4010, 0], ['tokens/day', 1010, 3000]]);
    const t0 = performance.now();
    await a.release(r2.reservation); // no admission follows: the timer sends it
    expect(performance.now() - t0).toBeLessThan(500);
    rows = await b.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect(rows.map((r) => [r.limit, r.used, r.reserved])).toEqual([['tokensPerMinute', 1010, 0], ['tokens/day', 1010, 0]]);
  });

  it('applies all of 150 queued settlements (batches of at most 64 counters, some with admissions), leaving nothing held', async () => {
    const { a, b } = await pair();
    const limits = { budgets: [{ window: 'day' as const, tokens: 1_000_000 }] };
    const held = await Promise.all(Array.from({ length: 150 }, () => a.admit(req({ limits, promptTokens: 100, maxOutputTokens: 100 }))));
    const settles = held.map((r) => (r.ok ? a.settle(r.reservation, { inputTokens: 100, outputTokens: 1 }) : Promise.reject(new Error('denied'))));
    await Promise.all([a.admit(req({ limits, promptTokens: 0, maxOutputTokens: 0 })), a.admit(req({ limits, promptTokens: 0, maxOutputTokens: 0 }))]);
    await Promise.all(settles);
    const [row] = await b.usage([{ scope: 'agent', name: 'bot', limits }]);
    expect([row!.used, row!.reserved]).toEqual([150 * 101, 0]);
  });

  it('limits MCP tool calls across instances', async () => {
    const { a, b } = await pair();
    const call = { agent: 'bot', server: 'fs', tool: 'write_file', callsPerMinute: 3 };
    const r = await Promise.all([a, b, a, b, a].map((l) => l.admitToolCall(call)));
    expect(r.filter((x) => x.ok).length).toBe(3);
  });

  it('shares the address throttle across instances', async () => {
    const { a, b } = await pair();
    const ta = a.addressLimiter({ max: 2, windowSeconds: 60 });
    const tb = b.addressLimiter({ max: 2, windowSeconds: 60 });
    await ta.fail('203.0.113.9');
    await tb.fail('203.0.113.9');
    expect((await ta.check('203.0.113.9')).ok).toBe(false);
    expect((await tb.check('203.0.113.9')).ok).toBe(false);
    await ta.close(); await tb.close();
  });
});
