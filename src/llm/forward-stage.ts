/**
 * The forward stage shared by every LLM front end (OpenAI routes, Anthropic Messages): send the
 * request upstream with a client-abort signal, time it, and turn a transport failure into a
 * denial value. Each front end renders the denial in its own error shape.
 */
import type { Dispatcher } from 'undici';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Denial } from '../errors.js';
import type { CompiledUpstream } from '../policy/compile.js';
import { forward, upstreamError } from './upstream-client.js';

export interface ForwardStageRequest {
  up: CompiledUpstream;
  /** Path after the upstream base path, e.g. `/chat/completions`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | string | undefined;
  /** Route label for the upstream latency metric. */
  metricRoute: string;
}

export type ForwardOutcome =
  | { ok: true; res: Dispatcher.ResponseData; abort: AbortController }
  /** The client left; the reply has been hijacked and nothing more should be sent. */
  | { ok: false; aborted: true }
  | { ok: false; aborted: false; denial: Denial };

/**
 * Forward one POST upstream. A client that disconnects aborts the upstream call (no orphaned
 * upstream requests); the caller releases its limits ticket on any outcome but `ok`.
 */
export async function forwardStage(request: FastifyRequest, reply: FastifyReply, req: ForwardStageRequest): Promise<ForwardOutcome> {
  const st = request.fw;
  const deps = request.server.fw;
  const abort = new AbortController();
  reply.raw.once('close', () => { if (!reply.raw.writableFinished) abort.abort(); });

  const t0 = performance.now();
  let res: Dispatcher.ResponseData;
  try {
    res = await forward(deps.upstreams, req.up, { path: req.path, method: 'POST', headers: req.headers, body: req.body, signal: abort.signal });
  } catch (err) {
    if (abort.signal.aborted) {
      st.event = 'request.aborted';
      reply.hijack();
      return { ok: false, aborted: true };
    }
    const fe = upstreamError(err);
    deps.metrics.upstreamErrors.inc({ upstream: req.up.name, kind: (err as { kind?: string }).kind ?? fe.kind });
    return { ok: false, aborted: false, denial: { error: fe.entry, detail: fe.detail } };
  }
  st.upstreamLatencyMs = Math.round((performance.now() - t0) * 1000) / 1000;
  deps.metrics.upstreamLatency.observe({ upstream: req.up.name, route: req.metricRoute }, st.upstreamLatencyMs / 1000);
  return { ok: true, res, abort };
}
