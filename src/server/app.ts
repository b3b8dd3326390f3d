/**
 * `buildApp(deps)`: the fastify app, built but not listening (tests use `inject` or `listen` on
 * port 0; `serve` listens). Wiring only — each concern lives in its own file:
 * ingress (request id, JSON body parser, error mapping), shared deps (one non-encapsulated
 * decorator), operations routes, and the LLM front end as an encapsulated plugin under `/v1`.
 */
import { readFileSync } from 'node:fs';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { createAuthenticator } from '../auth/index.js';
import { createMetrics } from '../audit/index.js';
import { ERRORS, FirewallError, deny } from '../errors.js';
import { createUpstreamClients } from '../llm/upstream-client.js';
import { llmRoutes } from '../llm/routes.js';
import { anthropicRoutes } from '../llm/anthropic/routes.js';
import { limitsAdminRoutes } from '../limits/admin-routes.js';
import type { FirewallLimiter } from '../limits/index.js';
import { mcpGateway } from '../mcp/http-gateway.js';
import type { TlsConfig } from '../policy/types.js';
import { auditOnClose } from './audit-hook.js';
import { healthRoutes } from './health.js';
import { closeIdleConnectionsOnClose } from './idle-sockets.js';
import { parseJsonBody } from './json-body.js';
import { openAiErrorBody, sendDenial } from './render.js';
import { requestIdOf } from './request-id.js';
import type { AppDeps, SharedDeps } from './state.js';

export type { AppDeps, SharedDeps, RequestState } from './state.js';

/** Fastify's own error codes → our catalogue. */
const FASTIFY_ERRORS: Record<string, keyof typeof ERRORS> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

/** HTTPS options from `server.tls` (mutual TLS when a client CA is given). */
export function httpsOptions(tls: TlsConfig | undefined): HttpsServerOptions | undefined {
  if (!tls) return undefined;
  return {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    ...(tls.clientCaFile ? { ca: readFileSync(tls.clientCaFile), requestCert: true, rejectUnauthorized: tls.requireClientCert } : {}),
  };
}

/** Shared deps as one non-encapsulated plugin (fastify's skip-override, without fastify-plugin). */
function sharedDeps(deps: SharedDeps) {
  const plugin = async (app: FastifyInstance) => { app.decorate('fw', deps); };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

/** Build the firewall app. Server settings (`server.*`) are read from the policy at build time. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const policy = deps.policy.current();
  const server = policy.doc.server;
  // Copy property descriptors, not values: a caller may pass getters (e.g. `engine`, rebuilt
  // by `serve` when a reload changes the detector settings).
  const shared = Object.create(null, Object.getOwnPropertyDescriptors(deps)) as SharedDeps;
  shared.metrics ??= createMetrics();
  shared.authenticator ??= createAuthenticator();
  shared.upstreams ??= createUpstreamClients(deps.logger);

  const https = httpsOptions(server.tls);
  const app = Fastify({
    // app.log / request.log are our logger (plugins such as the MCP gateway log through them);
    // fastify's own per-request lines are off: the audit event is the one line per request.
    loggerInstance: deps.logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdOf,
    requestIdHeader: false,
    bodyLimit: server.bodyLimit,
    trustProxy: server.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(https ? { https } : {}),
    // Malformed HTTP (bad header bytes, CR/LF injection) never reaches a route: answer it in
    // the same OpenAI shape and close that connection; the server keeps serving others.
    clientErrorHandler: (err: Error & { code?: string }, socket: Socket) => {
      if (!socket.writable) return void socket.destroy();
      const entry = err.code === 'HPE_HEADER_OVERFLOW' ? deny('INVALID_REQUEST', 'request headers are too large') : deny('INVALID_REQUEST', 'malformed HTTP request');
      const body = openAiErrorBody(entry);
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
  } as FastifyServerOptions) as unknown as FastifyInstance;

  await app.register(sharedDeps(shared));
  // Connections with nothing in flight (never used, or idle after a response that ends during
  // shutdown) would otherwise hold app.close() for up to about a minute.
  closeIdleConnectionsOnClose(app);
  app.decorateRequest('fw', null as never);
  app.decorateRequest('rawBody', undefined);

  app.addHook('onRequest', async (request, reply) => {
    request.fw = {
      startedAt: performance.now(),
      // Taken once: the request finishes under this policy even if a reload swaps it meanwhile.
      policy: shared.policy.current(),
      route: 'unknown',
      decision: 'allow',
      rules: [],
      findings: [],
    };
    reply.header('x-request-id', request.id);
    auditOnClose(request, reply);
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    try {
      request.rawBody = body as Buffer;
      done(null, parseJsonBody(body as Buffer, request.fw.policy.doc.server.maxJsonDepth));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (err instanceof FirewallError) {
      return sendDenial(request, reply, { error: err.entry, detail: err.detail }, { decision: err.entry.status >= 500 ? 'error' : 'deny' });
    }
    const mapped = err.code ? FASTIFY_ERRORS[err.code] : undefined;
    if (mapped) {
      if (mapped === 'BODY_TOO_LARGE') reply.header('connection', 'close');
      const detail = mapped === 'BODY_TOO_LARGE' ? String(request.fw.policy.doc.server.bodyLimit)
        : mapped === 'INVALID_JSON' ? 'the body is empty' : mapped === 'INVALID_REQUEST' ? 'bad Content-Length' : undefined;
      return sendDenial(request, reply, deny(mapped, detail));
    }
    // A bug or infrastructure failure: log it whole, tell the client nothing internal.
    shared.logger.error({ err, requestId: request.id }, 'unhandled error');
    return sendDenial(request, reply, deny('INTERNAL'), { decision: 'error' });
  });

  app.setNotFoundHandler((request, reply) => {
    request.fw.route = 'not_found';
    const path = request.url.split('?')[0].slice(0, 200);
    return sendDenial(request, reply, deny('NOT_FOUND', `${request.method} ${path}`));
  });

  await app.register(healthRoutes);
  await app.register(llmRoutes, { prefix: '/v1' });
  // The Anthropic Messages front end (src/llm/anthropic): /v1/messages, count_tokens, and
  // Anthropic-shaped /v1/models for requests carrying `anthropic-version`.
  await app.register(anthropicRoutes, { prefix: '/v1' });
  // The MCP HTTP gateway (`/mcp/:server` for every `mcpServers` entry), encapsulated: it owns its
  // JSON parser and error handler (JSON-RPC-shaped answers) and reads policy, engine, limiter and
  // authenticator from the shared deps.
  await app.register(mcpGateway);
  // `GET /admin/usage` when the limiter can report usage (the one `createLimiter` builds); failed
  // admin authentications are throttled per address like agent keys.
  if (shared.limiter && 'usage' in shared.limiter && 'addressLimiter' in shared.limiter) {
    const limiter = shared.limiter as FirewallLimiter;
    const fa = policy.doc.auth.failedAttempts;
    await app.register(limitsAdminRoutes, {
      limiter,
      policy: () => shared.policy.current(),
      throttle: limiter.addressLimiter({ max: fa.max, windowSeconds: fa.windowSeconds }),
    });
  }
  // Close the pools only when this app created them (a caller may share its own between apps).
  if (!deps.upstreams) app.addHook('onClose', async () => { await shared.upstreams.close(); });
  return app;
}
