/**
 * The OpenAI-compatible front end as an encapsulated fastify plugin (registered under `/v1`):
 * ingress (JSON content type) and authentication hooks for every route in it, then the routes.
 */
import type { FastifyInstance } from 'fastify';
import { authenticateRequest, requireJsonOnPost } from '../server/auth-hook.js';
import { listModels } from './models.js';
import { llmHandler } from './proxy.js';
import { ROUTE_PATHS, type LlmRoute } from './routes-meta.js';

/** Register the LLM routes (no route schemas: the body is checked without coercion in the handler). */
export async function llmRoutes(app: FastifyInstance): Promise<void> {
  // One onRequest hook instead of three (each async hook costs a promise and a hook-runner turn
  // per request). Order and stopping are as fastify does between hooks: name the route for the
  // audit event before anything can refuse the request, then the JSON content type, then
  // authentication, and stop once a stage has answered.
  app.addHook('onRequest', async (request, reply) => {
    const name = (request.routeOptions.config as { fwRoute?: string } | undefined)?.fwRoute;
    if (name) request.fw.route = name;
    await requireJsonOnPost(request, reply);
    if (reply.sent === true) return;
    await authenticateRequest(request, reply);
  });
  for (const route of Object.keys(ROUTE_PATHS) as LlmRoute[]) {
    app.post(ROUTE_PATHS[route], { config: { fwRoute: route } }, llmHandler(route));
  }
  app.get('/models', { config: { fwRoute: 'models' } }, listModels);
}
