/**
 * Sending a denial on the Messages routes: Anthropic's error shape with the catalogue status and
 * the firewall code, recorded on the request state for the one audit event the app writes when the
 * response closes (`src/server/audit-hook.ts`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Denial } from '../../errors.js';
import { recordDenial } from '../../server/render.js';
import { anthropicErrorBody, anthropicErrorHeaders } from './errors.js';

/** Send `d` as an Anthropic error and record it (decision `deny` unless told otherwise). */
export function sendAnthropicDenial(
  request: FastifyRequest, reply: FastifyReply, d: Denial,
  opts: { headers?: Record<string, string>; decision?: 'deny' | 'block' | 'error'; status?: number } = {},
): FastifyReply {
  recordDenial(request, d, opts.decision);
  if (opts.headers) reply.headers(opts.headers);
  reply.headers(anthropicErrorHeaders(d));
  return reply.code(opts.status ?? d.error.status).type('application/json').send(JSON.stringify(anthropicErrorBody(d, String(request.id))));
}
