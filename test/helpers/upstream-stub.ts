/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 (port 0) for tests, the demo and benchmarks.
 * It speaks `/v1/chat/completions`, `/v1/responses`, `/v1/completions`, `/v1/embeddings` (JSON and
 * SSE streaming, with usage and the `stream_options.include_usage` usage chunk) and `GET /v1/models`,
 * records every request it receives (headers, raw body, whether the client went away before the
 * answer finished), and can misbehave on demand: an HTTP status with any body, hanging before or
 * after the headers, resetting the connection (before or mid-stream), or exact raw bytes.
 *
 * Usage:
 *   const stub = await startUpstreamStub({ chunks: ['Hel', 'lo'] });   // { tls: { cert, key } } for HTTPS
 *   new OpenAI({ baseURL: stub.url, apiKey: 'x' });   // stub.url ends in /v1
 *   stub.set({ failure: { kind: 'status', status: 500 } });
 *   await stub.close();
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createHash } from 'node:crypto';

/** Ways the stub can fail a request. */
export type StubFailure =
  /** Answer with this status and body (object → JSON; string → sent as is with `contentType`). */
  | { kind: 'status'; status: number; body?: unknown; contentType?: string; headers?: Record<string, string> }
  /** Accept the request and never send headers. */
  | { kind: 'hang' }
  /** Send 200 headers (and `afterChunks` stream chunks), then stall forever. */
  | { kind: 'hang-body'; afterChunks?: number }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** Stream `afterChunks` chunks, then destroy the socket. */
  | { kind: 'reset-mid-stream'; afterChunks: number }
  /** Answer with exactly these bytes (then, with `reset`, destroy the connection instead of ending). */
  | { kind: 'raw'; status: number; headers: Record<string, string>; body: string | Buffer; reset?: boolean };

/** A function tool call the stub puts into its answer. */
export interface StubToolCall {
  name: string;
  arguments: string;
}

/** What the stub does; change it between tests with `set`. */
export interface StubBehaviour {
  /** Text of the answer, as the stream chunks (joined for non-streaming answers). */
  chunks: string[];
  /** Delay before each streamed chunk, ms. */
  chunkDelayMs: number;
  /** Tool calls in chat/responses answers (streamed as deltas when streaming). */
  toolCalls: StubToolCall[];
  /** Models listed by GET /v1/models. */
  models: string[];
  /** When set, the request's `Authorization: Bearer` must carry this key (else 401). */
  requireKey?: string;
  /** Applies to every route (or only to `failurePaths` when given). */
  failure?: StubFailure;
  failurePaths?: string[];
  /** Answer with the text of the request's first message of this role instead of `chunks` (chat). */
  echo?: 'system' | 'user';
  /** Usage reported; computed from text lengths when absent. */
  usage?: { input: number; output: number };
}

/** One request as the stub saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingMessage['headers'];
  /** Raw request body bytes. */
  body: Buffer;
  /** Parsed body when it was JSON. */
  json?: any;
  /** The client closed the connection before the stub finished answering. */
  aborted: boolean;
  /** The stub finished writing its answer. */
  completed: boolean;
}

export interface UpstreamStub {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** TCP connections accepted so far (keep-alive check). */
  readonly connections: number;
  set(change: Partial<StubBehaviour>): void;
  /** Back to the start options and an empty request log. */
  reset(): void;
  /** Resolves when `pred` holds for some recorded request (polls), or rejects after `timeoutMs`. */
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const DEFAULTS: StubBehaviour = {
  chunks: ['Hello', ' from', ' the', ' stub', '.'],
  chunkDelayMs: 0,
  toolCalls: [],
  models: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'text-embedding-3-small', 'gpt-3.5-turbo-instruct'],
};

const tokensOf = (s: string) => Math.max(1, Math.ceil(s.length / 4));

function sse(res: ServerResponse, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start the stub on 127.0.0.1 with a free port. */
export async function startUpstreamStub(initial: Partial<StubBehaviour> = {}, opts: { tls?: { cert: Buffer | string; key: Buffer | string } } = {}): Promise<UpstreamStub> {
  let b: StubBehaviour = { ...DEFAULTS, ...initial };
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let seq = 0;

  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const rec: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body: Buffer.concat(chunks), aborted: false, completed: false };
      try { rec.json = rec.body.length ? JSON.parse(rec.body.toString('utf8')) : undefined; } catch { /* recorded raw */ }
      requests.push(rec);
      res.on('close', () => { if (!res.writableFinished) rec.aborted = true; });
      res.on('finish', () => { rec.completed = true; });
      void handle(rec, res).catch(() => res.destroy());
    });
  };
  const server: Server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, listener) : createServer(listener);
  server.keepAliveTimeout = 30_000;
  server.on(opts.tls ? 'secureConnection' : 'connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(rec: RecordedRequest, res: ServerResponse): Promise<void> {
    const f = b.failure && (!b.failurePaths || b.failurePaths.includes(rec.path)) ? b.failure : undefined;
    if (f?.kind === 'hang') return;
    if (f?.kind === 'reset') { res.socket?.destroy(); return; }
    if (f?.kind === 'raw') {
      res.writeHead(f.status, f.headers);
      if (!f.reset) { res.end(f.body); return; }
      res.write(f.body);
      await sleep(50);
      res.socket?.destroy();
      return;
    }
    if (f?.kind === 'status') {
      const isText = typeof f.body === 'string';
      const body = isText ? (f.body as string) : JSON.stringify(f.body ?? { error: { message: `stub failure ${f.status}`, type: 'server_error', code: null, param: null } });
      res.writeHead(f.status, { 'content-type': f.contentType ?? (isText ? 'text/plain' : 'application/json'), ...(f.headers ?? {}) });
      res.end(body);
      return;
    }
    if (b.requireKey !== undefined && rec.headers.authorization !== `Bearer ${b.requireKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key', param: null } }));
      return;
    }
    const route = rec.path.replace(/^\/v1/, '');
    if (rec.method === 'GET' && route === '/models') {
      return json(res, { object: 'list', data: b.models.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'stub' })) });
    }
    if (rec.method !== 'POST' || rec.json === undefined || typeof rec.json !== 'object') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `stub: no route ${rec.method} ${rec.path}`, type: 'invalid_request_error', code: null, param: null } }));
      return;
    }
    const body = rec.json as Record<string, any>;
    const model = String(body.model ?? 'unknown');
    const id = `stub-${++seq}`;
    let chunksOut = b.chunks;
    if (b.echo && Array.isArray(body.messages)) {
      const m = body.messages.find((x: any) => x?.role === b.echo);
      const t = typeof m?.content === 'string' ? m.content : '';
      chunksOut = t.match(/.{1,8}/gs) ?? [];
    }
    const text = chunksOut.join('');
    const inTok = b.usage?.input ?? tokensOf(rec.body.toString('utf8'));
    const outTok = b.usage?.output ?? tokensOf(text);
    const stream = body.stream === true;
    const includeUsage = body.stream_options?.include_usage === true;
    switch (route) {
      case '/chat/completions': {
        const toolCalls = b.toolCalls.map((t, i) => ({ id: `call_${seq}_${i}`, type: 'function', function: { name: t.name, arguments: t.arguments } }));
        const usage = { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok };
        const finish = toolCalls.length ? 'tool_calls' : 'stop';
        if (!stream) {
          return json(res, { id, object: 'chat.completion', created: 1700000000, model, choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, logprobs: null, finish_reason: finish }], usage, system_fingerprint: 'fp_stub' });
        }
        const base = { id, object: 'chat.completion.chunk', created: 1700000000, model, system_fingerprint: 'fp_stub' };
        const events: unknown[] = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }];
        for (const c of chunksOut) events.push({ ...base, choices: [{ index: 0, delta: { content: c }, logprobs: null, finish_reason: null }] });
        toolCalls.forEach((t, i) => events.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: i, id: t.id, type: 'function', function: { name: t.function.name, arguments: t.function.arguments } }] }, logprobs: null, finish_reason: null }] }));
        events.push({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }] });
        if (includeUsage) events.push({ ...base, choices: [], usage });
        return streamEvents(res, events.map((e) => ({ data: e })), f);
      }
      case '/completions': {
        const usage = { prompt_tokens: inTok, completion_tokens: outTok, total_tokens: inTok + outTok };
        if (!stream) return json(res, { id, object: 'text_completion', created: 1700000000, model, choices: [{ text, index: 0, logprobs: null, finish_reason: 'stop' }], usage });
        const base = { id, object: 'text_completion', created: 1700000000, model };
        const events: unknown[] = b.chunks.map((c) => ({ ...base, choices: [{ text: c, index: 0, logprobs: null, finish_reason: null }] }));
        events.push({ ...base, choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'stop' }] });
        if (includeUsage) events.push({ ...base, choices: [], usage });
        return streamEvents(res, events.map((e) => ({ data: e })), f);
      }
      case '/responses': {
        const usage = { input_tokens: inTok, input_tokens_details: { cached_tokens: 0 }, output_tokens: outTok, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inTok + outTok };
        const msgItem = { type: 'message', id: `msg_${seq}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] };
        const toolItems = b.toolCalls.map((t, i) => ({ type: 'function_call', id: `fc_${seq}_${i}`, call_id: `call_${seq}_${i}`, name: t.name, arguments: t.arguments, status: 'completed' }));
        const response = (status: string, withOutput: boolean) => ({ id: `resp_${seq}`, object: 'response', created_at: 1700000000, status, model, output: withOutput ? [msgItem, ...toolItems] : [], usage: withOutput ? usage : null, error: null, incomplete_details: null, instructions: null, metadata: {}, parallel_tool_calls: true, temperature: 1, tool_choice: 'auto', tools: [], top_p: 1 });
        if (!stream) return json(res, response('completed', true));
        let n = 0;
        const events: Array<{ event: string; data: unknown }> = [
          { event: 'response.created', data: { type: 'response.created', sequence_number: n++, response: response('in_progress', false) } },
          { event: 'response.output_item.added', data: { type: 'response.output_item.added', sequence_number: n++, output_index: 0, item: { ...msgItem, status: 'in_progress', content: [] } } },
        ];
        for (const c of b.chunks) events.push({ event: 'response.output_text.delta', data: { type: 'response.output_text.delta', sequence_number: n++, item_id: msgItem.id, output_index: 0, content_index: 0, delta: c, logprobs: [] } });
        events.push({ event: 'response.output_text.done', data: { type: 'response.output_text.done', sequence_number: n++, item_id: msgItem.id, output_index: 0, content_index: 0, text, logprobs: [] } });
        toolItems.forEach((t, i) => {
          events.push({ event: 'response.output_item.added', data: { type: 'response.output_item.added', sequence_number: n++, output_index: i + 1, item: { ...t, arguments: '', status: 'in_progress' } } });
          events.push({ event: 'response.function_call_arguments.delta', data: { type: 'response.function_call_arguments.delta', sequence_number: n++, item_id: t.id, output_index: i + 1, delta: t.arguments } });
          events.push({ event: 'response.output_item.done', data: { type: 'response.output_item.done', sequence_number: n++, output_index: i + 1, item: t } });
        });
        events.push({ event: 'response.completed', data: { type: 'response.completed', sequence_number: n++, response: response('completed', true) } });
        return streamEvents(res, events, f, false);
      }
      case '/embeddings': {
        const inputs: unknown[] = Array.isArray(body.input) ? body.input : [body.input];
        const dims = typeof body.dimensions === 'number' ? body.dimensions : 8;
        const data = inputs.map((inp, index) => {
          const h = createHash('sha256').update(JSON.stringify(inp)).digest();
          const v = Array.from({ length: dims }, (_, i) => (h[i % 32] - 128) / 128);
          const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v;
          return { object: 'embedding', index, embedding };
        });
        return json(res, { object: 'list', data, model, usage: { prompt_tokens: inTok, total_tokens: inTok } });
      }
      default:
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `stub: no route ${rec.path}`, type: 'invalid_request_error', code: 'unknown_url', param: null } }));
    }
  }

  function json(res: ServerResponse, obj: unknown): void {
    const s = JSON.stringify(obj);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s), 'x-request-id': `req_stub_${seq}`, 'openai-processing-ms': '1' });
    res.end(s);
  }

  async function streamEvents(res: ServerResponse, events: Array<{ event?: string; data: unknown }>, f: StubFailure | undefined, done = true): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': `req_stub_${seq}` });
    res.flushHeaders();
    let sent = 0;
    for (const e of events) {
      if (res.destroyed) return;
      if (f?.kind === 'reset-mid-stream' && sent >= f.afterChunks) {
        // Let the chunks already written reach the client before the connection dies.
        await sleep(50);
        res.socket?.destroy();
        return;
      }
      if (f?.kind === 'hang-body' && sent >= (f.afterChunks ?? 0)) return;
      if (b.chunkDelayMs > 0) await sleep(b.chunkDelayMs);
      if (res.destroyed) return;
      sse(res, e.data, e.event);
      sent++;
    }
    if (f?.kind === 'hang-body') return;
    if (done) sse(res, '[DONE]');
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/v1`,
    port,
    requests,
    get connections() { return connections; },
    set(change) { b = { ...b, ...change }; },
    reset() { b = { ...DEFAULTS, ...initial }; requests.length = 0; },
    async waitFor(pred, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = requests.find(pred);
        if (hit) return hit;
        if (Date.now() > end) throw new Error('upstream stub: timed out waiting for a matching request');
        await sleep(10);
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}
