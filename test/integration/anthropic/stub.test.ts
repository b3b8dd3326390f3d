// Covers the loopback Anthropic stub (test/helpers/anthropic-stub.ts) by driving it with the real
// @anthropic-ai/sdk client directly (no firewall): so the parity and route tests can trust that the
// stub speaks the Messages API as the SDK expects. Starts one stub on 127.0.0.1:0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startAnthropicStub, type AnthropicStub } from '../../helpers/anthropic-stub.js';

let stub: AnthropicStub;
let client: Anthropic;

beforeAll(async () => {
  stub = await startAnthropicStub();
  client = new Anthropic({ apiKey: 'stub-key', baseURL: stub.url, maxRetries: 0, timeout: 5_000 });
});
afterAll(async () => {
  await stub.close();
});

describe('anthropic stub', () => {
  it('answers a non-streamed message with text, tool_use and usage including cache counts', async () => {
    stub.reply = {
      blocks: [{ type: 'text', chunks: ['a', 'b'] }, { type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } }],
      usage: { input_tokens: 5, cache_read_input_tokens: 2, output_tokens: 3 },
    };
    const msg = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'ab' }, { type: 'tool_use', id: 'toolu_stub_1', name: 'get_weather', input: { city: 'Oslo' } }]);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.usage.cache_read_input_tokens).toBe(2);
    expect(stub.requests.at(-1)!.headers['authorization']).toBe('Bearer stub-key');
  });

  it('streams the chunks as Anthropic events that the SDK accumulates into the final message', async () => {
    stub.reply = { blocks: [{ type: 'text', chunks: ['Hel', 'lo'] }, { type: 'tool_use', name: 'f', input: { a: [1, 2] } }], delayMs: 2 };
    const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'Hello' }, { type: 'tool_use', id: 'toolu_stub_1', name: 'f', input: { a: [1, 2] } }]);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
  });

  it('surfaces an HTTP error status as the SDK error class of that status', async () => {
    stub.reply = { fail: { status: 529, errorType: 'overloaded_error' } };
    await expect(client.messages.create({ model: 'm', max_tokens: 1, messages: [] })).rejects.toMatchObject({ status: 529 });
  });

  it('ends a stream with an error event that the SDK raises as an APIError', async () => {
    stub.reply = { text: ['a', 'b', 'c'], fail: { errorEventAfter: 3 } };
    const stream = await client.messages.create({ model: 'm', max_tokens: 1, messages: [], stream: true });
    const seen: string[] = [];
    await expect((async () => { for await (const e of stream) seen.push(e.type); })()).rejects.toThrow(/Overloaded/);
    expect(seen).toEqual(['message_start', 'content_block_start']); // the SDK drops pings
  });

  it('resets the connection after N events, which the SDK reports as a failed stream', async () => {
    stub.reply = { text: ['a', 'b', 'c'], fail: { resetAfterEvents: 4 } };
    const stream = await client.messages.create({ model: 'm', max_tokens: 1, messages: [], stream: true });
    await expect((async () => { for await (const _ of stream) { /* drain */ } })()).rejects.toThrow();
  });

  it('lists models in Anthropic shape and counts tokens', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(stub.models);
    const n = await client.messages.countTokens({ model: 'm', messages: [{ role: 'user', content: 'hello there' }] });
    expect(n.input_tokens).toBeGreaterThan(0);
  });
});
