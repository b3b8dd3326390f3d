/**
 * Writes the one audit event per request when the response is over (finished or aborted).
 * It listens on the raw response's `close`, which fires for normal, hijacked (SSE) and aborted
 * responses alike.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditEvent } from '../audit/index.js';

/** Attach the audit writer to this request's response. */
export function auditOnClose(request: FastifyRequest, reply: FastifyReply): void {
  reply.raw.once('close', () => {
    const st = request.fw;
    if (!st || st.quiet) return;
    const status = reply.raw.statusCode;
    const aborted = !reply.raw.writableFinished;
    const event = st.event
      ?? (aborted ? 'request.aborted'
        : st.decision === 'deny' || st.decision === 'block' ? 'request.denied'
          : st.decision === 'error' ? 'request.failed' : 'request.completed');
    const deps = request.server.fw;
    auditEvent(deps.logger, {
      event,
      requestId: request.id,
      agent: st.agent?.name,
      authMethod: st.authMethod,
      keyId: st.keyId,
      route: st.route,
      method: request.method,
      model: st.model,
      decision: st.decision,
      rules: st.rules.length ? [...new Set(st.rules)] : undefined,
      code: st.code,
      status,
      latencyMs: Math.round((performance.now() - st.startedAt) * 1000) / 1000,
      upstreamLatencyMs: st.upstreamLatencyMs,
      upstream: st.upstream,
      stream: st.stream,
      policyRevision: st.policy.revision,
      remoteAddress: request.ip,
      findings: st.findings.length ? st.findings : undefined,
      usage: st.usage,
    }, deps.metrics);
  });
}
