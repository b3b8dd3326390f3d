/**
 * Rendering of denials and errors on the OpenAI-shaped surface:
 * `{"error":{"message","type","code","param":null}}` with the catalogue's status, plus
 * `Retry-After` when the denial has one. Internal messages, stacks and upstream bodies never
 * reach the client; the request id is in the `x-request-id` header of every response.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { denialMessage, type Denial } from '../errors.js';

/** The OpenAI error body for a denial. */
export function openAiErrorBody(d: Denial): string {
  return JSON.stringify({ error: { message: denialMessage(d), type: d.error.type, code: d.error.code, param: null } });
}

/** Record the denial on the request (for the audit event) without sending anything. */
export function recordDenial(request: FastifyRequest, d: Denial, decision: 'deny' | 'block' | 'error' = 'deny'): void {
  const st = request.fw;
  if (!st) return;
  st.decision = d.error.status >= 500 && decision === 'deny' ? 'error' : decision;
  st.code = d.error.code;
  if (d.rules) st.rules.push(...d.rules);
}

/** Send a denial as an OpenAI-shaped error and record it for the audit event. */
export function sendDenial(request: FastifyRequest, reply: FastifyReply, d: Denial, opts: { status?: number; headers?: Record<string, string>; decision?: 'deny' | 'block' | 'error' } = {}): FastifyReply {
  recordDenial(request, d, opts.decision);
  if (d.retryAfter !== undefined) reply.header('retry-after', String(d.retryAfter));
  if (opts.headers) reply.headers(opts.headers);
  return reply.code(opts.status ?? d.error.status).type('application/json').send(openAiErrorBody(d));
}
