/**
 * JSON-RPC rendering of firewall denials for the MCP front end. Every catalogue entry
 * (`src/errors.ts`) gets a stable numeric code in the JSON-RPC server-error range
 * (-32000..-32099, JSON-RPC 2.0 §5.1) so clients can branch on the number; the wire `code`
 * string, the request id and the rule ids travel in `data`. Messages come from the catalogue
 * templates with a detail the stage chose: never the matched text.
 */
import type { JSONRPCErrorResponse, JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { denialMessage, type Denial, type ErrorKey, ERRORS } from '../errors.js';

/** JSON-RPC 2.0 reserved codes the gateway itself produces. */
export const RPC = Object.freeze({
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
});

/**
 * Wire code → JSON-RPC numeric code. Stable: clients and docs rely on these numbers; add new
 * ones at the end, never renumber.
 */
export const RPC_CODE_FOR: Readonly<Record<string, number>> = Object.freeze({
  [ERRORS.TOOL_NOT_ALLOWED.code]: -32010,
  [ERRORS.ARGUMENT_NOT_ALLOWED.code]: -32011,
  [ERRORS.RESOURCE_NOT_ALLOWED.code]: -32012,
  [ERRORS.BLOCKED.code]: -32013,
  [ERRORS.TOOL_PINNED_CHANGED.code]: -32014,
  [ERRORS.RATE_LIMITED.code]: -32015,
  [ERRORS.BUDGET_EXCEEDED.code]: -32016,
  [ERRORS.UNAUTHENTICATED.code]: -32017,
  [ERRORS.STORE_UNAVAILABLE.code]: -32018,
  [ERRORS.DETECTOR_FAILED.code]: -32019,
  [ERRORS.MCP_SERVER_UNAVAILABLE.code]: -32020,
  [ERRORS.MCP_TIMEOUT.code]: -32021,
  [ERRORS.MCP_MESSAGE_TOO_LARGE.code]: -32022,
  [ERRORS.UPSTREAM_BAD_RESPONSE.code]: -32023,
  [ERRORS.POLICY_UNAVAILABLE.code]: -32024,
  [ERRORS.MCP_HOST_NOT_ALLOWED.code]: -32025,
  [ERRORS.MCP_SESSION_NOT_FOUND.code]: -32026,
  [ERRORS.MCP_METHOD_NOT_ALLOWED.code]: RPC.METHOD_NOT_FOUND,
  [ERRORS.INVALID_JSON.code]: RPC.PARSE_ERROR,
  [ERRORS.INVALID_REQUEST.code]: RPC.INVALID_REQUEST,
  [ERRORS.NOT_FOUND.code]: RPC.METHOD_NOT_FOUND,
  [ERRORS.INTERNAL.code]: RPC.INTERNAL_ERROR,
});

/** The `data` member of every firewall JSON-RPC error. */
export interface FirewallErrorData {
  code: string;
  requestId: string;
  rules?: string[];
}

/** Render a denial as a JSON-RPC error response to request `id`. */
export function denialToRpc(id: RequestId | null, denial: Denial, requestId: string): JSONRPCErrorResponse {
  const data: FirewallErrorData = { code: denial.error.code, requestId };
  if (denial.rules && denial.rules.length > 0) data.rules = [...denial.rules];
  return {
    jsonrpc: '2.0',
    // A parse error has no id to answer; JSON-RPC 2.0 §5 says null then.
    id: id as RequestId,
    error: { code: RPC_CODE_FOR[denial.error.code] ?? -32000, message: denialMessage(denial), data },
  };
}

/** A JSON-RPC error from a catalogue key, for faults that are not policy decisions. */
export function faultToRpc(id: RequestId | null, key: ErrorKey, detail: string | undefined, requestId: string): JSONRPCErrorResponse {
  return denialToRpc(id, { error: ERRORS[key], detail }, requestId);
}

/** Whether a message is a request (has method and id). */
export function isRequest(m: JSONRPCMessage): m is Extract<JSONRPCMessage, { method: string; id: RequestId }> {
  return 'method' in m && 'id' in m && m.id !== undefined;
}

/** Whether a message is a notification (method, no id). */
export function isNotification(m: JSONRPCMessage): m is Extract<JSONRPCMessage, { method: string }> {
  return 'method' in m && !('id' in m && m.id !== undefined);
}

/** Whether a message is a response (result or error, no method). */
export function isResponse(m: JSONRPCMessage): m is Extract<JSONRPCMessage, { id: RequestId; result: unknown }> | JSONRPCErrorResponse {
  return !('method' in m) && ('result' in m || 'error' in m);
}
