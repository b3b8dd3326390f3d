/**
 * Relaying an upstream HTTP error (4xx/5xx): the status is kept; an OpenAI-shaped JSON error body
 * passes through as received; anything else (an HTML error page, a proxy's text, a stack trace)
 * is withheld and replaced by a generic OpenAI-shaped error, so upstream internals never reach
 * the client.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { deny } from '../errors.js';
import { openAiErrorBody, recordDenial } from '../server/render.js';

/** Largest upstream error body read; beyond it the body is withheld as not an error in the API's shape. */
const MAX_ERROR_BODY = 1 << 20;

/** Read at most `limit` bytes of a body; undefined when it is larger. */
export async function readBounded(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) { body.destroy(); return undefined; }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

function openAiErrorCode(buf: Buffer | undefined): string | undefined | false {
  if (!buf) return false;
  try {
    const j = JSON.parse(buf.toString('utf8')) as { error?: { message?: unknown; code?: unknown } };
    if (typeof j?.error === 'object' && j.error !== null && typeof j.error.message === 'string') {
      return typeof j.error.code === 'string' ? j.error.code : undefined;
    }
  } catch { /* not JSON */ }
  return false;
}

/** Send the upstream's error to the client (kept status; body passed through or withheld). */
export async function relayUpstreamError(request: FastifyRequest, reply: FastifyReply, res: Dispatcher.ResponseData): Promise<FastifyReply> {
  const st = request.fw;
  const status = res.statusCode;
  let buf: Buffer | undefined;
  try { buf = await readBounded(res.body, MAX_ERROR_BODY); } catch { buf = undefined; }
  const code = openAiErrorCode(buf);
  request.server.fw.metrics.upstreamErrors.inc({ upstream: st.upstream ?? 'unknown', kind: `status_${status}` });
  st.decision = 'error';
  if (code !== false && buf) {
    st.code = code ?? `upstream_http_${status}`;
    return reply.code(status).type('application/json').send(buf);
  }
  const d = deny('UPSTREAM_ERROR', String(status));
  recordDenial(request, d, 'error');
  return reply.code(status).type('application/json').send(openAiErrorBody(d));
}
