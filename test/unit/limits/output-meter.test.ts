/**
 * The output meter: delta text extraction from chat, completions and Responses stream events,
 * counting against the reserved cap (the signal to cut a stream off), and the fallback usage
 * when the upstream reports none. Starts nothing.
 */
import { describe, expect, it } from 'vitest';
import { OutputMeter, countTextTokens, streamDeltaText } from '../../../src/limits/index.js';

describe('streamDeltaText', () => {
  it('reads chat content, refusals and tool-call argument deltas', () => {
    expect(streamDeltaText('chat', { choices: [{ index: 0, delta: { content: 'Hel' } }] })).toBe('Hel');
    expect(streamDeltaText('chat', { choices: [{ delta: { tool_calls: [{ index: 0, function: { name: 'get_weather', arguments: '{"ci' } }] } }] })).toBe('get_weather{"ci');
    expect(streamDeltaText('chat', { choices: [], usage: { prompt_tokens: 1 } })).toBe('');
  });

  it('reads completions text and Responses output/argument deltas, and nothing from other events', () => {
    expect(streamDeltaText('completions', { choices: [{ text: ' world' }] })).toBe(' world');
    expect(streamDeltaText('responses', { type: 'response.output_text.delta', delta: 'Hi' })).toBe('Hi');
    expect(streamDeltaText('responses', { type: 'response.function_call_arguments.delta', delta: '{"a"' })).toBe('{"a"');
    expect(streamDeltaText('responses', { type: 'response.completed', response: {} })).toBe('');
    expect(streamDeltaText('chat', 'garbage')).toBe('');
  });
});

describe('OutputMeter', () => {
  it('stays within the cap until the counted output passes it, then reports exceeded', () => {
    const m = new OutputMeter('gpt-4o-mini', 5, 12);
    const words = ['The', ' quick', ' brown', ' fox', ' jumps', ' over'];
    const verdicts = words.map((w) => m.addEvent('chat', { choices: [{ delta: { content: w } }] }));
    expect(verdicts).toEqual([true, true, true, true, true, false]);
    expect(m.exceeded).toBe(true);
    expect(m.tokens).toBe(words.reduce((s, w) => s + countTextTokens('gpt-4o-mini', w), 0));
  });

  it('gives usage from the counted prompt and output when the upstream reported none', () => {
    const m = new OutputMeter('gpt-4o-mini', 100, 42);
    m.add('Hello there, general Kenobi.');
    expect(m.usage()).toEqual({ inputTokens: 42, outputTokens: countTextTokens('gpt-4o-mini', 'Hello there, general Kenobi.') });
  });
});
