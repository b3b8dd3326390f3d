// Covers the Anthropic SSE parser and framer (src/llm/anthropic/sse.ts): events split at every byte,
// CRLF/CR line endings, multi-line data, comments, UTF-8 split inside a character, and the
// round trip framer → parser. Pure functions; starts nothing.
import { describe, expect, it } from 'vitest';
import { SseParser, frameEvent, frameRaw, MAX_PENDING_EVENT_CHARS } from '../../../src/llm/anthropic/sse.js';

const enc = new TextEncoder();

const SAMPLE =
  frameEvent('message_start', { type: 'message_start', message: { id: 'm1', usage: { input_tokens: 3 } } }) +
  frameEvent('ping', { type: 'ping' }) +
  frameEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'héllo 🌍 wörld' } }) +
  frameEvent('message_stop', { type: 'message_stop' });

describe('SseParser', () => {
  it('parses four framed events pushed in one piece into four events with parsed JSON', () => {
    const p = new SseParser();
    const evs = [...p.push(enc.encode(SAMPLE)), ...p.end()];
    expect(evs.map((e) => e.event)).toEqual(['message_start', 'ping', 'content_block_delta', 'message_stop']);
    expect((evs[2]!.json as { delta: { text: string } }).delta.text).toBe('héllo 🌍 wörld');
  });

  it('yields the same events when the bytes are split at every possible offset, including inside UTF-8 sequences', () => {
    const bytes = enc.encode(SAMPLE);
    const whole = new SseParser().push(bytes);
    for (let cut = 1; cut < bytes.length; cut++) {
      const p = new SseParser();
      const evs = [...p.push(bytes.subarray(0, cut)), ...p.push(bytes.subarray(cut)), ...p.end()];
      expect(evs).toEqual(whole);
    }
  });

  it('accepts CRLF and bare CR line endings, including a CRLF split between two pushes', () => {
    const crlf = SAMPLE.split('\n').join('\r\n');
    const cr = SAMPLE.split('\n').join('\r');
    const ref = new SseParser().push(SAMPLE);
    expect(new SseParser().push(crlf)).toEqual(ref);
    const p = new SseParser();
    const mid = crlf.indexOf('\r\n') + 1;
    expect([...p.push(crlf.slice(0, mid)), ...p.push(crlf.slice(mid))]).toEqual(ref);
    const q = new SseParser();
    expect([...q.push(cr), ...q.end()]).toEqual(ref);
  });

  it('joins multi-line data with newlines, ignores comments and strips one leading space only', () => {
    const p = new SseParser();
    const evs = p.push(': keep-alive\nevent: x\ndata:  two spaces\ndata:b\n\n');
    expect(evs).toEqual([{ event: 'x', data: ' two spaces\nb' }]);
  });

  it('dispatches an unterminated final event at end()', () => {
    const p = new SseParser();
    expect(p.push('event: message_stop\ndata: {"type":"message_stop"}')).toEqual([]);
    expect(p.end()).toEqual([{ event: 'message_stop', data: '{"type":"message_stop"}', json: { type: 'message_stop' } }]);
  });

  it('leaves json undefined for data that is not JSON instead of throwing', () => {
    const [e] = new SseParser().push('event: error\ndata: not json\n\n');
    expect(e).toEqual({ event: 'error', data: 'not json' });
  });

  it('throws when one event grows past the pending limit without a terminator', () => {
    const p = new SseParser();
    p.push('data: ');
    expect(() => p.push('x'.repeat(MAX_PENDING_EVENT_CHARS + 1))).toThrow(/larger than/);
  });
});

describe('frameEvent / frameRaw', () => {
  it('frames an event as event line, one data line and a blank line', () => {
    expect(frameEvent('ping', { type: 'ping' })).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });

  it('frames raw multi-line data as several data lines that parse back to the same data', () => {
    const framed = frameRaw('x', 'a\nb');
    expect(framed).toBe('event: x\ndata: a\ndata: b\n\n');
    expect(new SseParser().push(framed)).toEqual([{ event: 'x', data: 'a\nb' }]);
  });
});
