/**
 * `GET /v1/models` in Anthropic's shape (`{data:[{type:"model",id,display_name,created_at}],
 * has_more, first_id, last_id}`), filtered to the models the agent may use. The list comes from
 * the Anthropic upstream (pagination parameters pass through); when that fails, from the agent's
 * glob-free model names, as the OpenAI `GET /v1/models` falls back.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forward, upstreamConfigProblem } from '../upstream-client.js';
import { readBounded } from '../upstream-error.js';
import { anthropicUpstreamFor, anthropicUpstreamHeaders } from './upstream.js';

type ModelEntry = { type: 'model'; id: string; display_name: string; created_at: string; [k: string]: unknown };

/** Query parameters Anthropic's list endpoint takes; others are dropped. */
const QUERY_KEYS = ['limit', 'after_id', 'before_id'];

/** The fastify handler for Anthropic-shaped `GET /v1/models`. */
export async function listAnthropicModels(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const st = request.fw;
  st.route = 'models';
  const agent = st.agent!;
  reply.header('request-id', request.id);
  const up = anthropicUpstreamFor(st.policy, agent.upstream);
  let data: ModelEntry[] | undefined;
  let hasMore = false;
  if (up && !upstreamConfigProblem(up, up.name)) {
    st.upstream = up.name;
    const q = new URLSearchParams();
    const query = (request.query ?? {}) as Record<string, unknown>;
    for (const k of QUERY_KEYS) if (typeof query[k] === 'string') q.set(k, query[k] as string);
    const abort = new AbortController();
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) abort.abort(); });
    try {
      const res = await forward(request.server.fw.upstreams, up, {
        path: `/models${q.size > 0 ? `?${q.toString()}` : ''}`, method: 'GET', signal: abort.signal,
        headers: anthropicUpstreamHeaders(up, request.id, request.headers, false),
      });
      const buf = await readBounded(res.body, 8 << 20);
      if (res.statusCode === 200 && buf) {
        const j = JSON.parse(buf.toString('utf8')) as { data?: unknown; has_more?: unknown };
        if (Array.isArray(j.data)) {
          data = j.data.filter((m): m is ModelEntry => typeof (m as ModelEntry)?.id === 'string');
          hasMore = j.has_more === true;
        }
      }
    } catch {
      if (abort.signal.aborted) return reply.hijack();
      data = undefined;
    }
  }
  if (data === undefined) {
    st.rules.push('models.policy-fallback');
    data = agent.doc.models.filter((g) => !g.includes('*') && !g.includes('?') && !g.includes('{') && !g.includes('['))
      .map((id) => ({ type: 'model' as const, id, display_name: id, created_at: new Date(0).toISOString() }));
  }
  const allowed = data.filter((m) => agent.modelAllowed(m.id));
  return reply.type('application/json').send({ data: allowed, has_more: hasMore, first_id: allowed[0]?.id ?? null, last_id: allowed.at(-1)?.id ?? null });
}
