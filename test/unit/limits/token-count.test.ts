/**
 * Token counting before forwarding: chat payloads compared with reference counts computed here
 * directly with tiktoken (the cookbook's formula written out independently), the cookbook's own
 * published numbers, tools, images, the other routes, and encoding selection. No servers.
 */
import { describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { countRequestTokens, countTextTokens, encodingNameFor } from '../../../src/limits/index.js';
import { highDetailTokens, imageDimensions, UNKNOWN_IMAGE_TOKENS } from '../../../src/limits/image-tokens.js';

const o200k = get_encoding('o200k_base');
const cl100k = get_encoding('cl100k_base');

/** The cookbook's num_tokens_from_messages, written against tiktoken directly. */
function reference(enc: ReturnType<typeof get_encoding>, messages: Array<Record<string, string>>): number {
  let n = 3;
  for (const m of messages) {
    n += 3;
    for (const [k, v] of Object.entries(m)) {
      n += enc.encode(v).length;
      if (k === 'name') n += 1;
    }
  }
  return n;
}

const COOKBOOK_MESSAGES: Array<Record<string, string>> = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

const PAYLOADS: Array<Array<Record<string, string>>> = [
  [{ role: 'user', content: 'Hello!' }],
  [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Summarise the French revolution in one line.' }],
  [{ role: 'developer', content: 'Answer in JSON.' }, { role: 'user', content: '{"q": "weather in Zürich?", "units": "metric"}' }],
  [{ role: 'user', content: '日本語のテキストとemoji 🎉🎉 mixed with code: `const x = 1;`' }, { role: 'assistant', content: 'Sure.' }, { role: 'user', content: 'More.' }],
  [{ role: 'user', name: 'alice', content: 'x'.repeat(5000) }],
  [{ role: 'user', content: '' }],
  COOKBOOK_MESSAGES,
];

describe('chat prompt tokens', () => {
  it('match the cookbook formula computed with tiktoken for every payload, on o200k and cl100k models', () => {
    for (const messages of PAYLOADS) {
      expect(countRequestTokens('chat', 'gpt-4o', { messages })).toBe(reference(o200k, messages));
      expect(countRequestTokens('chat', 'gpt-4.1-mini', { messages })).toBe(reference(o200k, messages));
      expect(countRequestTokens('chat', 'gpt-4-0613', { messages })).toBe(reference(cl100k, messages));
      expect(countRequestTokens('chat', 'gpt-3.5-turbo', { messages })).toBe(reference(cl100k, messages));
    }
  });

  it("reproduce the cookbook's published example counts (129 on gpt-4, 124 on gpt-4o)", () => {
    expect(countRequestTokens('chat', 'gpt-4', { messages: COOKBOOK_MESSAGES })).toBe(129);
    expect(countRequestTokens('chat', 'gpt-4o', { messages: COOKBOOK_MESSAGES })).toBe(124);
  });

  it("count function tools like the cookbook's example (105 on gpt-4, 101 on gpt-4o-mini)", () => {
    const tools = [{ type: 'function', function: { name: 'get_current_weather', description: 'Get the current weather in a given location',
      parameters: { type: 'object', properties: {
        location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
        unit: { type: 'string', description: 'The unit of temperature to return', enum: ['celsius', 'fahrenheit'] },
      }, required: ['location'] } } }];
    const messages = [
      { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
      { role: 'user', content: "What's the weather like in San Francisco?" },
    ];
    expect(countRequestTokens('chat', 'gpt-4', { messages, tools })).toBe(105);
    expect(countRequestTokens('chat', 'gpt-4o-mini', { messages, tools })).toBe(101);
  });

  it('count assistant tool calls and tool results instead of ignoring them', () => {
    const base = [{ role: 'user', content: 'weather?' }];
    const withCall = [...base, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris, France"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp": 21}' }];
    const more = countRequestTokens('chat', 'gpt-4o', { messages: withCall }) - countRequestTokens('chat', 'gpt-4o', { messages: base });
    const floor = o200k.encode('get_weather').length + o200k.encode('{"city":"Paris, France"}').length + o200k.encode('{"temp": 21}').length;
    expect(more).toBeGreaterThanOrEqual(floor + 6);
  });

  it('treat text that spells a special token as text instead of throwing', () => {
    const n = countRequestTokens('chat', 'gpt-4o', { messages: [{ role: 'user', content: 'say <|endoftext|> now' }] });
    expect(n).toBe(3 + 3 + o200k.encode('user').length + o200k.encode_ordinary('say <|endoftext|> now').length);
  });
});

function png(width: number, height: number): string {
  const b = Buffer.alloc(33);
  b.writeUInt32BE(0x89504e47, 0); b.writeUInt32BE(0x0d0a1a0a, 4); b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1'); b.writeUInt32BE(width, 16); b.writeUInt32BE(height, 20);
  return `data:image/png;base64,${b.toString('base64')}`;
}

describe('image parts', () => {
  const text = (content: unknown) => countRequestTokens('chat', 'gpt-4o', { messages: [{ role: 'user', content }] });
  const baseline = text([{ type: 'text', text: 'What is in this image?' }]);

  it('cost 85 tokens at low detail', () => {
    expect(text([{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } }]) - baseline).toBe(85);
  });

  it("cost 85 + 170 per 512-px tile at high detail when the data URL's size is readable (1024×1024 → 765, 2048×4096 → 1105)", () => {
    expect(text([{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: png(1024, 1024), detail: 'high' } }]) - baseline).toBe(765);
    expect(highDetailTokens(2048, 4096)).toBe(1105);
    expect(highDetailTokens(512, 512)).toBe(255);
  });

  it('reserve the largest high-detail cost when the size is unknown', () => {
    expect(text([{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }]) - baseline).toBe(UNKNOWN_IMAGE_TOKENS);
  });

  it('read GIF and JPEG headers', () => {
    const gif = Buffer.from('474946383961', 'hex');
    expect(imageDimensions(Buffer.concat([gif, Buffer.from([0x20, 0x03, 0x58, 0x02])]))).toEqual({ width: 800, height: 600 });
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03]);
    expect(imageDimensions(jpeg)).toEqual({ width: 640, height: 480 });
  });
});

describe('other routes', () => {
  it('count completions prompts and embeddings inputs as plain text, token-id arrays by length', () => {
    expect(countRequestTokens('completions', 'gpt-3.5-turbo-instruct', { prompt: 'Say this is a test' })).toBe(cl100k.encode('Say this is a test').length);
    expect(countRequestTokens('embeddings', 'text-embedding-3-small', { input: ['a cat', 'a dog sat'] }))
      .toBe(cl100k.encode('a cat').length + cl100k.encode('a dog sat').length);
    expect(countRequestTokens('embeddings', 'text-embedding-3-small', { input: [1, 2, 3, 4] })).toBe(4);
  });

  it('count Responses API string input and instructions with message overhead', () => {
    const n = countRequestTokens('responses', 'gpt-5', { instructions: 'Be brief.', input: 'Tell me a joke.' });
    expect(n).toBe(3 + o200k.encode('system').length + o200k.encode('Be brief.').length
      + 3 + o200k.encode('user').length + o200k.encode('Tell me a joke.').length + 3);
  });

  it('never throw on bodies of the wrong shape', () => {
    expect(countRequestTokens('chat', 'gpt-4o', null)).toBe(0);
    expect(countRequestTokens('chat', 'gpt-4o', { messages: 'nope' })).toBeGreaterThan(0);
    expect(countRequestTokens('completions', 'gpt-4o', { prompt: { a: 1 } })).toBeGreaterThan(0);
  });
});

describe('encoding selection', () => {
  it('use o200k_base for the 4o/4.1/4.5/5/o-series families and cl100k_base for older models', () => {
    for (const m of ['gpt-4o', 'gpt-4o-mini-2024-07-18', 'gpt-4.1', 'gpt-4.5-preview', 'gpt-5-mini', 'o1', 'o3-mini', 'o4-mini']) expect(encodingNameFor(m)).toBe('o200k_base');
    for (const m of ['gpt-4', 'gpt-4-turbo', 'gpt-3.5-turbo', 'text-embedding-3-large', 'text-embedding-ada-002']) expect(encodingNameFor(m)).toBe('cl100k_base');
  });

  it('let policy encodings override by exact name or the most specific glob', () => {
    const o = { 'my-*': 'cl100k_base', 'my-special-*': 'p50k_base', 'gpt-4o': 'cl100k_base' };
    expect(encodingNameFor('my-model', o)).toBe('cl100k_base');
    expect(encodingNameFor('my-special-1', o)).toBe('p50k_base');
    expect(encodingNameFor('gpt-4o', o)).toBe('cl100k_base');
    expect(countTextTokens('my-model', 'hello world', o)).toBe(cl100k.encode('hello world').length);
  });
});
