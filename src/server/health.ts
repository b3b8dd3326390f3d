/**
 * Operations endpoints: `/healthz` (the process answers), `/readyz` (a policy is loaded and the
 * limits store, when there is one, is reachable), `/metrics` (Prometheus text).
 */
import type { FastifyInstance } from 'fastify';

/** Register the operations routes (no authentication; bind the firewall to a private address). */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', async (request, reply) => {
    request.fw.route = 'healthz';
    request.fw.quiet = true;
    return reply.send({ status: 'ok' });
  });

  app.get('/readyz', async (request, reply) => {
    request.fw.route = 'readyz';
    request.fw.quiet = true;
    const policy = app.fw.policy.current();
    const store = app.fw.ready ? await app.fw.ready().catch((e: Error) => ({ ok: false, detail: e.message })) : { ok: true };
    const ok = Boolean(policy) && store.ok;
    return reply.code(ok ? 200 : 503).send({
      status: ok ? 'ready' : 'not_ready',
      policyRevision: policy?.revision,
      store: store.ok ? 'ok' : 'unavailable',
    });
  });

  app.get('/metrics', async (request, reply) => {
    request.fw.route = 'metrics';
    request.fw.quiet = true;
    const registry = app.fw.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
