/**
 * A real Anthropic-compatible upstream on 127.0.0.1, port 0: `POST /v1/messages` (JSON and SSE
 * streaming with Anthropic's event types), `POST /v1/messages/count_tokens`, `GET /v1/models`.
 * Tests script each reply: text and tool_use blocks in chosen chunks, delays between events, usage
 * with cache counts, and failure modes (HTTP error status, hang, connection reset before headers
 * or after N events, an `error` event mid-stream). Every request is recorded (headers + body) so
 * tests can assert what the firewall forwarded. `close()` destroys open sockets, hung ones too.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type StubBlock =
  | { type: 'text'; chunks: string[] }
  | { type: 'thinking'; chunks: string[] }
  | { type: 'tool_use'; name: string; id?: string; input?: unknown; /** partial_json pieces; default: the input JSON in two halves. */ chunks?: string[] };

export type StubFailure =
  | { status: number; errorType?: string; message?: string }
  | { hang: true }
  | { resetBeforeHeaders: true }
  | { resetAfterEvents: number }
  | { errorEventAfter: number; errorType?: string };

export interface StubReply {
  /** Shorthand for one text block; an array gives the stream chunks. */
  text?: string | string[];
  blocks?: StubBlock[];
  model?: string;
  stopReason?: string;
  usage?: { input_tokens?: number; output_tokens?: number; cache_creation_input_tokens?: number; cache_read_input_tokens?: number };
  /** Delay between stream events (and before a JSON reply), ms. */
  delayMs?: number;
  /** Emit a `ping` event after `message_start` (Anthropic does). Default true. */
  ping?: boolean;
  fail?: StubFailure;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface AnthropicStub {
  /** `http://127.0.0.1:<port>` — Anthropic base URLs carry no `/v1`. */
  url: string;
  /** `http://127.0.0.1:<port>/v1`, for a policy upstream `baseUrl`. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** The reply to the next `/v1/messages` calls: fixed, or computed from the request body. */
  reply: StubReply | ((body: Record<string, unknown>) => StubReply);
  models: string[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function blocksOf(r: StubReply): StubBlock[] {
  if (r.blocks) return r.blocks;
  const t = r.text ?? 'Hello from the stub.';
  return [{ type: 'text', chunks: Array.isArray(t) ? t : [t] }];
}

function toolChunks(b: Extract<StubBlock, { type: 'tool_use' }>): string[] {
  if (b.chunks) return b.chunks;
  const s = JSON.stringify(b.input ?? {});
  const half = Math.floor(s.length / 2);
  return [s.slice(0, half), s.slice(half)];
}

function finalContent(blocks: StubBlock[]): Array<Record<string, unknown>> {
  return blocks.map((b, i) => {
    if (b.type === 'text') return { type: 'text', text: b.chunks.join('') };
    if (b.type === 'thinking') return { type: 'thinking', thinking: b.chunks.join(''), signature: 'stub-sig' };
    return { type: 'tool_use', id: b.id ?? `toolu_stub_${i}`, name: b.name, input: JSON.parse(toolChunks(b).join('')) as unknown };
  });
}

function usageOf(r: StubReply) {
  return {
    input_tokens: r.usage?.input_tokens ?? 12,
    cache_creation_input_tokens: r.usage?.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: r.usage?.cache_read_input_tokens ?? 0,
    output_tokens: r.usage?.output_tokens ?? 7,
  };
}

/** The SSE events of a streamed reply, in Anthropic's order. */
export function streamEvents(r: StubReply, model: string): Array<{ event: string; data: Record<string, unknown> }> {
  const blocks = blocksOf(r);
  const usage = usageOf(r);
  const ev: Array<{ event: string; data: Record<string, unknown> }> = [];
  ev.push({
    event: 'message_start',
    data: {
      type: 'message_start',
      message: {
        id: 'msg_stub_1', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    },
  });
  if (r.ping !== false) ev.push({ event: 'ping', data: { type: 'ping' } });
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      ev.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
      for (const text of b.chunks) ev.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } } });
    } else if (b.type === 'thinking') {
      ev.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '' } } });
      for (const thinking of b.chunks) ev.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } } });
      ev.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'stub-sig' } } });
    } else {
      ev.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id ?? `toolu_stub_${index}`, name: b.name, input: {} } } });
      for (const partial_json of toolChunks(b)) ev.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } } });
    }
    ev.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  const stop = r.stopReason ?? (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
  ev.push({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } } });
  ev.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return ev;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s), 'request-id': 'req_stub' });
  res.end(s);
}

/** Start the stub. */
export async function startAnthropicStub(opts: { reply?: StubReply; models?: string[] } = {}): Promise<AnthropicStub> {
  const sockets = new Set<Socket>();
  const stub: AnthropicStub = {
    url: '', baseUrl: '', requests: [], reply: opts.reply ?? {},
    models: opts.models ?? ['claude-sonnet-4-5', 'claude-haiku-4-5'],
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      void handle(Buffer.concat(parts).toString('utf8')).catch(() => res.destroy());
    });
    async function handle(raw: string): Promise<void> {
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'bad json' } });
        return;
      }
      stub.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/v1/models') {
        const data = stub.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' }));
        sendJson(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
        return;
      }
      if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
        sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
        return;
      }
      if (req.method !== 'POST' || path !== '/v1/messages') {
        sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'not found' } });
        return;
      }
      const r = typeof stub.reply === 'function' ? stub.reply(body) : stub.reply;
      const model = r.model ?? (typeof body.model === 'string' ? body.model : 'claude-stub');
      const f = r.fail;
      if (f && 'hang' in f) return; // never answer; close() destroys the socket
      if (f && 'resetBeforeHeaders' in f) {
        req.socket.destroy();
        return;
      }
      if (f && 'status' in f) {
        sendJson(res, f.status, { type: 'error', error: { type: f.errorType ?? 'api_error', message: f.message ?? 'stub failure' } });
        return;
      }
      if (body.stream !== true) {
        if (r.delayMs) await sleep(r.delayMs);
        const blocks = blocksOf(r);
        sendJson(res, 200, {
          id: 'msg_stub_1', type: 'message', role: 'assistant', model, content: finalContent(blocks),
          stop_reason: r.stopReason ?? (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
          stop_sequence: null, usage: usageOf(r),
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_stub' });
      res.flushHeaders();
      const events = streamEvents(r, model);
      for (let i = 0; i < events.length; i++) {
        if (f && 'resetAfterEvents' in f && i === f.resetAfterEvents) {
          req.socket.destroy();
          return;
        }
        if (f && 'errorEventAfter' in f && i === f.errorEventAfter) {
          res.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: f.errorType ?? 'overloaded_error', message: 'Overloaded' } })}\n\n`);
          return;
        }
        if (r.delayMs && i > 0) await sleep(r.delayMs);
        if (res.destroyed) return;
        res.write(`event: ${events[i]!.event}\ndata: ${JSON.stringify(events[i]!.data)}\n\n`);
      }
      res.end();
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  stub.url = `http://127.0.0.1:${port}`;
  stub.baseUrl = `${stub.url}/v1`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return stub;
}
