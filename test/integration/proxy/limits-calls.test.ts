// Covers: how the LLM front end drives the Limiter contract, with a small recording fake in place
// of the real limiter (the real one is exercised in stages.test.ts): admit before forwarding with
// the counted prompt and the client's max_tokens; exactly one settle with the upstream's usage
// (JSON and stream; counted prompt + output when a stream reports none; a large embeddings answer
// settled from the usage at its tail while it streams through, the whole reservation when the tail
// has none); exactly one release when the upstream fails, resets mid-body or the client aborts; a 503
// store-unavailable denial and the limiter's headers passed through to the client.
// Starts: the upstream stub and the firewall on 127.0.0.1:0.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deny } from '../../../src/errors.js';
import type { AdmitRequest, AdmitResult, Limiter, Reservation, Usage } from '../../../src/limits/types.js';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

class RecordingLimiter implements Limiter {
  admits: AdmitRequest[] = [];
  settles: Array<{ r: Reservation; u: Usage }> = [];
  releases: Reservation[] = [];
  refuse: 'store' | undefined;
  async admit(req: AdmitRequest): Promise<AdmitResult> {
    this.admits.push(req);
    if (this.refuse === 'store') return { ok: false as const, denial: deny('STORE_UNAVAILABLE', undefined, { retryAfter: 2 }), headers: { 'x-ratelimit-limit-requests': '10' } };
    return { ok: true as const, reservation: { id: `r${this.admits.length}`, reservedTokens: 100, reservedUsd: 0 }, headers: { 'x-ratelimit-remaining-requests': '9' } };
  }
  async settle(r: Reservation, u: Usage) { this.settles.push({ r, u }); }
  async release(r: Reservation) { this.releases.push(r); }
  async admitToolCall() { return { ok: true as const }; }
  async close() {}
}

const keys = keysFor('bot');
let stub: UpstreamStub;
let fw: TestFirewall;
let limiter: RecordingLimiter;
let client: OpenAI;
const user = [{ role: 'user' as const, content: 'count these words please' }];

beforeAll(async () => {
  stub = await startUpstreamStub();
  limiter = new RecordingLimiter();
  fw = await startFirewall({ env: { FW_TEST_UPSTREAM_KEY: 'sk-up' }, limiter, policy: policyYaml(stub.url, `  bot:
    keys: ["${keys.bot.hash}"]
    models: ["gpt-4o-mini", "text-embedding-3-large"]
    limits: { requestsPerMinute: 10 }`).replace('headersMs: 2000', 'headersMs: 300') });
  client = new OpenAI({ baseURL: fw.baseURL, apiKey: keys.bot.key, maxRetries: 0 });
});
afterAll(async () => { await fw?.close(); await stub?.close(); });
beforeEach(() => {
  stub.reset();
  Object.assign(limiter, { admits: [], settles: [], releases: [], refuse: undefined });
});

describe('limiter calls', () => {
  it('admits with the counted prompt and max_tokens, then settles once with the upstream usage', async () => {
    stub.set({ usage: { input: 11, output: 7 } });
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, max_tokens: 50 }).withResponse();
    expect(res.response.headers.get('x-ratelimit-remaining-requests')).toBe('9');
    expect(limiter.admits[0]).toMatchObject({ agent: 'bot', model: 'gpt-4o-mini', maxOutputTokens: 50, limits: { requestsPerMinute: 10 } });
    expect(limiter.admits[0].promptTokens).toBeGreaterThan(3);
    await until(() => limiter.settles.length === 1);
    expect(limiter.settles[0].u).toMatchObject({ inputTokens: 11, outputTokens: 7 });
    expect(limiter.releases).toHaveLength(0);
  });

  it('a stream settles once with the usage from the final chunk', async () => {
    stub.set({ usage: { input: 5, output: 3 } });
    for await (const _c of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, stream: true })) { /* drain */ }
    await until(() => limiter.settles.length === 1);
    expect(limiter.settles[0].u).toMatchObject({ inputTokens: 5, outputTokens: 3 });
  });

  it('a stream whose upstream reports no usage settles from the counted prompt and output, not the whole reservation', async () => {
    // Exact SSE bytes without a usage chunk, though the firewall asked for one.
    const ev = (content: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    stub.set({ failure: { kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body: ev('one two') + ev(' three') + 'data: [DONE]\n\n' } });
    let text = '';
    for await (const c of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, stream: true, max_tokens: 40 })) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe('one two three');
    await until(() => limiter.settles.length === 1);
    expect(limiter.settles[0].u).toEqual({ inputTokens: limiter.admits[0].promptTokens, outputTokens: 3 });
    expect(limiter.settles[0].u.inputTokens).toBeLessThan(100);
  });

  it('an upstream failure releases the reservation exactly once', async () => {
    stub.set({ failure: { kind: 'status', status: 500 } });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: user })).rejects.toMatchObject({ status: 500 });
    stub.set({ failure: { kind: 'hang' } });
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: user })).rejects.toMatchObject({ status: 504 });
    await until(() => limiter.releases.length === 2);
    expect(limiter.settles).toHaveLength(0);
  });

  it('a client abort mid-stream releases the reservation', async () => {
    stub.set({ chunks: ['a', 'b', 'c', 'd', 'e'], chunkDelayMs: 150 });
    const ac = new AbortController();
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: user, stream: true }, { signal: ac.signal });
    await s[Symbol.asyncIterator]().next();
    ac.abort();
    await until(() => limiter.releases.length === 1);
    expect(limiter.settles).toHaveLength(0);
  });

  it('a multi-megabyte embeddings answer streams through unchanged and settles once from the usage at its end', async () => {
    stub.set({ usage: { input: 321, output: 0 } });
    const input = Array.from({ length: 64 }, (_, i) => `document number ${i}`);
    const res = await client.embeddings.create({ model: 'text-embedding-3-large', input, dimensions: 3072, encoding_format: 'float' }).withResponse();
    expect(Number(res.response.headers.get('content-length'))).toBeGreaterThan(1 << 20);
    expect(res.data.data).toHaveLength(64);
    expect(res.data.data.every((d) => d.embedding.length === 3072)).toBe(true);
    expect(res.data.usage).toEqual({ prompt_tokens: 321, total_tokens: 321 });
    await until(() => limiter.settles.length === 1);
    expect(limiter.settles[0].u).toEqual({ inputTokens: 321, outputTokens: 0 });
    expect(limiter.releases).toHaveLength(0);
  });

  const bigList = (withUsage: boolean) => JSON.stringify({ object: 'list', data: Array.from({ length: 40 }, (_, index) => ({ object: 'embedding', index, embedding: Array.from({ length: 1024 }, (_, j) => ((index * 31 + j) % 97) / 97) })), model: 'text-embedding-3-large', ...(withUsage ? { usage: { prompt_tokens: 12, total_tokens: 12 } } : {}) });

  it('a large answer without usage at its end is relayed whole and settles the whole reservation as spent', async () => {
    const body = bigList(false);
    expect(body.length).toBeGreaterThan(256 << 10);
    stub.set({ failure: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body } });
    const res = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'x', encoding_format: 'float' });
    expect(res.data).toHaveLength(40);
    await until(() => limiter.settles.length === 1);
    expect(limiter.settles[0].u).toEqual({ inputTokens: 100, outputTokens: 0 });
  });

  it('an upstream that resets in the middle of a large answer releases the reservation exactly once', async () => {
    const body = bigList(true);
    stub.set({ failure: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: body.slice(0, body.length >> 1), reset: true } });
    await expect(client.embeddings.create({ model: 'text-embedding-3-large', input: 'x', encoding_format: 'float' })).rejects.toThrow();
    await until(() => limiter.releases.length === 1);
    expect(limiter.settles).toHaveLength(0);
  });

  it('a store-unavailable denial reaches the client as 503 with Retry-After and the limiter headers, upstream untouched', async () => {
    limiter.refuse = 'store';
    const res = await fetch(`${fw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.bot.key}` }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: user }) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('10');
    expect((await res.json()).error.code).toBe('firewall_store_unavailable');
    expect(stub.requests).toHaveLength(0);
  });
});
