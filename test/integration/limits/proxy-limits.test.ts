/**
 * Limits end to end: two firewall instances (two `buildApp` apps on 127.0.0.1:0, each with its
 * own limiter and ioredis client; a third with the detector engine for the blocked-prompt case) share one real redis-server (spawned for this file) in front of
 * the loopback upstream stub; the real `openai` SDK is the client. Covers exactness of a token
 * budget and of requests-per-minute under 200 concurrent requests split across both instances,
 * 429s with Retry-After and x-ratelimit-* headers, usage reconciliation for JSON and streamed
 * answers (the usage chunk the firewall asked for stays hidden), and release on upstream failure
 * and client abort, and a prompt the detectors block while its admission (started before
 * inspection, so the Redis round trip overlaps the scan) is in flight: the reservation is
 * released and the upstream never called. Everything is closed in teardown.
 */
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLimiter, type FirewallLimiter } from '../../../src/limits/index.js';
import { createEngine } from '../../../detectors/engine/index.js';
import { parsePolicy } from '../../../src/policy/index.js';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor } from '../../helpers/policies.js';
import { redisTestsEnabled, startRedis, type RedisServer } from '../../helpers/redis.js';

const BUDGET = 500;
const RPM = 37;
const keys = keysFor('budget', 'rpm', 'meter', 'guarded');
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** A synthetic GitHub app token (the secrets pack blocks it in prompts by default). */
const ghs = () => `ghs_${Array.from({ length: 36 }, (_, i) => ALNUM[(i * 7 + Date.now()) % ALNUM.length]).join('')}`;

describe.skipIf(!redisTestsEnabled())('limits through two firewall instances sharing Redis (LLMFW_SKIP_REDIS_TESTS=1 skips)', () => {
  let redis: RedisServer;
  let stub: UpstreamStub;
  const limiters: FirewallLimiter[] = [];
  const fws: TestFirewall[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    stub = await startUpstreamStub();
    // Own policy text (not policyYaml) for generous upstream timeouts: 200 concurrent calls on a
    // busy 2-core machine must not turn into 504s, which would hide what this file measures.
    const policy = `version: 1
server: { host: 127.0.0.1, port: 0 }
upstreams:
  openai: { baseUrl: "${stub.url}", apiKeyEnv: FW_TEST_UPSTREAM_KEY, timeouts: { connectMs: 10000, headersMs: 30000, bodyMs: 30000 } }
agents:
  budget:
    keys: ["${keys.budget.hash}"]
    models: ["gpt-4o-mini"]
    limits: { budgets: [ { window: day, tokens: ${BUDGET} } ] }
  rpm:
    keys: ["${keys.rpm.hash}"]
    models: ["gpt-4o-mini"]
    limits: { requestsPerMinute: ${RPM} }
  meter:
    keys: ["${keys.meter.hash}"]
    models: ["gpt-4o-mini"]
    limits: { tokensPerMinute: 100000, defaultMaxOutputTokens: 300 }
  guarded:
    keys: ["${keys.guarded.hash}"]
    models: ["gpt-4o-mini"]
    limits: { requestsPerMinute: 1000, budgets: [ { window: day, tokens: 1000 } ] }
`;
    const env = { FW_TEST_UPSTREAM_KEY: 'sk-provider' };
    // Instances 0 and 1 carry no detector engine (limits only); instance 2, on the same Redis,
    // runs the real engine for the blocked-prompt case.
    for (let i = 0; i < 3; i++) {
      const limiter = await createLimiter({ redisUrl: redis.url, store: { keyPrefix: 'llmfw:e2e:' }, metricsRegistry: new Registry() });
      limiters.push(limiter);
      const engine = i === 2 ? createEngine(parsePolicy(policy, 'inline.yaml', { env }).engineOptions) : undefined;
      fws.push(await startFirewall({ policy, limiter, engine, env }));
    }
  });
  afterAll(async () => {
    await clientPool.destroy();
    for (const f of fws) { await f.close(); }
    for (const l of limiters) { await l.close(); }
    await stub?.close();
    await redis?.stop();
  });
  beforeEach(() => stub.reset());

  // The SDK clients' sockets live in a pool this file owns, so teardown can close them before
  // closing the firewalls (a keep-alive socket left open would hold app.close()).
  const clientPool = new Agent({ connections: 128 });
  const client = (i: number, key: string) => new OpenAI({ baseURL: fws[i]!.baseURL, apiKey: key, maxRetries: 0,
    fetch: undiciFetch as unknown as typeof fetch, fetchOptions: { dispatcher: clientPool } as NonNullable<ConstructorParameters<typeof OpenAI>[0]>["fetchOptions"] });
  const usageOf = async (agent: string, limit: string) => {
    const policy = fws[0]!.holder.current();
    const rows = await limiters[0]!.usage([{ scope: 'agent', name: agent, limits: policy.agents.get(agent)!.limits }]);
    return rows.find((r) => r.limit === limit)!;
  };
  const waitFor = async (pred: () => Promise<boolean>, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!(await pred())) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('admits at most N tokens of a day budget from 200 concurrent SDK requests across both instances; the rest get 429 firewall_budget_exceeded with Retry-After', async () => {
    stub.set({ usage: { input: 8, output: 5 } });
    const clients = [client(0, keys.budget.key), client(1, keys.budget.key)];
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) =>
      clients[i % 2]!.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] })));
    const ok = results.filter((r) => r.status === 'fulfilled') as Array<PromiseFulfilledResult<OpenAI.Chat.ChatCompletion>>;
    const spent = ok.reduce((s, r) => s + r.value.usage!.total_tokens, 0);
    expect(ok.length).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(BUDGET);
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      const err = r.reason as InstanceType<typeof OpenAI.APIError>;
      expect(`${err.status} ${err.code}`).toBe('429 firewall_budget_exceeded');
      expect(Number(err.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    await waitFor(async () => (await usageOf('budget', 'tokens/day')).reserved === 0);
    expect((await usageOf('budget', 'tokens/day')).used).toBe(spent);
  });

  it('admits exactly the requests-per-minute limit of 200 concurrent SDK requests across both instances', async () => {
    const clients = [client(0, keys.rpm.key), client(1, keys.rpm.key)];
    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) =>
      clients[i % 2]!.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })));
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      const err = r.reason as InstanceType<typeof OpenAI.APIError>;
      expect(`${err.status} ${err.code}`).toBe('429 firewall_rate_limited');
      expect(err.headers?.get('retry-after')).toBeTruthy();
      expect(err.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    }
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(RPM);
    expect(stub.requests.length).toBe(RPM); // refused calls never reach the upstream
  });

  it('sends x-ratelimit-* headers and settles a JSON answer to the upstream-reported usage', async () => {
    stub.set({ usage: { input: 9, output: 4 } });
    const before = (await usageOf('meter', 'tokensPerMinute')).used;
    const { response } = await client(0, keys.meter.key).chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    // reserved: 8 prompt tokens + the policy's default cap of 300
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBe(100000 - before - 308);
    await waitFor(async () => (await usageOf('meter', 'tokensPerMinute')).used === before + 13);
  });

  it('settles a streamed answer to the usage chunk it asked the upstream for, and hides that chunk from a client that did not ask', async () => {
    stub.set({ usage: { input: 11, output: 7 } });
    const before = (await usageOf('meter', 'tokensPerMinute')).used;
    const stream = await client(1, keys.meter.key).chat.completions.create({ model: 'gpt-4o-mini', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(stub.requests[0]!.json.stream_options).toEqual({ include_usage: true });
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello from the stub.');
    await waitFor(async () => (await usageOf('meter', 'tokensPerMinute')).used === before + 18);
  });

  it('passes the usage chunk through to a client that asked for it', async () => {
    stub.set({ usage: { input: 11, output: 7 } });
    const stream = await client(0, keys.meter.key).chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    const usage = [];
    for await (const c of stream) if (c.usage) usage.push(c.usage);
    expect(usage).toEqual([expect.objectContaining({ prompt_tokens: 11, completion_tokens: 7 })]);
  });

  it('releases what a blocked prompt reserved (admission runs during inspection) and never calls the upstream', async () => {
    const c = client(2, keys.guarded.key);
    for (let i = 0; i < 3; i++) {
      const err = await c.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 600, messages: [{ role: 'user', content: `deploy with ${ghs()} please` }] })
        .catch((e: InstanceType<typeof OpenAI.APIError>) => e);
      expect(`${(err as InstanceType<typeof OpenAI.APIError>).status} ${(err as InstanceType<typeof OpenAI.APIError>).code}`).toBe('403 firewall_blocked');
    }
    expect(stub.requests).toHaveLength(0);
    await waitFor(async () => (await usageOf('guarded', 'tokens/day')).reserved === 0);
    expect((await usageOf('guarded', 'tokens/day')).used).toBe(0);
    // Each blocked call reserved > 600 of the 1000-token budget: had one leaked, this would be refused.
    stub.set({ usage: { input: 10, output: 5 } });
    const ok = await client(1, keys.guarded.key).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 600, messages: [{ role: 'user', content: 'hi' }] });
    expect(ok.usage?.total_tokens).toBe(15);
    expect(stub.requests).toHaveLength(1);
  });

  it('releases the whole reservation when the upstream fails', async () => {
    const before = (await usageOf('meter', 'tokensPerMinute')).used;
    stub.set({ failure: { kind: 'status', status: 500, body: { error: { message: 'boom' } } } });
    await expect(client(0, keys.meter.key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    await waitFor(async () => (await usageOf('meter', 'tokensPerMinute')).used === before);
  });

  it('releases the reservation when the client aborts a stream mid-way', async () => {
    const before = (await usageOf('meter', 'tokensPerMinute')).used;
    stub.set({ chunks: Array.from({ length: 50 }, (_, i) => `w${i} `), chunkDelayMs: 40 });
    const ac = new AbortController();
    const stream = await client(1, keys.meter.key).chat.completions.create({ model: 'gpt-4o-mini', stream: true, max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }, { signal: ac.signal });
    let seen = 0;
    // The SDK ends the iteration quietly or throws an abort error, depending on timing: either is fine.
    let inFlight = 0;
    try {
      for await (const _c of stream) {
        if (++seen === 1) inFlight = (await usageOf('meter', 'tokensPerMinute')).used;
        if (seen === 2) ac.abort();
      }
    } catch { /* aborted */ }
    expect(seen).toBeLessThan(50);
    expect(inFlight).toBe(before + 8 + 1000);
    // while in flight the reservation (8 + 1000) counted; after the abort it is given back
    await waitFor(async () => (await usageOf('meter', 'tokensPerMinute')).used === before);
    await stub.waitFor((r) => r.aborted);
  });
});
