/**
 * `POST /v1/messages`: the pipeline for one call, in the OpenAI routes' stage order —
 * shape → authorize (model, tools) → upstream check → limits admission (started) → inspect
 * (request, canary) → limits (awaited) → forward → relay (JSON here, SSE in `relay.ts`) with the
 * response-side stages. Authentication ran in the plugin's onRequest hook; this file only
 * sequences the stages and turns their outcomes into Anthropic-shaped responses. The body is
 * re-serialised only when a stage changed it; otherwise the exact client bytes go upstream.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deny } from '../../errors.js';
import { TOOL_RULE } from '../authorize.js';
import type { InspectContext } from '../inspect-stage.js';
import { forwardStage } from '../forward-stage.js';
import { inspectDuringAdmission } from '../limits-stage.js';
import { upstreamConfigProblem, upstreamError } from '../upstream-client.js';
import { readBounded } from '../upstream-error.js';
import { MAX_INSPECTED_BODY } from '../respond-json.js';
import { calledToolNames } from './extract.js';
import { inspectMessagesRequest, inspectMessagesResponse } from './inspect.js';
import { admitMessages } from './limits.js';
import { authorizeMessages, checkCalledTool } from './preflight.js';
import { relayMessagesStream } from './relay.js';
import { sendAnthropicDenial } from './render.js';
import { anthropicUpstreamFor, anthropicUpstreamHeaders } from './upstream.js';
import { relayAnthropicUpstreamError } from './upstream-errors.js';
import { usageFromMessage } from './usage.js';
import { validateMessagesRequest } from './validate.js';

/** The fastify handler for `POST /v1/messages`. */
export async function handleMessages(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  const st = request.fw;
  st.route = 'messages';
  const deps = request.server.fw;
  reply.header('request-id', request.id);

  const v = validateMessagesRequest(request.body);
  if (!v.ok) return sendAnthropicDenial(request, reply, v.denial);
  const body = v.request;
  st.model = body.model;
  st.stream = body.stream === true;
  const agent = st.agent!;

  let changed = false;
  const az = authorizeMessages(agent, body);
  if (!az.ok) return sendAnthropicDenial(request, reply, az.denial, { decision: az.denial.error.code === 'firewall_tool_not_allowed' ? 'block' : 'deny' });
  if (az.stripped.length > 0) {
    changed = true;
    st.rules.push(TOOL_RULE);
    st.decision = 'flag';
  }

  const up = anthropicUpstreamFor(st.policy, agent.upstream);
  const problem = up ? upstreamConfigProblem(up, up.name) : 'the policy defines no upstream of kind "anthropic" (needed for /v1/messages)';
  if (problem || !up) return sendAnthropicDenial(request, reply, deny('UPSTREAM_NOT_CONFIGURED', problem), { decision: 'error' });
  st.upstream = up.name;

  // Admission starts before inspection, as on the OpenAI routes, so a Redis round trip overlaps
  // the detectors' scan; counted on the body as authorized (settlement corrects for redactions).
  const admission = admitMessages(request, deps.limiter, body);

  let inspect: InspectContext | undefined;
  if (deps.engine) {
    const ctx: InspectContext = { engine: deps.engine, policy: st.policy, agent, state: st, vault: deps.engine.newVault() };
    inspect = ctx;
    const r = inspectDuringAdmission(admission, () => inspectMessagesRequest(ctx, body));
    if (r.denial) return sendAnthropicDenial(request, reply, r.denial, { decision: 'block' });
    changed ||= r.changed;
  }

  const limits = await admission;
  if (!limits.ok) return sendAnthropicDenial(request, reply, limits.denial, { headers: limits.headers });
  const ticket = limits.ticket;

  const fwd = await forwardStage(request, reply, {
    up, path: '/messages', metricRoute: 'messages',
    headers: anthropicUpstreamHeaders(up, request.id, request.headers, true),
    body: changed ? JSON.stringify(body) : request.rawBody ?? JSON.stringify(body),
  });
  if (!fwd.ok) {
    ticket?.release();
    return fwd.aborted ? reply : sendAnthropicDenial(request, reply, fwd.denial, { decision: 'error' });
  }
  const { res, abort } = fwd;
  reply.headers(limits.headers);

  if (res.statusCode >= 300) {
    ticket?.release();
    return relayAnthropicUpstreamError(request, reply, res);
  }
  const ct = res.headers['content-type'];
  if (typeof ct === 'string' && ct.startsWith('text/event-stream')) {
    return relayMessagesStream(request, reply, { res, abort, ticket, inspect, promptTokens: limits.promptTokens, maxOutputTokens: body.max_tokens, headers: limits.headers });
  }

  // Non-streamed: read whole (bounded), settle, check called tools, inspect, send.
  let buf: Buffer | undefined;
  try {
    buf = await readBounded(res.body, MAX_INSPECTED_BODY);
  } catch (err) {
    ticket?.release();
    if (request.raw.destroyed) return reply.hijack();
    const fe = upstreamError(err);
    deps.metrics.upstreamErrors.inc({ upstream: up.name, kind: fe.kind });
    return sendAnthropicDenial(request, reply, { error: fe.entry, detail: fe.detail }, { decision: 'error' });
  }
  let json: Record<string, unknown>;
  try {
    if (!buf) throw new Error('too large');
    json = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
  } catch {
    ticket?.settle(undefined);
    // Fail closed: a body the stages cannot read is not relayed unread.
    return sendAnthropicDenial(request, reply, deny('UPSTREAM_BAD_RESPONSE', buf ? 'invalid JSON' : 'body too large'), { decision: 'error' });
  }
  // The call happened and cost what it cost, whatever the firewall does with the answer.
  ticket?.settle(usageFromMessage(json));
  for (const name of calledToolNames(json)) {
    const d = checkCalledTool(agent, name);
    if (d) return sendAnthropicDenial(request, reply, d, { decision: 'block' });
  }
  if (inspect) {
    const out = inspectMessagesResponse(inspect, json);
    if (out.denial) return sendAnthropicDenial(request, reply, out.denial, { decision: 'block' });
    if (out.changed) return reply.code(res.statusCode).type('application/json').send(JSON.stringify(json));
  }
  return reply.code(res.statusCode).type('application/json').header('content-length', String(buf.length)).send(buf);
}
