/**
 * Relaying a streamed Messages response: upstream bytes → SSE parser → stream guard → client, one
 * upstream read at a time (never buffered whole), with write backpressure. The stream ends in
 * exactly one of: `message_stop` passed through; an `error` event from the guard (block,
 * disallowed tool, output past the reservation, upstream `error` event or truncation); an `error`
 * event naming the transport phase when the upstream connection fails; or the client leaving
 * (upstream aborted). Then the reservation is settled (or released on client abort) and the
 * outcome recorded for the audit event.
 */
import { once } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { deny } from '../../errors.js';
import { countTextTokens } from '../../limits/encodings.js';
import { recordDenial } from '../../server/render.js';
import { StreamInspector, type InspectContext } from '../inspect-stage.js';
import type { LimitsTicket } from '../limits-stage.js';
import { upstreamError } from '../upstream-client.js';
import { checkCalledTool } from './preflight.js';
import { SseParser } from './sse.js';
import { AnthropicStreamGuard, PASS_THROUGH, type ChannelInspector } from './stream-guard.js';

export interface MessagesStreamRelay {
  res: Dispatcher.ResponseData;
  abort: AbortController;
  ticket?: LimitsTicket;
  inspect?: InspectContext;
  /** The prompt estimate the reservation used (settles a stream cut before usage arrived). */
  promptTokens: number;
  /** The client's max_tokens: what the reservation covers for output. */
  maxOutputTokens: number;
  headers: Record<string, string>;
}

/** The front end's StreamInspector (findings, redaction, canary across chunks, reversible restore). */
function inspectorFor(ctx: InspectContext | undefined): ChannelInspector {
  return ctx ? new StreamInspector(ctx) : PASS_THROUGH;
}

/** Relay the stream. Resolves when it ends (normally, blocked, failed or aborted). */
export async function relayMessagesStream(request: FastifyRequest, reply: FastifyReply, r: MessagesStreamRelay): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  const st = request.fw;
  const agent = st.agent!;
  raw.writeHead(r.res.statusCode, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': request.id,
    'request-id': request.id,
    ...r.headers,
  });

  // Output counted so far. Counting is lazy: a token is at least one UTF-8 byte, so while
  // `counted + bytes pending` stays within the cap nothing needs counting; tiktoken runs only when
  // that bound passes it (a tiktoken call costs ~60 µs; most streams never get near their cap).
  let outputTokens = 0;
  let pending = '';
  let pendingBytes = 0;
  const countPending = () => {
    if (pending === '') return;
    outputTokens += countTextTokens(st.model ?? '', pending, st.policy.doc.encodings);
    pending = '';
    pendingBytes = 0;
  };
  const guard = new AnthropicStreamGuard({
    requestId: request.id,
    inspector: inspectorFor(r.inspect),
    checkTool: (name) => checkCalledTool(agent, name),
    // With a reservation, count what is released: an upstream streaming past max_tokens would
    // spend what no admission allowed, so the stream is cut there.
    onOutput: r.ticket
      ? (text) => {
          pending += text;
          pendingBytes += Buffer.byteLength(text);
          if (outputTokens + pendingBytes <= r.maxOutputTokens) return undefined;
          countPending();
          return outputTokens > r.maxOutputTokens
            ? deny('BUDGET_EXCEEDED', `the stream passed the ${r.maxOutputTokens} output tokens reserved for it`)
            : undefined;
        }
      : undefined,
  });
  const write = async (s: string) => {
    if (s.length === 0 || raw.destroyed) return;
    if (!raw.write(s)) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
  };
  const usageSoFar = () => {
    const u = guard.usage.usage;
    if (guard.completed && u) return u;
    countPending();
    // Cut short: what was reported, at least the prompt estimate and the output counted so far.
    return { ...(u ?? { inputTokens: r.promptTokens, outputTokens: 0 }), outputTokens: Math.max(u?.outputTokens ?? 0, outputTokens) };
  };

  try {
    const parser = new SseParser();
    for await (const chunk of r.res.body) {
      let out = '';
      for (const ev of parser.push(chunk as Buffer)) out += guard.push(ev);
      await write(out);
      if (guard.stopped) break;
    }
    if (!guard.stopped) {
      let out = '';
      for (const ev of parser.end()) out += guard.push(ev);
      await write(out + guard.end());
    }
  } catch (err) {
    if (r.abort.signal.aborted || raw.destroyed) {
      // The client went away; undici already aborted the upstream request.
      r.ticket?.release(guard.usage.usage);
      if (!raw.socket?.destroyed) raw.socket?.destroy();
      return;
    }
    const fe = upstreamError(err);
    request.server.fw.metrics.upstreamErrors.inc({ upstream: st.upstream ?? 'unknown', kind: fe.kind });
    await write(guard.abort({ error: fe.entry, detail: fe.detail }));
  }

  const stop = guard.stopped;
  if (stop) {
    r.abort.abort(); // stop paying for tokens nobody will see
    if (stop.kind === 'denied') {
      const code = stop.denial.error.code;
      recordDenial(request, stop.denial, stop.denial.error.status >= 500 ? 'error' : code === 'firewall_blocked' || code === 'firewall_tool_not_allowed' ? 'block' : 'deny');
    } else {
      st.decision = 'error';
      st.code = `upstream_${stop.upstreamType}`;
    }
  }
  r.ticket?.settle(usageSoFar());
  if (!raw.destroyed && !raw.writableEnded) raw.end();
}
