/**
 * Reading the output cap a client asked for, and the usage an upstream reports, for each LLM
 * route. Settlement uses these; when a response carries no usage the caller counts the output
 * text with `countTextTokens` instead.
 */
import type { Usage } from './types.js';
import type { LlmRoute } from './token-count.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonNegInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;

/** Reserved output when neither the client nor `limits.defaultMaxOutputTokens` sets a cap. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

/**
 * The client's output cap for one request, times `n` choices on chat/completions:
 * `max_completion_tokens` or `max_tokens` (chat), `max_output_tokens` (responses), `max_tokens`
 * (completions). Embeddings produce no output (0). Undefined when the client set none.
 */
export function maxOutputTokensOf(route: LlmRoute, body: unknown): number | undefined {
  if (route === 'embeddings') return 0;
  const b = isObj(body) ? body : {};
  let cap: number | undefined;
  if (route === 'chat') cap = nonNegInt(b.max_completion_tokens) ?? nonNegInt(b.max_tokens);
  else if (route === 'responses') cap = nonNegInt(b.max_output_tokens);
  else cap = nonNegInt(b.max_tokens);
  if (cap === undefined) return undefined;
  const n = route === 'responses' ? 1 : Math.max(1, nonNegInt(b.n) ?? 1);
  return cap * n;
}

/** Usage from a non-streaming response body, or undefined when it has none. */
export function usageFromResponse(route: LlmRoute, json: unknown): Usage | undefined {
  if (!isObj(json)) return undefined;
  return usageObject(route, json.usage);
}

/**
 * Usage from one parsed SSE event: the chat/completions chunk whose `usage` is set (sent when
 * `stream_options.include_usage` is true), or the Responses API's `response.completed` /
 * `response.incomplete` / `response.failed` event. Undefined for every other event.
 */
export function usageFromStreamEvent(route: LlmRoute, event: unknown): Usage | undefined {
  if (!isObj(event)) return undefined;
  if (route === 'responses') {
    return isObj(event.response) && typeof event.type === 'string' && event.type.startsWith('response.')
      ? usageObject(route, event.response.usage) : undefined;
  }
  return usageObject(route, event.usage);
}

function usageObject(route: LlmRoute, u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined;
  if (route === 'responses') {
    const input = nonNegInt(u.input_tokens);
    const output = nonNegInt(u.output_tokens);
    if (input === undefined && output === undefined) return undefined;
    const cached = isObj(u.input_tokens_details) ? nonNegInt(u.input_tokens_details.cached_tokens) : undefined;
    return withCached({ inputTokens: input ?? 0, outputTokens: output ?? 0 }, cached);
  }
  const input = nonNegInt(u.prompt_tokens);
  const output = route === 'embeddings' ? 0 : nonNegInt(u.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const cached = isObj(u.prompt_tokens_details) ? nonNegInt(u.prompt_tokens_details.cached_tokens) : undefined;
  return withCached({ inputTokens: input ?? 0, outputTokens: output ?? 0 }, cached);
}

function withCached(u: Usage, cached: number | undefined): Usage {
  if (cached !== undefined && cached > 0) u.cachedInputTokens = Math.min(cached, u.inputTokens);
  return u;
}
