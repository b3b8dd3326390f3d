// Covers: every OpenAI-compatible route through the firewall with the real openai SDK, streaming
// and not; the provider key added upstream; unknown fields and response bytes passed through
// unchanged; /v1/models filtered to the agent; request ids honoured and emitted.
// Starts: the upstream stub and the firewall, both on 127.0.0.1:0.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('bot');
let stub: UpstreamStub;
let fw: TestFirewall;
let client: OpenAI;

beforeAll(async () => {
  stub = await startUpstreamStub();
  fw = await startFirewall({
    env: { FW_TEST_UPSTREAM_KEY: 'sk-provider-secret' },
    policy: policyYaml(stub.url, `  bot:
    keys: ["${keys.bot.hash}"]
    models: ["gpt-4o-mini", "gpt-3.5-turbo-instruct", "text-embedding-3-small"]`),
  });
  client = new OpenAI({ baseURL: fw.baseURL, apiKey: keys.bot.key, maxRetries: 0 });
});
afterAll(async () => { await fw?.close(); await stub?.close(); });
beforeEach(() => stub.reset());

describe('OpenAI-compatible routes through the firewall', () => {
  it('chat completion succeeds, the upstream sees the provider key and never the agent key', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0].message.content).toBe('Hello from the stub.');
    const seen = stub.requests[0];
    expect(seen.headers.authorization).toBe('Bearer sk-provider-secret');
    expect(JSON.stringify(seen.headers)).not.toContain(keys.bot.key);
  });

  it('streamed chat arrives chunk by chunk with the same text', async () => {
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const parts: string[] = [];
    for await (const c of s) if (c.choices[0]?.delta?.content) parts.push(c.choices[0].delta.content);
    expect(parts).toEqual(['Hello', ' from', ' the', ' stub', '.']);
  });

  it('responses, streamed responses, completions, streamed completions and embeddings all work', async () => {
    expect((await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' })).output_text).toBe('Hello from the stub.');
    let streamed = '';
    for await (const e of await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true })) {
      if (e.type === 'response.output_text.delta') streamed += e.delta;
    }
    expect(streamed).toBe('Hello from the stub.');
    expect((await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi' })).choices[0].text).toBe('Hello from the stub.');
    let ctext = '';
    for await (const c of await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi', stream: true })) ctext += c.choices[0]?.text ?? '';
    expect(ctext).toBe('Hello from the stub.');
    const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    expect(e.data[0].embedding).toHaveLength(8);
  });

  it('unknown request fields reach the upstream byte for byte and the response comes back byte for byte', async () => {
    const body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"x_future_field":{"nested":[1,2.50,"é"]},  "temperature":0.7}';
    const rawAnswer = '{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],  "vendor_extra":true}';
    stub.set({ failure: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: rawAnswer } });
    const res = await fetch(`${fw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.bot.key}` }, body });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(rawAnswer);
    expect(stub.requests[0].body.toString('utf8')).toBe(body);
  });

  it('a streamed answer is relayed as the exact upstream bytes', async () => {
    const sse = 'data: {"id":"1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n: keep-alive\n\ndata: [DONE]\n\n';
    stub.set({ failure: { kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body: sse } });
    const res = await fetch(`${fw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.bot.key}` }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [], stream: true }) });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(await res.text()).toBe(sse);
  });

  it('the first streamed chunk reaches the client before the upstream has finished', async () => {
    stub.set({ chunks: ['first', 'second'], chunkDelayMs: 300 });
    const t0 = Date.now();
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let firstAt = 0;
    for await (const c of s) if (!firstAt && c.choices[0]?.delta?.content) firstAt = Date.now() - t0;
    const total = Date.now() - t0;
    expect(firstAt).toBeLessThan(total - 200);
  });

  it('/v1/models lists only the models the agent may use', async () => {
    const list = await client.models.list();
    expect(list.data.map((m) => m.id).sort()).toEqual(['gpt-3.5-turbo-instruct', 'gpt-4o-mini', 'text-embedding-3-small']);
  });

  it('/v1/models falls back to the policy names when the upstream list fails', async () => {
    stub.set({ failure: { kind: 'status', status: 500 } });
    const list = await client.models.list();
    expect(list.data.map((m) => m.id).sort()).toEqual(['gpt-3.5-turbo-instruct', 'gpt-4o-mini', 'text-embedding-3-small']);
  });

  it('honours a safe incoming x-request-id, replaces an unsafe one, and forwards it upstream', async () => {
    const ok = await fetch(`${fw.origin}/v1/models`, { headers: { authorization: `Bearer ${keys.bot.key}`, 'x-request-id': 'trace-123.abc' } });
    expect(ok.headers.get('x-request-id')).toBe('trace-123.abc');
    expect(stub.requests.at(-1)!.headers['x-request-id']).toBe('trace-123.abc');
    const bad = await fetch(`${fw.origin}/v1/models`, { headers: { authorization: `Bearer ${keys.bot.key}`, 'x-request-id': '<script>alert(1)</script>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('writes one audit event per request with agent, route, model, decision, latency and policy revision', async () => {
    const before = fw.audits().length;
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await until(() => fw.audits().length === before + 1);
    const ev = fw.audits().at(-1)!;
    expect(ev).toMatchObject({ event: 'request.completed', agent: 'bot', route: 'chat', model: 'gpt-4o-mini', decision: 'allow', status: 200, policyRevision: fw.holder.current().revision, authMethod: 'api-key' });
    expect(ev.latencyMs).toBeGreaterThan(0);
    expect(ev.upstreamLatencyMs).toBeGreaterThan(0);
    expect(fw.logText()).not.toContain(keys.bot.key);
    expect(fw.logText()).not.toContain('sk-provider-secret');
  });

  it('reuses upstream connections (keep-alive pool)', async () => {
    const before = stub.connections;
    for (let i = 0; i < 5; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(stub.connections - before).toBeLessThanOrEqual(1);
  });
});
