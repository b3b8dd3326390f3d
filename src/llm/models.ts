/**
 * `GET /v1/models`: the upstream's model list filtered to what the agent may use. When the
 * upstream list is unavailable, the agent's literal (glob-free) model names are listed instead,
 * so clients that probe models still work offline.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forward, upstreamConfigProblem, upstreamHeaders } from './upstream-client.js';
import { readBounded } from './upstream-error.js';

type ModelEntry = { id: string; object: 'model'; created: number; owned_by: string };

/** Handler for GET /v1/models. */
export async function listModels(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const st = request.fw;
  st.route = 'models';
  const agent = st.agent!;
  const up = agent.upstream ? st.policy.upstreams.get(agent.upstream) : undefined;
  let data: ModelEntry[] | undefined;
  if (up && !upstreamConfigProblem(up, agent.upstream)) {
    st.upstream = up.name;
    const abort = new AbortController();
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) abort.abort(); });
    try {
      const res = await forward(request.server.fw.upstreams, up, {
        path: '/models', method: 'GET', headers: upstreamHeaders(up, request.id, request.headers, false), signal: abort.signal,
      });
      const buf = await readBounded(res.body, 8 << 20);
      if (res.statusCode === 200 && buf) {
        const j = JSON.parse(buf.toString('utf8')) as { data?: unknown };
        if (Array.isArray(j.data)) data = j.data.filter((m): m is ModelEntry => typeof (m as ModelEntry)?.id === 'string');
      }
    } catch {
      if (abort.signal.aborted) return reply.hijack();
      data = undefined; // fall back to the policy's names below
    }
  }
  if (data === undefined) {
    st.rules.push('models.policy-fallback');
    data = agent.doc.models.filter((g) => !g.includes('*') && !g.includes('?') && !g.includes('{'))
      .map((id) => ({ id, object: 'model', created: 0, owned_by: 'llm-firewall-policy' }));
  }
  const allowed = data.filter((m) => agent.modelAllowed(m.id));
  return reply.type('application/json').send({ object: 'list', data: allowed });
}
