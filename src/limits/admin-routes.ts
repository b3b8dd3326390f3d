/**
 * `GET /admin/usage`: current usage per agent and team, from the limiter's store. Guarded by its
 * own keys (`admin.keys` in the policy, `sha256:` hashes): the presented key (`Authorization:
 * Bearer …` or `x-admin-key`) is hashed and compared with every configured hash in constant time,
 * without an early exit. Agent keys never open it. No `admin.keys` → every request is refused.
 * `buildApp` registers it when its limiter is `createLimiter`'s (with the failed-attempt throttle);
 * standalone: `app.register(limitsAdminRoutes, { limiter, policy })`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { denialMessage, deny, type Denial } from '../errors.js';
import { auditEvent } from '../audit/index.js';
import type { AdminConfig } from '../policy/types.js';
import type { FirewallLimiter } from './index.js';
import type { AddressLimiter } from './address-limiter.js';
import { scopesFromPolicy, type PolicyForUsage } from './policy-scopes.js';

/** Options of {@link limitsAdminRoutes}. */
export interface LimitsAdminOptions {
  limiter: FirewallLimiter;
  /** The current compiled policy (a getter, so hot reloads apply). */
  policy: () => PolicyForUsage & { readonly doc: { admin?: AdminConfig }; readonly revision?: string };
  /** Failed admin authentications count against the client address here (optional). */
  throttle?: AddressLimiter;
}

/** The admin key a request presents (`Authorization: Bearer …` or `x-admin-key`). */
export function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const k = req.headers['x-admin-key'];
  return typeof k === 'string' ? k : undefined;
}

/** Constant-time check of `key` against every `sha256:<hex>` hash (no early exit). */
export function adminKeyMatches(key: string, hashes: readonly string[]): boolean {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  let ok = false;
  for (const h of hashes) {
    const want = Buffer.from(h.slice('sha256:'.length), 'hex');
    if (want.length === digest.length && timingSafeEqual(want, digest)) ok = true;
  }
  return ok;
}

function send(reply: FastifyReply, d: Denial): FastifyReply {
  if (d.retryAfter !== undefined) reply.header('retry-after', String(d.retryAfter));
  return reply.code(d.error.status).send({ error: { message: denialMessage(d), type: d.error.type, code: d.error.code } });
}

/** Fastify plugin with `GET /admin/usage[?agent=NAME]`. */
export const limitsAdminRoutes: FastifyPluginAsync<LimitsAdminOptions> = async (app, opts) => {
  app.get('/admin/usage', async (req, reply) => {
    const started = performance.now();
    const policy = opts.policy();
    const audit = (status: number, code?: string) => {
      const decision = status === 200 ? 'allow' : status >= 500 ? 'error' : 'deny';
      // Inside buildApp the app's own hook writes one audit event per request from `request.fw`:
      // fill it in rather than writing a second event. Standalone, write the event here.
      const st = (req as unknown as { fw?: { route: string; decision: string; code?: string } | null }).fw;
      if (st) {
        st.route = 'admin_usage';
        st.decision = decision;
        st.code = code;
        return;
      }
      auditEvent(req.log as unknown as Logger, {
        event: status === 200 ? 'admin.usage.read' : 'admin.usage.denied', requestId: String(req.id), route: 'admin_usage',
        method: 'GET', decision, code, status, latencyMs: performance.now() - started, policyRevision: policy.revision, remoteAddress: req.ip,
      });
    };
    const verdict = opts.throttle ? await opts.throttle.check(req.ip) : undefined;
    if (verdict && !verdict.ok) {
      audit(429, 'firewall_auth_throttled');
      return send(reply, deny('AUTH_THROTTLED', undefined, { retryAfter: verdict.retryAfter }));
    }
    const key = presentedKey(req);
    if (!key || !adminKeyMatches(key, policy.doc.admin?.keys ?? [])) {
      await opts.throttle?.fail(req.ip);
      audit(401, 'firewall_unauthenticated');
      return send(reply, deny('UNAUTHENTICATED', 'The admin endpoint needs an admin key (admin.keys in the policy).'));
    }
    const q = req.query as Record<string, unknown>;
    const agent = typeof q.agent === 'string' ? q.agent : undefined;
    if (agent !== undefined && !policy.agents.has(agent)) {
      audit(404, 'firewall_not_found');
      return send(reply, deny('NOT_FOUND', `/admin/usage?agent=${encodeURIComponent(agent).slice(0, 64)} (no such agent)`));
    }
    try {
      const rows = await opts.limiter.usage(scopesFromPolicy(policy, agent));
      audit(200);
      return reply.send({ store: opts.limiter.storeKind, at: new Date().toISOString(), usage: rows });
    } catch {
      audit(503, 'firewall_store_unavailable');
      return send(reply, deny('STORE_UNAVAILABLE', undefined, { retryAfter: 1 }));
    }
  });
};
