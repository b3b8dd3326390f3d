/**
 * Errors in Anthropic's shape: `{"type":"error","error":{"type","message"},"request_id"}`.
 * The firewall's stable wire `code` (the same one the OpenAI routes send) rides along inside
 * `error` as an extra field — Anthropic's SDKs keep unknown fields, so clients can branch on it
 * (`err.error.error.code` in @anthropic-ai/sdk) while tools that only know Anthropic's `type` still
 * classify the error correctly.
 */
import { denialMessage, type CatalogueEntry, type Denial } from '../../errors.js';

/** Anthropic's documented error types (docs: "Errors → HTTP errors"). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

/** The documented types as a set, to check upstream-supplied values before repeating them. */
export const ANTHROPIC_ERROR_TYPES: ReadonlySet<string> = new Set<AnthropicErrorType>([
  'invalid_request_error', 'authentication_error', 'billing_error', 'permission_error', 'not_found_error',
  'request_too_large', 'rate_limit_error', 'timeout_error', 'api_error', 'overloaded_error',
]);

/** The body of an Anthropic error response / the data of an `error` stream event. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string; code?: string };
  request_id?: string;
}

/**
 * Anthropic's `error.type` for a catalogue entry, decided by the HTTP status as Anthropic assigns
 * them. A budget stop is a 429 and so a `rate_limit_error`: Anthropic has no quota type, and its SDK
 * maps 429 to RateLimitError; the `code` (`firewall_budget_exceeded`) tells the two apart.
 */
export function anthropicErrorType(entry: CatalogueEntry): AnthropicErrorType {
  switch (entry.status) {
    case 400:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 503:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** Render a denial (or catalogue entry + detail) as an Anthropic error body. */
export function anthropicErrorBody(denial: Denial, requestId?: string): AnthropicErrorBody {
  const body: AnthropicErrorBody = {
    type: 'error',
    error: { type: anthropicErrorType(denial.error), message: denialMessage(denial), code: denial.error.code },
  };
  if (requestId !== undefined) body.request_id = requestId;
  return body;
}

/**
 * HTTP status for a denial on this route. Anthropic uses 529 for "overloaded"; the firewall keeps
 * the catalogue status (503) so that monitoring sees one status per code across all routes.
 */
export function anthropicErrorStatus(denial: Denial): number {
  return denial.error.status;
}

/**
 * Headers that go with a denial: `retry-after` when the denial carries one. Anthropic's SDK honours
 * `retry-after` for 429/503 retries.
 */
export function anthropicErrorHeaders(denial: Denial): Record<string, string> {
  return denial.retryAfter !== undefined ? { 'retry-after': String(Math.max(0, Math.ceil(denial.retryAfter))) } : {};
}
