/**
 * The small pure pieces of the limits stage: UTC calendar windows, OpenAI-style reset durations
 * and header selection, price lookup and nano-dollar arithmetic, the RegExp-free glob matcher,
 * and reading output caps and usage from request/response bodies. Starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { calendarWindow } from '../../../src/limits/windows.js';
import { formatReset, rateLimitHeaders } from '../../../src/limits/headers.js';
import { findPrice, reserveNanoUsd, usageNanoUsd } from '../../../src/limits/pricing.js';
import { toSettledUsage } from '../../../src/llm/anthropic/usage.js';
import { parsePolicy } from '../../../src/policy/index.js';
import { globMatch } from '../../../src/limits/glob.js';
import { maxOutputTokensOf, usageFromResponse, usageFromStreamEvent } from '../../../src/limits/index.js';

describe('calendar windows', () => {
  it('start and end on UTC boundaries, with digit ids per window', () => {
    const t = Date.UTC(2026, 1, 28, 23, 59, 59, 999); // 2026-02-28, not a leap year
    expect(calendarWindow('month', t)).toEqual({ id: '202602', start: Date.UTC(2026, 1, 1), end: Date.UTC(2026, 2, 1) });
    expect(calendarWindow('day', t)).toEqual({ id: '20260228', start: Date.UTC(2026, 1, 28), end: Date.UTC(2026, 2, 1) });
    expect(calendarWindow('hour', t).id).toBe('2026022823');
    expect(calendarWindow('minute', t).id).toBe('202602282359');
    expect(calendarWindow('second', t)).toMatchObject({ id: '20260228235959', end: t + 1 });
    expect(calendarWindow('month', Date.UTC(2026, 11, 31, 12)).end).toBe(Date.UTC(2027, 0, 1));
  });
});

describe('rate-limit headers', () => {
  it('format reset durations the way OpenAI does', () => {
    expect([formatReset(20), formatReset(1000), formatReset(60_000), formatReset(90_500), formatReset(3_723_000)])
      .toEqual(['20ms', '1s', '1m0s', '1m30.5s', '1h2m3s']);
  });

  it('report the limit closest to refusing', () => {
    const h = rateLimitHeaders(
      [{ limit: 10, remaining: 9, resetMs: 1000 }, { limit: 100, remaining: 5, resetMs: 60_000 }],
      [{ limit: 1000, remaining: 10, resetMs: 60_000 }, { limit: 1_000_000, remaining: 999_000, resetMs: 3_600_000 }]);
    expect(h).toEqual({
      'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '5', 'x-ratelimit-reset-requests': '1m0s',
      'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '10', 'x-ratelimit-reset-tokens': '1m0s',
    });
    expect(rateLimitHeaders([], [])).toEqual({});
  });
});

describe('pricing', () => {
  const table = { 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 }, 'gpt-4.1-*': { input: 2, output: 8 } };
  it('looks models up by exact name, then glob, then longest prefix', () => {
    expect(findPrice(table, 'gpt-4o')!.input).toBe(2.5);
    expect(findPrice(table, 'gpt-4o-mini-2024-07-18')!.input).toBe(0.15);
    expect(findPrice(table, 'gpt-4.1-nano')!.input).toBe(2);
    expect(findPrice(table, 'claude-3')).toBeUndefined();
  });
  it('keeps money in exact nano-dollars, rounded up', () => {
    expect(reserveNanoUsd(table['gpt-4o-mini'], 1000, 1000)).toBe(750_000); // $0.00075
    expect(usageNanoUsd(table['gpt-4o-mini'], { inputTokens: 3, cachedInputTokens: 1, outputTokens: 1 })).toBe(975); // 2×150 + 75 + 600
    expect(usageNanoUsd({ input: 0.1, output: 0.2 }, { inputTokens: 1, outputTokens: 1 })).toBe(300); // no 0.1+0.2 noise
  });
  it('prices prompt-cache writes at cacheWriteInput (default: input), clamped to the uncached input', () => {
    // Claude-style prices: input 3, cache read 0.3, cache write 3.75, output 15 (USD per 1M).
    const claude = { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, output: 15 };
    // 100 uncached + 1000 written + 2000 read = 3100 input tokens, 10 output.
    const u = toSettledUsage({ inputTokens: 100, cacheWriteTokens: 1000, cacheReadTokens: 2000, outputTokens: 10 });
    expect(u).toEqual({ inputTokens: 3100, cachedInputTokens: 2000, cacheWriteInputTokens: 1000, outputTokens: 10 });
    expect(usageNanoUsd(claude, u)).toBe(100 * 3000 + 1000 * 3750 + 2000 * 300 + 10 * 15000);
    // Without a cache-write price the written tokens cost plain input.
    const { cacheWriteInput: _w, ...noWrite } = claude;
    expect(usageNanoUsd(noWrite, u)).toBe(1100 * 3000 + 2000 * 300 + 10 * 15000);
    // A write count larger than the uncached input is clamped (never priced twice).
    expect(usageNanoUsd(claude, { inputTokens: 10, cachedInputTokens: 4, cacheWriteInputTokens: 50, outputTokens: 0 })).toBe(6 * 3750 + 4 * 300);
  });
  it('the policy schema accepts pricing.cacheWriteInput', () => {
    const p = parsePolicy('version: 1\npricing:\n  claude-sonnet-4-5: { input: 3, cachedInput: 0.3, cacheWriteInput: 3.75, output: 15 }\nagents: {}\n', 'inline.yaml');
    expect(p.doc.pricing['claude-sonnet-4-5'].cacheWriteInput).toBe(3.75);
  });
});

describe('glob matcher', () => {
  it('matches * and ? without regular expressions and rejects absurdly long names', () => {
    expect(globMatch('gpt-4.1-*', 'gpt-4.1-mini')).toBe(true);
    expect(globMatch('gpt-4.1-*', 'gpt-4.10')).toBe(false);
    expect(globMatch('o?-mini', 'o3-mini')).toBe(true);
    expect(globMatch('*a*a*a*a*b', 'a'.repeat(200))).toBe(false);
    expect(globMatch('*', 'x'.repeat(300))).toBe(false);
  });
});

describe('output caps and usage', () => {
  it('reads the client cap per route (× n choices) and none for embeddings', () => {
    expect(maxOutputTokensOf('chat', { max_completion_tokens: 100, max_tokens: 5, n: 3 })).toBe(300);
    expect(maxOutputTokensOf('chat', { max_tokens: 50 })).toBe(50);
    expect(maxOutputTokensOf('chat', {})).toBeUndefined();
    expect(maxOutputTokensOf('responses', { max_output_tokens: 70 })).toBe(70);
    expect(maxOutputTokensOf('completions', { max_tokens: 16, n: 2 })).toBe(32);
    expect(maxOutputTokensOf('embeddings', { input: 'x' })).toBe(0);
    expect(maxOutputTokensOf('chat', { max_tokens: -5 })).toBeUndefined();
  });

  it('reads usage from JSON answers and from the final stream events', () => {
    expect(usageFromResponse('chat', { usage: { prompt_tokens: 10, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } } }))
      .toEqual({ inputTokens: 10, outputTokens: 3, cachedInputTokens: 4 });
    expect(usageFromResponse('embeddings', { usage: { prompt_tokens: 8, total_tokens: 8 } })).toEqual({ inputTokens: 8, outputTokens: 0 });
    expect(usageFromResponse('chat', { choices: [] })).toBeUndefined();
    expect(usageFromStreamEvent('chat', { choices: [], usage: { prompt_tokens: 5, completion_tokens: 2 } })).toEqual({ inputTokens: 5, outputTokens: 2 });
    expect(usageFromStreamEvent('chat', { choices: [{ delta: { content: 'x' } }], usage: null })).toBeUndefined();
    expect(usageFromStreamEvent('responses', { type: 'response.completed', response: { usage: { input_tokens: 7, output_tokens: 9, input_tokens_details: { cached_tokens: 0 } } } }))
      .toEqual({ inputTokens: 7, outputTokens: 9 });
    expect(usageFromStreamEvent('responses', { type: 'response.output_text.delta', delta: 'x' })).toBeUndefined();
  });
});
