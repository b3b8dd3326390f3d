/**
 * The Anthropic Messages front end as one encapsulated fastify plugin, registered under `/v1`
 * beside the OpenAI routes: `POST /messages`, `POST /messages/count_tokens`, and `GET /models`
 * in Anthropic's shape when the request carries `anthropic-version` (every Anthropic SDK sends
 * it; the OpenAI SDK never does) — a route constraint lets both `GET /v1/models` live on one path.
 *
 * It uses the app's shared deps (`app.fw`) and the same ingress and authentication hooks as the
 * OpenAI routes (agents send `x-api-key` or `Authorization: Bearer`). Every error on these routes
 * is Anthropic-shaped: this plugin's error handler renders parser and stage errors, and an
 * `onSend` hook re-renders the OpenAI-shaped denials the shared hooks send (401, 415, 429 …).
 *
 * Register in `buildApp` with: `await app.register(anthropicRoutes, { prefix: '/v1' });`
 */
import type { FastifyInstance } from 'fastify';
import { deny, ERRORS, FirewallError, type CatalogueEntry, type Denial } from '../../errors.js';
import { authenticateRequest, requireJsonOnPost } from '../../server/auth-hook.js';
import { handleCountTokens } from './count-tokens.js';
import { anthropicErrorType } from './errors.js';
import { handleMessages } from './messages.js';
import { listAnthropicModels } from './models.js';
import { sendAnthropicDenial } from './render.js';

/** Name of the route constraint that tells Anthropic-shaped requests from OpenAI-shaped ones. */
export const API_SHAPE_CONSTRAINT = 'llmfwApiShape';

const BY_CODE = new Map<string, CatalogueEntry>(Object.values(ERRORS).map((e) => [e.code, e]));

/** Fastify's own error codes → our catalogue (as the app's root handler maps them). */
const FASTIFY_ERRORS: Readonly<Record<string, keyof typeof ERRORS>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

function addApiShapeConstraint(app: FastifyInstance): void {
  if (app.hasConstraintStrategy(API_SHAPE_CONSTRAINT)) return;
  app.addConstraintStrategy({
    name: API_SHAPE_CONSTRAINT,
    storage() {
      const m = new Map<string, unknown>();
      return { get: (k: string) => (m.get(k) ?? null) as never, set: (k: string, v: unknown) => void m.set(k, v) };
    },
    deriveConstraint: (req: { headers: Record<string, string | string[] | undefined> }) => (req.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai'),
    mustMatchWhenDerived: false,
  });
}

/** Register the Messages routes (no route schemas: bodies are checked without coercion). */
export async function anthropicRoutes(app: FastifyInstance): Promise<void> {
  addApiShapeConstraint(app);
  app.addHook('onRequest', requireJsonOnPost);
  app.addHook('onRequest', authenticateRequest);

  // Denials the shared hooks rendered OpenAI-shaped leave in Anthropic's shape, same code.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string' || payload.length > 16_384) return payload;
    let j: { type?: unknown; error?: { code?: unknown; message?: unknown } };
    try {
      j = JSON.parse(payload) as typeof j;
    } catch {
      return payload;
    }
    if (j.type === 'error' || typeof j.error?.code !== 'string') return payload;
    const entry = BY_CODE.get(j.error.code);
    if (!entry) return payload;
    return JSON.stringify({
      type: 'error',
      error: { type: anthropicErrorType(entry), message: typeof j.error.message === 'string' ? j.error.message : entry.message, code: entry.code },
      request_id: String(request.id),
    });
  });

  app.setErrorHandler((err: Error & { code?: string }, request, reply) => {
    let d: Denial;
    if (err instanceof FirewallError) d = { error: err.entry, detail: err.detail };
    else if (err.code && FASTIFY_ERRORS[err.code]) {
      const key = FASTIFY_ERRORS[err.code]!;
      if (key === 'BODY_TOO_LARGE') reply.header('connection', 'close');
      d = deny(key, key === 'BODY_TOO_LARGE' ? String(request.fw.policy.doc.server.bodyLimit) : key === 'INVALID_JSON' ? 'the body is empty' : key === 'INVALID_REQUEST' ? 'bad Content-Length' : undefined);
    } else {
      // A bug or infrastructure failure: log it whole, tell the client nothing internal.
      request.server.fw.logger.error({ err, requestId: request.id }, 'unhandled error on an Anthropic route');
      d = deny('INTERNAL');
    }
    return sendAnthropicDenial(request, reply, d, { decision: d.error.status >= 500 ? 'error' : 'deny' });
  });

  app.post('/messages', handleMessages);
  app.post('/messages/count_tokens', handleCountTokens);
  app.get('/models', { constraints: { [API_SHAPE_CONSTRAINT]: 'anthropic' } }, listAnthropicModels);
}
