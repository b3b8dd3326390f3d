// Covers: what clients see when the upstream fails — 4xx/5xx keep status and OpenAI body; a
// non-OpenAI body (HTML) is withheld; header timeout → 504; reset → 502; refused → 502; a stream
// cut mid-way ends with an error event; a client abort reaches the upstream; a missing provider
// key env var → 500 naming it. After each, the firewall keeps serving.
// Starts: the upstream stub and three firewalls on 127.0.0.1:0.
import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('bot');
let stub: UpstreamStub;
let fw: TestFirewall;
let fwDead: TestFirewall;
let fwNoKey: TestFirewall;
let client: OpenAI;
const agents = `  bot:
    keys: ["${keys.bot.hash}"]
    models: ["gpt-4o-mini"]`;
const ask = (c = client) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

beforeAll(async () => {
  stub = await startUpstreamStub();
  const env = { FW_TEST_UPSTREAM_KEY: 'sk-up' };
  fw = await startFirewall({ env, policy: policyYaml(stub.url, agents).replace('headersMs: 2000, bodyMs: 2000', 'headersMs: 400, bodyMs: 400') });
  fwDead = await startFirewall({ env, policy: policyYaml(`http://127.0.0.1:${await freePort()}/v1`, agents) });
  fwNoKey = await startFirewall({ env: {}, policy: policyYaml(stub.url, agents) });
  client = new OpenAI({ baseURL: fw.baseURL, apiKey: keys.bot.key, maxRetries: 0 });
});
afterAll(async () => { await fw?.close(); await fwDead?.close(); await fwNoKey?.close(); await stub?.close(); });
beforeEach(() => stub.reset());

describe('upstream failures', () => {
  it('an upstream 400 with an OpenAI error keeps its status and body', async () => {
    const body = { error: { message: 'Invalid value for temperature', type: 'invalid_request_error', code: 'invalid_value', param: 'temperature' } };
    stub.set({ failure: { kind: 'status', status: 400, body } });
    const err = await ask().catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error).toEqual(body.error);
  });

  it('an upstream 429 keeps its status', async () => {
    stub.set({ failure: { kind: 'status', status: 429, body: { error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null } } } });
    await expect(ask()).rejects.toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });

  it('an upstream 500 with an HTML page keeps the status but the page is withheld', async () => {
    stub.set({ failure: { kind: 'status', status: 500, body: '<html><body>Traceback: internal-host-10.0.0.7</body></html>', contentType: 'text/html' } });
    const res = await fetch(`${fw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.bot.key}` }, body: '{"model":"gpt-4o-mini","messages":[]}' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('internal-host');
    expect(JSON.parse(text).error).toMatchObject({ code: 'firewall_upstream_error', type: 'server_error', param: null });
  });

  it('an upstream that never answers gets 504 firewall_upstream_timeout', async () => {
    stub.set({ failure: { kind: 'hang' } });
    await expect(ask()).rejects.toMatchObject({ status: 504, code: 'firewall_upstream_timeout' });
  });

  it('an upstream that resets the connection gets 502 firewall_upstream_unreachable', async () => {
    stub.set({ failure: { kind: 'reset' } });
    await expect(ask()).rejects.toMatchObject({ status: 502, code: 'firewall_upstream_unreachable' });
  });

  it('an upstream that refuses connections gets 502 firewall_upstream_unreachable', async () => {
    const err = await ask(new OpenAI({ baseURL: fwDead.baseURL, apiKey: keys.bot.key, maxRetries: 0 })).catch((e) => e);
    expect(err.status).toBe(502);
    expect(err.message).toContain('connection refused');
  });

  it('a missing provider key env var gets 500 firewall_upstream_not_configured naming the variable', async () => {
    const err = await ask(new OpenAI({ baseURL: fwNoKey.baseURL, apiKey: keys.bot.key, maxRetries: 0 })).catch((e) => e);
    expect(err.status).toBe(500);
    expect(err.code).toBe('firewall_upstream_not_configured');
    expect(err.message).toContain('FW_TEST_UPSTREAM_KEY');
  });

  it('a stream the upstream resets mid-way ends with an error event after the chunks already sent', async () => {
    stub.set({ failure: { kind: 'reset-mid-stream', afterChunks: 2 }, chunks: ['a', 'b', 'c', 'd'] });
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    const err = await (async () => { for await (const c of s) text += c.choices[0]?.delta?.content ?? ''; })().catch((e) => e);
    expect(text).toBe('a');
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String(err.message)).toContain('connection reset');
  });

  it('a stream cut in the middle of an event ends with a well-formed error event, the half event dropped', async () => {
    const whole = 'data: {"id":"1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}\n\n';
    stub.set({ failure: { kind: 'raw', status: 200, headers: { 'content-type': 'text/event-stream' }, body: whole + 'data: {"id":"PARTIAL-EVENT', reset: true } });
    const res = await fetch(`${fw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.bot.key}` }, body: '{"model":"gpt-4o-mini","messages":[],"stream":true}' });
    const text = await res.text();
    expect(text.startsWith(whole)).toBe(true);
    expect(text).not.toContain('PARTIAL-EVENT');
    expect(text.slice(whole.length)).toBe('data: {"error":{"message":"The upstream could not be reached (connection reset).","type":"server_error","code":"firewall_upstream_unreachable","param":null}}\n\ndata: [DONE]\n\n');
  });

  it('a stream that stalls mid-way ends with a timeout error event', async () => {
    stub.set({ failure: { kind: 'hang-body', afterChunks: 1 } });
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const err = await (async () => { for await (const _c of s) { /* drain */ } })().catch((e) => e);
    expect(String(err?.message)).toContain('did not answer in time');
  });

  it('a client that disconnects mid-stream aborts the upstream request', async () => {
    stub.set({ chunks: ['1', '2', '3', '4', '5', '6'], chunkDelayMs: 150 });
    const ac = new AbortController();
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: ac.signal });
    const it0 = s[Symbol.asyncIterator]();
    await it0.next();
    ac.abort();
    const rec = await stub.waitFor((r) => r.aborted, 3000);
    expect(rec.completed).toBe(false);
    await until(() => fw.audits().some((a) => a.event === 'request.aborted'));
  });

  it('a client that disconnects before the upstream answers aborts the upstream request too', async () => {
    stub.set({ failure: { kind: 'hang' } });
    const ac = new AbortController();
    const f = fetch(`${fw.baseURL}/chat/completions`, { method: 'POST', signal: ac.signal, headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.bot.key}` }, body: '{"model":"gpt-4o-mini","messages":[]}' }).catch((e: Error) => e);
    const rec = await stub.waitFor(() => true);
    ac.abort();
    expect(await f).toBeInstanceOf(Error);
    await until(() => rec.aborted);
    expect(rec.completed).toBe(false);
  });

  it('keeps serving after all of the above', async () => {
    await expect(ask()).resolves.toMatchObject({ object: 'chat.completion' });
  });
});
