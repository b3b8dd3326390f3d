/**
 * `POST /v1/messages/count_tokens`: the upstream counts, so the text still leaves the firewall —
 * it gets the same authorization and inbound inspection as a call (a blocked prompt cannot be
 * probed through counting). No reservation: counting costs nothing upstream.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deny } from '../../errors.js';
import type { InspectContext } from '../inspect-stage.js';
import { forward, upstreamConfigProblem, upstreamError } from '../upstream-client.js';
import { readBounded } from '../upstream-error.js';
import { inspectedRequestSegments, inspectSegments } from './inspect.js';
import { authorizeMessages } from './preflight.js';
import { sendAnthropicDenial } from './render.js';
import { anthropicUpstreamFor, anthropicUpstreamHeaders } from './upstream.js';
import { relayAnthropicUpstreamError } from './upstream-errors.js';
import { validateCountTokensRequest } from './validate.js';

/** The fastify handler for `POST /v1/messages/count_tokens`. */
export async function handleCountTokens(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  const st = request.fw;
  st.route = 'messages_count_tokens';
  const deps = request.server.fw;
  reply.header('request-id', request.id);
  const v = validateCountTokensRequest(request.body);
  if (!v.ok) return sendAnthropicDenial(request, reply, v.denial);
  const body = v.request;
  st.model = body.model;
  const agent = st.agent!;
  const az = authorizeMessages(agent, body);
  if (!az.ok) return sendAnthropicDenial(request, reply, az.denial);
  const up = anthropicUpstreamFor(st.policy, agent.upstream);
  const problem = up ? upstreamConfigProblem(up, up.name) : 'the policy defines no upstream of kind "anthropic"';
  if (problem || !up) return sendAnthropicDenial(request, reply, deny('UPSTREAM_NOT_CONFIGURED', problem), { decision: 'error' });
  st.upstream = up.name;
  let changed = az.stripped.length > 0;
  if (deps.engine) {
    const ctx: InspectContext = { engine: deps.engine, policy: st.policy, agent, state: st, vault: deps.engine.newVault() };
    const r = inspectSegments(ctx, 'request', inspectedRequestSegments(body, st.policy.doc.detectors.promptInjection.scanSystem));
    if (r.denial) return sendAnthropicDenial(request, reply, r.denial, { decision: 'block' });
    changed ||= r.changed;
  }
  const abort = new AbortController();
  reply.raw.once('close', () => { if (!reply.raw.writableFinished) abort.abort(); });
  try {
    const res = await forward(deps.upstreams, up, {
      path: '/messages/count_tokens', method: 'POST', signal: abort.signal,
      headers: anthropicUpstreamHeaders(up, request.id, request.headers, true),
      body: changed ? JSON.stringify(body) : request.rawBody ?? JSON.stringify(body),
    });
    if (res.statusCode >= 300) return relayAnthropicUpstreamError(request, reply, res);
    const buf = await readBounded(res.body, 1 << 20);
    const json = buf ? (JSON.parse(buf.toString('utf8')) as unknown) : undefined;
    if (typeof json !== 'object' || json === null) throw new SyntaxError('not an object');
    return reply.code(200).type('application/json').send(JSON.stringify(json));
  } catch (err) {
    if (abort.signal.aborted) return reply.hijack();
    if (err instanceof SyntaxError) return sendAnthropicDenial(request, reply, deny('UPSTREAM_BAD_RESPONSE', 'invalid JSON'), { decision: 'error' });
    const fe = upstreamError(err);
    return sendAnthropicDenial(request, reply, { error: fe.entry, detail: fe.detail }, { decision: 'error' });
  }
}
