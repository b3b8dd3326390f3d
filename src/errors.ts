/**
 * The error catalogue: every error a client can see, in one place. Each entry has an internal
 * name (`FW_ERR_<AREA>_<WHAT>`), the wire `code` clients see, the HTTP status, the OpenAI error
 * `type`, and a message template. The LLM front end renders entries as OpenAI-shaped bodies, the
 * MCP front end as JSON-RPC errors with the same `code` in `data`. `docs/errors.md` lists the same
 * entries; a test checks both ways.
 *
 * Denials are values (`Denial`), not exceptions. Exceptions are for bugs and infrastructure.
 */
import createError from '@fastify/error';

export interface CatalogueEntry {
  /** Internal name, FW_ERR_*. */
  name: string;
  /** Wire code, snake_case, stable. */
  code: string;
  status: number;
  /** OpenAI `error.type`. */
  type: string;
  /** Message template; `%s` is replaced by the detail given when the denial is made. */
  message: string;
}

function entry(name: string, code: string, status: number, type: string, message: string): CatalogueEntry {
  return Object.freeze({ name, code, status, type, message });
}

export const ERRORS = Object.freeze({
  UNAUTHENTICATED: entry('FW_ERR_AUTH_UNAUTHENTICATED', 'firewall_unauthenticated', 401, 'authentication_error',
    'Missing or invalid credentials. %s'),
  AUTH_THROTTLED: entry('FW_ERR_AUTH_THROTTLED', 'firewall_auth_throttled', 429, 'rate_limit_error',
    'Too many failed authentication attempts from this address; retry later.'),
  MODEL_NOT_ALLOWED: entry('FW_ERR_POLICY_MODEL_NOT_ALLOWED', 'firewall_model_not_allowed', 403, 'permission_error',
    'Model %s is not allowed for this agent.'),
  TOOL_NOT_ALLOWED: entry('FW_ERR_POLICY_TOOL_NOT_ALLOWED', 'firewall_tool_not_allowed', 403, 'permission_error',
    'Tool %s is not allowed for this agent.'),
  ARGUMENT_NOT_ALLOWED: entry('FW_ERR_POLICY_ARGUMENT_NOT_ALLOWED', 'firewall_argument_not_allowed', 403, 'permission_error',
    'Argument %s is not allowed.'),
  RESOURCE_NOT_ALLOWED: entry('FW_ERR_POLICY_RESOURCE_NOT_ALLOWED', 'firewall_resource_not_allowed', 403, 'permission_error',
    '%s is not allowed for this agent.'),
  BLOCKED: entry('FW_ERR_DETECT_BLOCKED', 'firewall_blocked', 403, 'permission_error',
    'Blocked by the firewall: %s'),
  TOOL_PINNED_CHANGED: entry('FW_ERR_MCP_TOOL_CHANGED', 'firewall_tool_changed', 403, 'permission_error',
    'The definition of tool %s changed since it was approved; an operator must re-approve it (llm-firewall mcp pins approve).'),
  RATE_LIMITED: entry('FW_ERR_LIMITS_RATE_LIMITED', 'firewall_rate_limited', 429, 'rate_limit_error',
    'Rate limit reached: %s'),
  BUDGET_EXCEEDED: entry('FW_ERR_LIMITS_BUDGET_EXCEEDED', 'firewall_budget_exceeded', 429, 'insufficient_quota',
    'Budget exhausted: %s'),
  PRICE_UNKNOWN: entry('FW_ERR_LIMITS_PRICE_UNKNOWN', 'firewall_model_price_unknown', 403, 'permission_error',
    'Model %s has no price in the policy and a USD budget applies; the firewall refuses rather than spend unmetered (add the model to pricing).'),
  STORE_UNAVAILABLE: entry('FW_ERR_LIMITS_STORE_UNAVAILABLE', 'firewall_store_unavailable', 503, 'server_error',
    'The limits store is unavailable and the policy fails closed; retry later.'),
  INVALID_JSON: entry('FW_ERR_INGRESS_INVALID_JSON', 'firewall_invalid_json', 400, 'invalid_request_error',
    'The request body is not valid JSON: %s'),
  INVALID_UTF8: entry('FW_ERR_INGRESS_INVALID_UTF8', 'firewall_invalid_utf8', 400, 'invalid_request_error',
    'The request body is not valid UTF-8.'),
  UNSUPPORTED_MEDIA_TYPE: entry('FW_ERR_INGRESS_MEDIA_TYPE', 'firewall_unsupported_media_type', 415, 'invalid_request_error',
    'Content-Type must be application/json.'),
  BODY_TOO_LARGE: entry('FW_ERR_INGRESS_BODY_TOO_LARGE', 'firewall_body_too_large', 413, 'invalid_request_error',
    'The request body is larger than the limit of %s bytes.'),
  JSON_TOO_DEEP: entry('FW_ERR_INGRESS_JSON_TOO_DEEP', 'firewall_json_too_deep', 400, 'invalid_request_error',
    'The request body nests deeper than %s levels.'),
  INVALID_REQUEST: entry('FW_ERR_INGRESS_INVALID_REQUEST', 'firewall_invalid_request', 400, 'invalid_request_error',
    'Invalid request: %s'),
  NOT_FOUND: entry('FW_ERR_INGRESS_NOT_FOUND', 'firewall_not_found', 404, 'invalid_request_error',
    'Unknown route %s.'),
  UPSTREAM_NOT_CONFIGURED: entry('FW_ERR_UPSTREAM_NOT_CONFIGURED', 'firewall_upstream_not_configured', 500, 'server_error',
    'Upstream is not configured: %s'),
  UPSTREAM_TIMEOUT: entry('FW_ERR_UPSTREAM_TIMEOUT', 'firewall_upstream_timeout', 504, 'server_error',
    'The upstream did not answer in time (%s).'),
  UPSTREAM_UNREACHABLE: entry('FW_ERR_UPSTREAM_UNREACHABLE', 'firewall_upstream_unreachable', 502, 'server_error',
    'The upstream could not be reached (%s).'),
  UPSTREAM_ERROR: entry('FW_ERR_UPSTREAM_ERROR', 'firewall_upstream_error', 502, 'server_error',
    'The upstream answered HTTP %s with a body that is not an error in the API\'s own shape; the body is withheld.'),
  UPSTREAM_BAD_RESPONSE: entry('FW_ERR_UPSTREAM_BAD_RESPONSE', 'firewall_upstream_bad_response', 502, 'server_error',
    'The upstream sent a response the firewall could not process (%s).'),
  DETECTOR_FAILED: entry('FW_ERR_DETECT_FAILED', 'firewall_detector_failed', 503, 'server_error',
    'A detector failed and the policy fails closed (%s).'),
  POLICY_UNAVAILABLE: entry('FW_ERR_POLICY_UNAVAILABLE', 'firewall_policy_unavailable', 503, 'server_error',
    'No valid policy is loaded.'),
  INTERNAL: entry('FW_ERR_INTERNAL', 'firewall_internal_error', 500, 'server_error',
    'Internal firewall error.'),
  MCP_SERVER_UNAVAILABLE: entry('FW_ERR_MCP_SERVER_UNAVAILABLE', 'firewall_mcp_server_unavailable', 502, 'server_error',
    'The MCP server %s is not available.'),
  MCP_TIMEOUT: entry('FW_ERR_MCP_TIMEOUT', 'firewall_mcp_timeout', 504, 'server_error',
    'The MCP server did not answer in time (%s).'),
  MCP_MESSAGE_TOO_LARGE: entry('FW_ERR_MCP_MESSAGE_TOO_LARGE', 'firewall_message_too_large', 413, 'invalid_request_error',
    'The message is larger than the limit of %s bytes.'),
  MCP_METHOD_NOT_ALLOWED: entry('FW_ERR_MCP_METHOD_NOT_ALLOWED', 'firewall_method_not_allowed', 400, 'invalid_request_error',
    'The firewall does not relay the MCP method %s.'),
  MCP_HOST_NOT_ALLOWED: entry('FW_ERR_MCP_HOST_NOT_ALLOWED', 'firewall_host_not_allowed', 403, 'permission_error',
    'The %s is not allowed for the MCP gateway (mcp.allowedHosts).'),
  MCP_SESSION_NOT_FOUND: entry('FW_ERR_MCP_SESSION_NOT_FOUND', 'firewall_session_not_found', 404, 'invalid_request_error',
    'Unknown or expired MCP session; initialize a new one.'),
});

export type ErrorKey = keyof typeof ERRORS;

/**
 * A refusal as a value: which catalogue entry, the detail for its template (never secret text),
 * and the rule ids that caused it.
 */
export interface Denial {
  error: CatalogueEntry;
  detail?: string;
  rules?: string[];
  /** Seconds the client should wait (429/503). */
  retryAfter?: number;
}

export function deny(key: ErrorKey, detail?: string, extra: Omit<Denial, 'error' | 'detail'> = {}): Denial {
  return { error: ERRORS[key], detail, ...extra };
}

/** The message a client sees for a denial. */
export function denialMessage(d: Denial): string {
  return d.error.message.includes('%s') ? d.error.message.replace('%s', d.detail ?? '') .trim() : d.error.message;
}

/** Thrown for infrastructure failures that carry a catalogue entry (e.g. upstream timeout). */
export class FirewallError extends Error {
  readonly entry: CatalogueEntry;
  readonly detail?: string;
  constructor(key: ErrorKey, detail?: string, options?: { cause?: unknown }) {
    const e = ERRORS[key];
    super(denialMessage({ error: e, detail }), options);
    this.name = e.name;
    this.entry = e;
    this.detail = detail;
  }
}

/** Internal errors (never sent to clients), e.g. a broken policy at load time. */
export const PolicyLoadError = createError('FW_ERR_POLICY_INVALID', '%s', 500);
