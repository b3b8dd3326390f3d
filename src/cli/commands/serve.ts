/**
 * `llm-firewall serve`: load the policy (hot reload on change and SIGHUP), build the detector
 * engine and the limiter from it, listen, and shut down gracefully on SIGTERM/SIGINT (stop
 * accepting, let in-flight requests finish within `server.shutdownGraceMs`, exit 0).
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Engine } from '../../../detectors/engine/api.js';
import { createLogger, metrics } from '../../audit/index.js';
import { PolicyHolder, type CompiledPolicy, type HolderLogger } from '../../policy/index.js';
import { buildApp, type AppDeps } from '../../server/app.js';
import { policyWarnings } from './policy.js';

interface ServeOptions { policy: string; host?: string; port?: string; upstreamUrl?: string; redisUrl?: string }

/** Build the engine for a policy; a failure is fatal at boot and fails the reload (old policy and engine stay). */
async function engineFor(p: CompiledPolicy): Promise<Engine> {
  const { createEngine } = await import('../../../detectors/engine/index.js');
  return createEngine(p.engineOptions);
}

export async function run(opts: ServeOptions): Promise<number | void> {
  let logger: Logger | undefined;
  const engines = new WeakMap<CompiledPolicy, Engine>();
  const logRef: HolderLogger = {
    info: (o, m) => logger?.info(o, m), warn: (o, m) => logger?.warn(o, m), error: (o, m) => logger?.error(o, m),
  };
  let holder: PolicyHolder;
  try {
    // A reload builds the new policy's detector engine before the policy goes into force, so a
    // request never runs one policy with another policy's engine, and a policy whose engine
    // cannot be built (a bad custom rule) is refused as a whole, keeping the last good one.
    holder = await PolicyHolder.open(opts.policy, {
      logger: logRef, upstreamUrl: opts.upstreamUrl,
      prepare: async (next) => { engines.set(next, await engineFor(next)); },
    });
  } catch (err) {
    process.stderr.write(`llm-firewall: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  const policy = holder.current();
  logger = createLogger({ destination: policy.doc.audit.destination, level: policy.doc.audit.level });
  const warn = (p: CompiledPolicy) => { for (const w of policyWarnings(p)) logger!.warn({ event: 'policy.warning', revision: p.revision }, w); };
  warn(policy);

  let engine: Engine | undefined;
  try {
    engine = await engineFor(policy);
  } catch (err) {
    process.stderr.write(`llm-firewall: cannot start: detector engine: ${(err as Error).message}\n`);
    return 1;
  }
  const { createLimiter } = await import('../../limits/index.js');
  const limiter = await createLimiter({
    store: policy.doc.store, redisUrl: opts.redisUrl, pricing: () => holder.current().doc.pricing, logger,
    // One registry for the app and the limiter: `llmfw_store_*` and `llmfw_limits_denied_total`
    // appear on /metrics next to the request metrics.
    metricsRegistry: metrics.registry,
  });
  const startOnly = (p: CompiledPolicy) => JSON.stringify({ server: p.doc.server, audit: { destination: p.doc.audit.destination, level: p.doc.audit.level } });
  const atStart = startOnly(policy);
  holder.on('reload', (p: CompiledPolicy) => {
    warn(p);
    if (startOnly(p) !== atStart) {
      logger!.warn({ event: 'policy.restart_needed', revision: p.revision, fields: ['server', 'audit.destination', 'audit.level'] },
        'server.* and audit settings changed: they apply at start only; restart the firewall to use them (everything else is in force now)');
    }
    engine = engines.get(p) ?? engine;
  });
  holder.watch();

  const deps: AppDeps = {
    policy: holder,
    logger,
    get engine() { return engine; },
    limiter,
    metrics,
    ready: async () => {
      const store = (limiter as { store?: { ping?: () => Promise<unknown> } }).store;
      if (store?.ping) await store.ping();
      return { ok: true };
    },
  };
  const app = await buildApp(deps);
  const host = opts.host ?? policy.doc.server.host;
  const port = opts.port !== undefined ? Number(opts.port) : policy.doc.server.port;
  try {
    await app.listen({ host, port });
  } catch (err) {
    process.stderr.write(`llm-firewall: cannot listen on ${host}:${port}: ${(err as Error).message}\n`);
    await limiter.close();
    return 1;
  }
  const addr = app.server.address() as AddressInfo;
  const scheme = policy.doc.server.tls ? 'https' : 'http';
  const url = `${scheme}://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  process.stderr.write(`llm-firewall listening on ${url} (OpenAI base URL ${url}/v1) — policy ${opts.policy} revision ${policy.revision}\n`);
  logger.info({ event: 'server.started', url, policyRevision: policy.revision, store: limiter.storeKind }, 'listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const grace = holder.current().doc.server.shutdownGraceMs;
    logger!.info({ event: 'server.stopping', signal, graceMs: grace }, 'shutting down');
    holder.close();
    // In-flight requests get `grace` ms; then remaining connections are cut.
    const force = setTimeout(() => { app.server.closeAllConnections?.(); }, grace);
    force.unref();
    try { await app.close(); } catch { /* closing anyway */ }
    clearTimeout(force);
    await limiter.close().catch(() => undefined);
    logger!.info({ event: 'server.stopped' }, 'stopped');
    logger!.flush?.();
    setTimeout(() => process.exit(0), 50).unref();
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
