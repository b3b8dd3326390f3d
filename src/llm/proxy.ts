/**
 * The LLM request pipeline for the OpenAI-compatible routes, in stage order:
 * shape → authorize (model, tools) → upstream check → inspect (request) → limits → forward →
 * relay (JSON or SSE, with the response-side stages). Each stage lives in its own file; this one
 * only sequences them and turns their outcomes into responses. The body is re-serialised only
 * when a stage changed it; otherwise the exact client bytes go upstream.
 *
 * The limits admission is started before inspection and awaited after it, so a shared store's
 * round trip (Redis) runs while the detectors scan instead of after them. Outcomes keep the
 * stage order: a request inspection refuses gets that refusal (what it reserved is released), a
 * request the limits refuse never reaches the upstream.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deny } from '../errors.js';
import { sendDenial } from '../server/render.js';
import { authorizeModel, authorizeRequestTools, TOOL_RULE } from './authorize.js';
import { detectorsFor, inspectionApplies, inspectRequest, type InspectContext } from './inspect-stage.js';
import { admitLimits, inspectDuringAdmission, requestStreamUsage } from './limits-stage.js';
import { checkRequestShape } from './request-shape.js';
import { relayJson } from './respond-json.js';
import { relayStream } from './respond-stream.js';
import { ROUTE_PATHS, type LlmRoute } from './routes-meta.js';
import { forwardStage } from './forward-stage.js';
import { upstreamConfigProblem, upstreamHeaders } from './upstream-client.js';
import { relayUpstreamError } from './upstream-error.js';

type Obj = Record<string, any>;

/** The fastify handler for one OpenAI-compatible POST route. */
export function llmHandler(route: LlmRoute) {
  return async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const st = request.fw;
    st.route = route;
    const deps = request.server.fw;

    const shapeDenial = checkRequestShape(route, request.body);
    if (shapeDenial) return sendDenial(request, reply, shapeDenial);
    const body = request.body as Obj;
    st.model = body.model;
    st.stream = body.stream === true;
    const agent = st.agent!;

    const modelDenial = authorizeModel(agent, body.model);
    if (modelDenial) return sendDenial(request, reply, modelDenial);
    let changed = false;
    const tools = authorizeRequestTools(route, agent, body);
    if (!tools.ok) return sendDenial(request, reply, tools.denial);
    if (tools.stripped.length > 0) {
      changed = true;
      st.rules.push(TOOL_RULE);
      st.decision = 'flag';
    }

    const up = agent.upstream ? st.policy.upstreams.get(agent.upstream) : undefined;
    const problem = upstreamConfigProblem(up, agent.upstream);
    if (problem || !up) return sendDenial(request, reply, deny('UPSTREAM_NOT_CONFIGURED', problem), { decision: 'error' });
    st.upstream = up.name;

    // Counted now, on the body as authorized (tools stripped); inspection may still redact a few
    // spans or plant a canary, which settlement to the upstream's usage corrects.
    const admission = admitLimits(request, deps.limiter, route, body, body.model);

    let inspect: InspectContext | undefined;
    if (deps.engine && inspectionApplies(deps.engine, st.policy, agent)) {
      const ctx: InspectContext = { engine: deps.engine, policy: st.policy, agent, state: st, vault: deps.engine.newVault() };
      inspect = ctx;
      const r = inspectDuringAdmission(admission, () => inspectRequest(ctx, route, body));
      if (r.denial) return sendDenial(request, reply, r.denial, { decision: 'block' });
      changed ||= r.changed;
      // Response-side work exists only with a response detector, a planted canary, or vault
      // values to restore; otherwise the answer streams through unparsed.
      const respond = detectorsFor(deps.engine, agent, 'response').length > 0 || inspect.canary !== undefined
        || (st.policy.doc.defaults.redaction.reversible && inspect.vault.size > 0);
      if (!respond) inspect = undefined;
    }

    let hideUsage = false;
    if (st.stream && deps.limiter) {
      const u = requestStreamUsage(route, body);
      hideUsage = !u.clientAsked;
      changed ||= u.changed;
    }

    const limits = await admission;
    if (!limits.ok) return sendDenial(request, reply, limits.denial, { headers: limits.headers });
    const ticket = limits.ticket;

    const fwd = await forwardStage(request, reply, {
      up, path: ROUTE_PATHS[route], metricRoute: route,
      headers: upstreamHeaders(up, request.id, request.headers, true),
      body: changed ? JSON.stringify(body) : request.rawBody,
    });
    if (!fwd.ok) {
      ticket?.release();
      return fwd.aborted ? reply : sendDenial(request, reply, fwd.denial, { decision: 'error' });
    }
    const { res, abort } = fwd;
    reply.headers(limits.headers);

    if (res.statusCode >= 400) {
      ticket?.release();
      return relayUpstreamError(request, reply, res);
    }
    const ct = res.headers['content-type'];
    if (typeof ct === 'string' && ct.startsWith('text/event-stream')) {
      return relayStream(request, reply, { route, res, abort, ticket, inspect, hideUsage, headers: limits.headers });
    }
    return relayJson(request, reply, { route, res, ticket, inspect });
  };
}
