/**
 * An upstream answer other than 2xx, turned into the reply the client gets, by the OpenAI routes'
 * rule: the status is kept and an Anthropic-shaped JSON error passes through (rebuilt from its
 * `type` and `message` only); a body that is not one (an HTML page, a proxy's text, a stack
 * trace) is withheld behind `firewall_upstream_error`. One exception: the upstream refusing the
 * firewall's own key (401/403) is the operator's problem, not the agent's, and becomes 502
 * `firewall_upstream_bad_response` — the agent's key was fine.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { deny } from '../../errors.js';
import { readBounded } from '../upstream-error.js';
import { ANTHROPIC_ERROR_TYPES } from './errors.js';
import { sendAnthropicDenial } from './render.js';

/** Largest upstream error body read; beyond it the body is withheld. */
const MAX_ERROR_BODY = 1 << 20;

/** Reply to the client for a non-2xx upstream response; recorded for the audit event. */
export async function relayAnthropicUpstreamError(request: FastifyRequest, reply: FastifyReply, res: Dispatcher.ResponseData): Promise<FastifyReply> {
  const st = request.fw;
  const status = res.statusCode;
  request.server.fw.metrics.upstreamErrors.inc({ upstream: st.upstream ?? 'unknown', kind: `status_${status}` });
  let buf: Buffer | undefined;
  try {
    buf = await readBounded(res.body, MAX_ERROR_BODY);
  } catch {
    buf = undefined;
  }
  let type: string | undefined;
  let message: string | undefined;
  try {
    const j = buf ? (JSON.parse(buf.toString('utf8')) as { type?: unknown; error?: { type?: unknown; message?: unknown } }) : undefined;
    if (j?.type === 'error' && typeof j.error?.type === 'string' && ANTHROPIC_ERROR_TYPES.has(j.error.type) && typeof j.error.message === 'string') {
      type = j.error.type;
      message = j.error.message;
    }
  } catch { /* not JSON: withheld below */ }
  if (status === 401 || status === 403) {
    return sendAnthropicDenial(request, reply, deny('UPSTREAM_BAD_RESPONSE', `the upstream refused the firewall's credentials (HTTP ${status})`), { decision: 'error' });
  }
  if (type !== undefined && message !== undefined) {
    st.decision = 'error';
    st.code = `upstream_${type}`;
    const retry = res.headers['retry-after'];
    if (typeof retry === 'string') reply.header('retry-after', retry);
    return reply.code(status).type('application/json').send(JSON.stringify({ type: 'error', error: { type, message }, request_id: String(request.id) }));
  }
  return sendAnthropicDenial(request, reply, deny('UPSTREAM_ERROR', String(status)), { decision: 'error', status });
}
