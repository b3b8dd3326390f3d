// Covers usage extraction for settlement (src/llm/anthropic/usage.ts): uncached, cache-write and
// cache-read input tokens are kept apart for pricing and summed into inputTokens; a stream's
// message_start and cumulative message_delta counts combine correctly. Starts nothing.
import { describe, expect, it } from 'vitest';
import { StreamUsage, usageFromMessage, parseAnthropicUsage } from '../../../src/llm/anthropic/usage.js';

describe('usageFromMessage', () => {
  it('sums the three input parts and keeps cache read and write counts for pricing', () => {
    expect(usageFromMessage({ usage: { input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 5 } }))
      .toEqual({ inputTokens: 1110, cachedInputTokens: 1000, cacheWriteInputTokens: 100, outputTokens: 5 });
  });

  it('omits cache fields when there was no caching', () => {
    expect(usageFromMessage({ usage: { input_tokens: 3, output_tokens: 4 } })).toEqual({ inputTokens: 3, outputTokens: 4 });
  });

  it('returns undefined for a body without usable usage, and ignores negative or non-numeric counts', () => {
    expect(usageFromMessage({})).toBeUndefined();
    expect(usageFromMessage(null)).toBeUndefined();
    expect(parseAnthropicUsage({ input_tokens: -1, output_tokens: 'x' })).toBeUndefined();
  });
});

describe('StreamUsage', () => {
  it('takes input from message_start and the last cumulative output count from message_delta', () => {
    const s = new StreamUsage();
    expect(s.usage).toBeUndefined();
    s.observe({ type: 'message_start', message: { usage: { input_tokens: 20, cache_read_input_tokens: 5, output_tokens: 1 } } });
    s.observe({ type: 'content_block_delta', delta: { type: 'text_delta', text: 'x' } });
    s.observe({ type: 'message_delta', usage: { output_tokens: 9 } });
    s.observe({ type: 'message_delta', usage: { output_tokens: 15 } });
    expect(s.usage).toEqual({ inputTokens: 25, cachedInputTokens: 5, outputTokens: 15 });
  });

  it('lets final input counts in message_delta supersede the ones from message_start', () => {
    const s = new StreamUsage();
    s.observe({ type: 'message_start', message: { usage: { input_tokens: 20, output_tokens: 1 } } });
    s.observe({ type: 'message_delta', usage: { input_tokens: 22, cache_creation_input_tokens: 7, output_tokens: 3 } });
    expect(s.usage).toEqual({ inputTokens: 29, cacheWriteInputTokens: 7, outputTokens: 3 });
  });
});
