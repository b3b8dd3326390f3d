// Covers: the loopback OpenAI-compatible stub itself, driven by the real openai SDK — every
// route streaming and not, usage chunks, request recording, client aborts and failure modes.
// Starts: one stub HTTP server on 127.0.0.1:0.
import OpenAI from 'openai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';

let stub: UpstreamStub;
let client: OpenAI;

describe('upstream stub', () => {
  beforeEach(async () => {
    stub ??= await startUpstreamStub();
    stub.reset();
    client = new OpenAI({ baseURL: stub.url, apiKey: 'sk-stub', maxRetries: 0 });
  });
  afterAll(async () => { await stub?.close(); });

  it('answers chat completions with the configured text and usage, and records the request', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.choices[0].message.content).toBe('Hello from the stub.');
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
    expect(stub.requests[0].headers.authorization).toBe('Bearer sk-stub');
    expect(stub.requests[0].json.messages[0].content).toBe('hi');
  });

  it('streams chat chunks and adds the usage chunk only when include_usage is asked for', async () => {
    const s = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown;
    for await (const c of s) { text += c.choices[0]?.delta?.content ?? ''; if (c.usage) usage = c.usage; }
    expect(text).toBe('Hello from the stub.');
    expect(usage).toBeDefined();
  });

  it('answers responses, completions and embeddings (base64 as the SDK asks) and lists models', async () => {
    const r = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(r.output_text).toBe('Hello from the stub.');
    const s = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const e of s) types.push(e.type);
    expect(types.at(-1)).toBe('response.completed');
    const c = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi' });
    expect(c.choices[0].text).toBe('Hello from the stub.');
    const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(e.data).toHaveLength(2);
    expect(e.data[0].embedding).toHaveLength(8);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('gpt-4o-mini');
  });

  it('returns a configured error status and records a client that aborted a slow stream', async () => {
    stub.set({ failure: { kind: 'status', status: 503, body: { error: { message: 'overloaded', type: 'server_error', code: null, param: null } } } });
    await expect(client.chat.completions.create({ model: 'm', messages: [] })).rejects.toMatchObject({ status: 503 });
    stub.set({ failure: undefined, chunkDelayMs: 200, chunks: ['a', 'b', 'c', 'd'] });
    const ac = new AbortController();
    const s = await client.chat.completions.create({ model: 'm', messages: [], stream: true }, { signal: ac.signal });
    const it0 = s[Symbol.asyncIterator]();
    await it0.next();
    ac.abort();
    const rec = await stub.waitFor((r) => r.aborted);
    expect(rec.completed).toBe(false);
  });
});
