/**
 * The OpenAI-compatible routes the front end serves, with the names the stages (limits, audit)
 * use for them.
 */

/** Route name as the limits module and audit events spell it. */
export type LlmRoute = 'chat' | 'responses' | 'completions' | 'embeddings';

/** URL path under `/v1` for each route. */
export const ROUTE_PATHS: Readonly<Record<LlmRoute, string>> = Object.freeze({
  chat: '/chat/completions',
  responses: '/responses',
  completions: '/completions',
  embeddings: '/embeddings',
});

/** Routes that can stream (embeddings cannot). */
export function canStream(route: LlmRoute): boolean {
  return route !== 'embeddings';
}
