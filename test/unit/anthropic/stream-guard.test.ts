// Covers the streamed-response guard (src/llm/anthropic/stream-guard.ts) with a small literal-match
// inspector that holds back a bounded tail like the engine's stream scanner: a secret split across text deltas or
// input_json_delta pieces at every split point never reaches the client; disallowed tool_use,
// output caps, upstream error events and truncated streams end the stream with one Anthropic error
// event. The real engine is exercised in test/integration/parity. Starts nothing.
import { describe, expect, it } from 'vitest';
import type { StreamScanner } from '../../../detectors/engine/api.js';
import type { Finding } from '../../../detectors/engine/types.js';
import { deny } from '../../../src/errors.js';
import { AnthropicStreamGuard, type ChannelInspector } from '../../../src/llm/anthropic/stream-guard.js';
import { SseParser, type SseEvent } from '../../../src/llm/anthropic/sse.js';
import { streamEvents, type StubReply } from '../../helpers/anthropic-stub.js';

const SECRET = 'sk-SECRETSECRET42';

/** Literal matcher with a hold-back of SECRET.length - 1: the engine's contract in miniature. */
function literalScanner(action: 'block' | 'redact'): StreamScanner {
  let buf = '';
  let base = 0;
  const scan = (final: boolean) => {
    const findings: Finding[] = [];
    let i = buf.indexOf(SECRET);
    while (i !== -1) {
      findings.push({ rule: 'test.secret', type: 'SECRET', start: base + i, end: base + i + SECRET.length, score: 1, severity: 'high', action });
      if (action === 'block') return { release: '', findings, blocked: true };
      buf = buf.slice(0, i) + '[SECRET_1]' + buf.slice(i + SECRET.length);
      i = buf.indexOf(SECRET);
    }
    let hold = 0;
    if (!final) for (let k = Math.min(SECRET.length - 1, buf.length); k > 0; k--) if (SECRET.startsWith(buf.slice(buf.length - k))) { hold = k; break; }
    const release = buf.slice(0, buf.length - hold);
    base += release.length;
    buf = buf.slice(buf.length - hold);
    return { release, findings, blocked: false };
  };
  return { push: (c) => { buf += c; return scan(false); }, end: () => scan(true) };
}

/** The front end's channel inspector in miniature: one literal scanner per channel. */
function literalInspector(action: 'block' | 'redact', findings: Finding[]): ChannelInspector {
  const scanners = new Map<string, StreamScanner>();
  const after = (r: { release: string; findings: Finding[]; blocked: boolean }) => {
    findings.push(...r.findings);
    return r.blocked ? { release: '', denial: deny('BLOCKED', 'rule test.secret', { rules: ['test.secret'] }) } : { release: r.release };
  };
  return {
    push(ch, text) {
      if (!scanners.has(ch)) scanners.set(ch, literalScanner(action));
      return after(scanners.get(ch)!.push(text));
    },
    end(ch) {
      const s = scanners.get(ch);
      scanners.delete(ch);
      return s ? after(s.end()) : { release: '' };
    },
  };
}

function run(reply: StubReply, opts: { action?: 'block' | 'redact'; allowed?: (n: string) => boolean; onOutput?: (t: string) => ReturnType<typeof deny> | undefined; truncateAt?: number; raw?: SseEvent[] } = {}) {
  const findings: Finding[] = [];
  const g = new AnthropicStreamGuard({
    inspector: literalInspector(opts.action ?? 'block', findings),
    checkTool: (n) => ((opts.allowed ?? (() => true))(n) ? undefined : deny('TOOL_NOT_ALLOWED', n, { rules: ['policy.tool-allowlist'] })),
    onOutput: opts.onOutput,
    requestId: 'req_t',
  });
  const framed = streamEvents(reply, 'm').map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
  const upstream = opts.truncateAt === undefined ? framed : framed.slice(0, opts.truncateAt);
  const p = new SseParser();
  let out = '';
  for (const chunk of upstream) for (const ev of p.push(chunk)) out += g.push(ev);
  for (const ev of opts.raw ?? []) out += g.push(ev);
  out += g.end();
  const events = new SseParser().push(out);
  return { out, events, findings, guard: g };
}

function textOf(events: SseEvent[], field: 'text' | 'partial_json' = 'text'): string {
  return events.filter((e) => e.event === 'content_block_delta').map((e) => (e.json as { delta: Record<string, string> }).delta[field] ?? '').join('');
}

describe('AnthropicStreamGuard', () => {
  it('passes a clean stream through with the same text and event sequence', () => {
    const { events, guard } = run({ text: ['Hello ', 'world'] });
    expect(events.map((e) => e.event)).toEqual(['message_start', 'ping', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(textOf(events)).toBe('Hello world');
    expect(guard.completed).toBe(true);
    expect(guard.usage.usage).toEqual({ inputTokens: 12, outputTokens: 7 });
  });

  it('blocks a secret split across two text deltas at every split point, and the client never sees it', () => {
    const full = `Here is the key: ${SECRET} done`;
    for (let cut = 1; cut < full.length; cut++) {
      const { out, events, guard, findings } = run({ text: [full.slice(0, cut), full.slice(cut)] });
      expect(out.includes(SECRET), `cut ${cut}`).toBe(false);
      expect(events.at(-1)!.event).toBe('error');
      expect((events.at(-1)!.json as { error: { code: string } }).error.code).toBe('firewall_blocked');
      expect(guard.stopped?.kind).toBe('denied');
      expect(findings[0]!.rule).toBe('test.secret');
    }
  });

  it('redacts a secret split into single-character deltas and keeps the rest of the text intact', () => {
    const full = `a ${SECRET} b`;
    const { out, events } = run({ text: [...full] }, { action: 'redact' });
    expect(out.includes(SECRET)).toBe(false);
    expect(textOf(events)).toBe('a [SECRET_1] b');
    expect(events.at(-1)!.event).toBe('message_stop');
  });

  it('scans input_json_delta tool arguments across pieces at every split point', () => {
    const json = JSON.stringify({ token: SECRET });
    for (let cut = 1; cut < json.length; cut++) {
      const { out, events } = run({ blocks: [{ type: 'tool_use', name: 'f', chunks: [json.slice(0, cut), json.slice(cut)] }] }, { action: 'redact' });
      expect(out.includes(SECRET), `cut ${cut}`).toBe(false);
      expect(JSON.parse(textOf(events, 'partial_json'))).toEqual({ token: '[SECRET_1]' });
    }
  });

  it('ends the stream before a disallowed tool_use block reaches the client', () => {
    const { out, events } = run({ blocks: [{ type: 'text', chunks: ['ok'] }, { type: 'tool_use', name: 'delete_everything', input: { a: 1 } }] }, { allowed: (n) => n !== 'delete_everything' });
    expect(out.includes('"a":1')).toBe(false);
    expect(events.some((e) => e.event === 'content_block_start' && (e.json as { content_block: { type: string } }).content_block.type === 'tool_use')).toBe(false);
    const err = events.at(-1)!.json as { error: { code: string; type: string } };
    expect(err.error).toMatchObject({ code: 'firewall_tool_not_allowed', type: 'permission_error' });
  });

  it('checks mcp_tool_use blocks (MCP connector) against the allowlist like tool_use', () => {
    const e = (data: Record<string, unknown>): SseEvent => ({ event: String(data.type), data: JSON.stringify(data), json: data });
    const { events } = run({ text: ['ok'] }, {
      allowed: (n) => n !== 'delete_repo',
      truncateAt: 5, // message_start, ping, text block start, one delta, text block stop
      raw: [e({ type: 'content_block_start', index: 1, content_block: { type: 'mcp_tool_use', id: 'm1', name: 'delete_repo', server_name: 'gh', input: {} } })],
    });
    expect((events.at(-1)!.json as { error: { code: string } }).error.code).toBe('firewall_tool_not_allowed');
    expect(events.some((x) => x.event === 'content_block_start' && x.data.includes('mcp_tool_use'))).toBe(false);
  });

  it('scans a server tool result that arrives whole in content_block_start, redacting inside its JSON', () => {
    const e = (data: Record<string, unknown>): SseEvent => ({ event: String(data.type), data: JSON.stringify(data), json: data });
    const block = { type: 'web_search_tool_result', tool_use_id: 's1', content: [{ type: 'web_search_result', title: `leaked ${SECRET}`, url: 'https://x.example' }] };
    const { out, events } = run({ text: ['ok'] }, { action: 'redact', truncateAt: 5, raw: [e({ type: 'content_block_start', index: 1, content_block: block })] });
    expect(out.includes(SECRET)).toBe(false);
    const start = events.find((x) => x.event === 'content_block_start' && x.data.includes('web_search_tool_result'))!;
    expect((start.json as { content_block: { content: Array<{ title: string; url: string }> } }).content_block.content[0]).toEqual({ type: 'web_search_result', title: 'leaked [SECRET_1]', url: 'https://x.example' });
  });

  it('ends the stream with the hook denial when the output hook refuses (budget reached mid-stream)', () => {
    let seen = 0;
    const { events, guard } = run({ text: ['aaaa', 'bbbb', 'cccc'] }, { onOutput: (t) => ((seen += t.length) > 6 ? deny('BUDGET_EXCEEDED', 'day tokens') : undefined) });
    expect(textOf(events)).toBe('aaaa');
    expect((events.at(-1)!.json as { error: { code: string } }).error.code).toBe('firewall_budget_exceeded');
    expect(guard.completed).toBe(false);
  });

  it('replaces an upstream error event by its own error without the upstream message', () => {
    const raw: SseEvent[] = [{ event: 'error', data: '{"type":"error","error":{"type":"overloaded_error","message":"internal detail xyz"}}', json: { type: 'error', error: { type: 'overloaded_error', message: 'internal detail xyz' } } }];
    const { out, events, guard } = run({ text: ['a'] }, { truncateAt: 4, raw });
    expect(out.includes('internal detail')).toBe(false);
    expect(events.at(-1)!.json).toMatchObject({ type: 'error', error: { type: 'overloaded_error', code: 'firewall_upstream_bad_response' }, request_id: 'req_t' });
    expect(guard.stopped).toEqual({ kind: 'upstream-error', upstreamType: 'overloaded_error' });
  });

  it('turns a stream that ends without message_stop into an error event instead of a silent truncation', () => {
    const { events } = run({ text: ['a', 'b'] }, { truncateAt: 5 });
    expect(events.at(-1)!.event).toBe('error');
    expect((events.at(-1)!.json as { error: { message: string } }).error.message).toContain('before message_stop');
  });
});
