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

/**
 * Read at most `limit` bytes of a body; undefined when it is larger. Event listeners rather than
 * `for await`: the async iterator costs an end-of-stream watcher and a promise per chunk on
 * every proxied response. Failures are the same: the stream's error, or a premature close.
 */
export function readBounded(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer | undefined> {
  // A body that already ended or failed has no events left to wait for: let the iterator report it.
  if (body.destroyed || body.readableEnded) return readBoundedIterating(body, limit);
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) { cleanup(); body.destroy(); resolve(undefined); return; }
      parts.push(chunk);
    };
    const onEnd = () => { cleanup(); resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts)); };
    const onError = (err: Error) => { cleanup(); reject(err); };
    const onClose = () => {
      cleanup();
      reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

async function readBoundedIterating(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer | undefined> {
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
