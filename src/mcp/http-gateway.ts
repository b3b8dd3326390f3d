/**
 * The MCP HTTP gateway: a fastify plugin serving `/mcp/:server` as a Streamable HTTP endpoint
 * (MCP spec 2025-06-18, transports §Streamable HTTP) for every `mcpServers` entry. Per request:
 * Host/Origin allowlist → agent authentication (the same keys/JWT as the LLM path) → session
 * (bound to the agent that created it) → the SDK's StreamableHTTPServerTransport → the guard →
 * the upstream (a spawned stdio server per session, or a remote Streamable HTTP / SSE server).
 *
 * Register it encapsulated (plain `app.register`, not fastify-plugin): it installs its own JSON
 * parser (the body is checked by the SDK and the guard, with `mcp.maxMessageBytes` as its limit)
 * and renders its errors as JSON-RPC.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Engine } from '../../detectors/engine/api.js';
import { createAuthenticator, type Authenticator } from '../auth/index.js';
import { deny, type Denial } from '../errors.js';
import type { Limiter } from '../limits/types.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { McpAuditSink } from './audit.js';
import type { McpGuard } from './guard.js';
import { hostRefusal } from './host-check.js';
import { denialToRpc, faultToRpc } from './jsonrpc.js';
import { openPinStore, type PinStore } from './pins.js';
import { createGuard } from './session.js';
import { openUpstream, type Upstream } from './upstream.js';

/** Options of `mcpGateway`. Inside `buildApp` every field may be omitted: they default to the shared deps (`app.fw`). */
export interface McpGatewayOptions {
  /** The policy source: a `PolicyHolder` (hot reload: new sessions use the new policy) or a fixed policy. */
  policy?: { current(): CompiledPolicy } | CompiledPolicy;
  /** The detection engine; without it content checks are off (tool poisoning, secrets, injection). */
  engine?: Engine;
  /** Enables per-tool `callsPerMinute`. */
  limiter?: Pick<Limiter, 'admitToolCall'>;
  /** Share the LLM path's authenticator (one failed-attempt throttle); a new one otherwise. */
  authenticator?: Authenticator;
  /** Pin store; default Redis when `REDIS_URL`/`store.redisUrl` is set, else `mcp.pinFile` (relative to the policy file). */
  pins?: PinStore;
  /** Audit sink; default: `app.log.info({ audit: true, ...event })`. */
  audit?: McpAuditSink;
  /** Concurrent sessions per server (each may be a process). Default 32. */
  maxSessionsPerServer?: number;
  /** Close sessions idle this long, ms. Default 30 minutes. */
  sessionIdleMs?: number;
  /** Route prefix. Default `/mcp`. */
  prefix?: string;
}

interface Session {
  id: string;
  server: string;
  agent: string;
  transport: StreamableHTTPServerTransport;
  upstream?: Upstream;
  guard: McpGuard;
  lastUsed: number;
  close(): Promise<void>;
}

function currentPolicy(p: NonNullable<McpGatewayOptions['policy']>): CompiledPolicy {
  return 'current' in p && typeof p.current === 'function' ? p.current() : (p as CompiledPolicy);
}

/** The shared deps `buildApp` decorates the root instance with (read structurally: src/mcp does not import src/server). */
interface SharedDepsLike {
  policy?: { current(): CompiledPolicy };
  engine?: Engine;
  limiter?: Pick<Limiter, 'admitToolCall'>;
  authenticator?: Authenticator;
  logger?: { info(obj: object, msg?: string): void };
}

/** The per-request audit state `buildApp` attaches (`request.fw`), when present. */
interface RequestStateLike { route: string; agent?: unknown; authMethod?: string; keyId?: string; decision: string; code?: string; rules: string[] }

function noteDenial(req: FastifyRequest, denial: Denial): void {
  const st = (req as unknown as { fw?: RequestStateLike }).fw;
  if (!st) return;
  st.decision = denial.error.status >= 500 ? 'error' : 'deny';
  st.code = denial.error.code;
  if (denial.rules) st.rules.push(...denial.rules);
}

function sendDenial(reply: FastifyReply, denial: Denial, id: string | number | null = null): FastifyReply {
  noteDenial(reply.request, denial);
  const requestId = String(reply.request.id ?? randomUUID());
  if (denial.retryAfter) reply.header('retry-after', String(denial.retryAfter));
  return reply.code(denial.error.status).header('content-type', 'application/json').send(denialToRpc(id, denial, requestId));
}

/** The fastify plugin. Register with `app.register(mcpGateway, options)`. */
export async function mcpGateway(app: FastifyInstance, opts: McpGatewayOptions): Promise<void> {
  const sessions = new Map<string, Session>();
  const shared = (app as unknown as { fw?: SharedDepsLike }).fw;
  const policySource = opts.policy ?? shared?.policy;
  if (!policySource) throw new Error('mcpGateway: no policy (pass options.policy, or register it inside buildApp)');
  const policyNow = () => currentPolicy(policySource);
  // Read per session, not once: `serve` may swap the engine when a reload changes detector settings.
  const engineNow = () => opts.engine ?? shared?.engine;
  const limiter = opts.limiter ?? shared?.limiter;
  const authenticator = opts.authenticator ?? shared?.authenticator ?? createAuthenticator();
  const maxSessions = opts.maxSessionsPerServer ?? 32;
  const idleMs = opts.sessionIdleMs ?? 30 * 60_000;
  const prefix = opts.prefix ?? '/mcp';
  const logger = shared?.logger ?? app.log;
  const audit: McpAuditSink = opts.audit ?? ((e) => logger.info({ audit: true, ...e }, e.event));
  const pinStores = new Map<string, Promise<PinStore>>();
  const pinsFor = (policy: CompiledPolicy): Promise<PinStore> => {
    if (opts.pins) return Promise.resolve(opts.pins);
    const f = policy.doc.mcp.pinFile;
    const file = f === ':memory:' || path.isAbsolute(f) ? f : path.resolve(path.dirname(policy.source), f);
    const url = process.env.REDIS_URL || policy.doc.store?.redisUrl;
    const key = `${url ?? ''}\u0000${file}`;
    let s = pinStores.get(key);
    if (!s) { s = openPinStore(file, { url, keyPrefix: policy.doc.store?.keyPrefix }); pinStores.set(key, s); }
    return s;
  };

  // Own the body: raw text, limited to mcp.maxMessageBytes, parsed here so a bad body becomes a
  // JSON-RPC parse error rather than fastify's generic 400.
  if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err.statusCode === 413) return sendDenial(reply, deny('MCP_MESSAGE_TOO_LARGE', String(policyNow().doc.mcp.maxMessageBytes)));
    if (err.statusCode === 415) return sendDenial(reply, deny('UNSUPPORTED_MEDIA_TYPE'));
    app.log.error({ err }, 'mcp gateway error');
    return sendDenial(reply, deny('INTERNAL'));
  });

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const s of sessions.values()) if (now - s.lastUsed > idleMs) void s.close();
  }, Math.min(idleMs, 60_000));
  sweep.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await Promise.all([...sessions.values()].map((s) => s.close()));
    for (const p of pinStores.values()) await (await p).close?.();
  });

  async function openSession(policy: CompiledPolicy, server: string, agent: string): Promise<Session | Denial> {
    const cfg = policy.doc.mcpServers[server]!;
    let upstream: Upstream | undefined;
    let session: Session | undefined;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => { if (session) { session.id = id; sessions.set(id, session); } },
    });
    const pins = await pinsFor(policy);
    const guard = createGuard(policy, agent, server, { engine: engineNow(), pins, limiter, audit }, {
      toClient: (m: JSONRPCMessage) => {
        // Server-initiated messages ride on the stream of the call they belong to when one is
        // open (sampling during tools/call); otherwise on the session's GET stream.
        const related = 'id' in m && !('method' in m) ? undefined : guard?.pendingIds().at(-1);
        transport.send(m, related !== undefined ? { relatedRequestId: related } : undefined).catch((e: Error) => app.log.warn({ err: e }, 'mcp gateway: send to client failed'));
      },
      toServer: (m: JSONRPCMessage) => upstream?.send(m),
      onInitialized: (r) => { if (typeof r.protocolVersion === 'string') upstream?.setProtocolVersion(r.protocolVersion); },
    }, 'command' in cfg)!;
    try {
      upstream = await openUpstream(cfg, policy.doc.mcp.maxMessageBytes, {
        message: (m) => { void guard.fromServer(m); },
        fault: (detail, id) => {
          audit({ event: 'mcp.server.fault', agent, server, decision: 'error', detail });
          const ids = guard.pendingIds();
          const target = id !== null && ids.includes(id) ? id : ids.length === 1 ? ids[0] : undefined;
          if (target !== undefined) guard.failPending(target, 'UPSTREAM_BAD_RESPONSE', 'the MCP server sent a message the firewall could not read');
        },
        closed: (reason) => {
          guard.serverGone(reason);
          audit({ event: 'mcp.server.fault', agent, server, decision: 'error', detail: reason });
          void session?.close();
        },
      });
    } catch (e) {
      guard.close();
      audit({ event: 'mcp.server.fault', agent, server, decision: 'error', detail: `could not reach upstream: ${(e as Error).message.slice(0, 200)}` });
      return deny('MCP_SERVER_UNAVAILABLE', server);
    }
    let closing: Promise<void> | undefined;
    session = {
      id: '', server, agent, transport, upstream, guard, lastUsed: Date.now(),
      close: () => (closing ??= (async () => {
        if (session!.id) sessions.delete(session!.id);
        guard.close();
        await upstream?.close().catch(() => {});
        await transport.close().catch(() => {});
      })()),
    };
    transport.onmessage = (m) => { session!.lastUsed = Date.now(); void guard.fromClient(m); };
    transport.onclose = () => { void session?.close(); };
    await transport.start();
    return session;
  }

  const handler = async (req: FastifyRequest<{ Params: { server: string } }>, reply: FastifyReply) => {
    const policy = policyNow();
    const st = (req as unknown as { fw?: RequestStateLike }).fw;
    if (st) st.route = 'mcp';
    const refusal = hostRefusal(req.headers, policy.doc.mcp.allowedHosts);
    if (refusal) return sendDenial(reply, deny('MCP_HOST_NOT_ALLOWED', refusal));
    const server = req.params.server;
    if (!Object.prototype.hasOwnProperty.call(policy.doc.mcpServers, server)) {
      return sendDenial(reply, deny('NOT_FOUND', `${prefix}/${server.slice(0, 64)}`));
    }
    const auth = await authenticator.authenticate({ headers: req.headers, remoteAddress: req.ip }, policy);
    if (auth.ok && st) { st.agent = auth.agent; st.authMethod = auth.method; st.keyId = auth.keyId; }
    if (!auth.ok) {
      if (auth.denial.error.status === 401) reply.header('www-authenticate', 'Bearer');
      return sendDenial(reply, auth.denial);
    }
    const agent = auth.agent.name;

    let body: unknown;
    if (req.method === 'POST') {
      const raw = typeof req.body === 'string' ? req.body : '';
      if (Buffer.byteLength(raw) > policy.doc.mcp.maxMessageBytes) return sendDenial(reply, deny('MCP_MESSAGE_TOO_LARGE', String(policy.doc.mcp.maxMessageBytes)));
      try { body = JSON.parse(raw); } catch {
        audit({ event: 'mcp.message.rejected', agent, server, decision: 'block', code: 'firewall_invalid_json' });
        return reply.code(400).send(faultToRpc(null, 'INVALID_JSON', 'the body is not valid JSON', randomUUID()));
      }
    }

    const sid = req.headers['mcp-session-id'];
    let session: Session | undefined;
    if (typeof sid === 'string') {
      session = sessions.get(sid);
      // A session belongs to the agent and server that opened it; anything else looks the same
      // as an unknown session, so ids cannot be probed.
      if (!session || session.agent !== agent || session.server !== server) return sendDenial(reply, deny('MCP_SESSION_NOT_FOUND'));
    } else {
      const isInit = req.method === 'POST' && typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'initialize';
      if (!isInit) return sendDenial(reply, deny('INVALID_REQUEST', 'send initialize first, or the Mcp-Session-Id header'));
      if (!policy.agents.get(agent)?.doc.mcp?.[server]) {
        audit({ event: 'mcp.call.denied', agent, server, method: 'initialize', decision: 'block', code: 'firewall_resource_not_allowed', rules: ['mcp.server-allowlist'] });
        return sendDenial(reply, deny('RESOURCE_NOT_ALLOWED', `MCP server ${server}`, { rules: ['mcp.server-allowlist'] }), (body as { id?: string | number }).id ?? null);
      }
      let count = 0;
      for (const s of sessions.values()) if (s.server === server) count++;
      if (count >= maxSessions) return sendDenial(reply, deny('MCP_SERVER_UNAVAILABLE', `${server} (too many sessions)`));
      const opened = await openSession(policy, server, agent);
      if ('error' in opened) return sendDenial(reply, opened, (body as { id?: string | number }).id ?? null);
      session = opened;
    }
    session.lastUsed = Date.now();
    reply.hijack();
    try {
      await session.transport.handleRequest(req.raw, reply.raw, body);
    } catch (e) {
      app.log.error({ err: e }, 'mcp gateway: transport failed');
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(faultToRpc(null, 'INTERNAL', undefined, randomUUID())));
    }
    // A session that never completed initialize has no id and nothing can reach it again.
    if (!session.id && !session.transport.sessionId) void session.close();
  };

  app.route({ method: ['POST', 'GET', 'DELETE'], url: `${prefix}/:server`, handler });
}
