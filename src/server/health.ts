/**
 * Operations endpoints: `/healthz` (the process answers), `/readyz` (a policy is loaded and the
 * limits store, when there is one, is reachable), `/metrics` (Prometheus text; behind an admin
 * key when the policy sets `admin.protectMetrics`).
 */
import type { FastifyInstance } from 'fastify';
import { deny } from '../errors.js';
import { adminKeyMatches, presentedKey } from '../limits/admin-routes.js';
import { sendDenial } from './render.js';

/** Register the operations routes (probes are open; bind the firewall to a private address). */
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
    const admin = request.fw.policy.doc.admin;
    if (admin?.protectMetrics) {
      const key = presentedKey(request);
      if (!key || !adminKeyMatches(key, admin.keys)) {
        // Refusals are audited (a scraper with a wrong key, or someone probing); successes stay quiet.
        return sendDenial(request, reply, deny('UNAUTHENTICATED', 'GET /metrics needs an admin key (admin.protectMetrics is on): send Authorization: Bearer <admin key>'));
      }
    }
    request.fw.quiet = true;
    const registry = app.fw.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
