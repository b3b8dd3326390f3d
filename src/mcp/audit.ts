/**
 * The MCP audit event: one per call or refusal or fault. Carries names, decisions, rule ids and
 * timings — never arguments, results or matched text.
 */

/** Dotted past-tense event names (STYLE §8). */
export type McpAuditName =
  | 'mcp.call.completed' | 'mcp.call.denied' | 'mcp.call.failed'
  | 'mcp.tools.listed' | 'mcp.tool.hidden' | 'mcp.tool.changed'
  | 'mcp.server_request.denied' | 'mcp.message.rejected' | 'mcp.server.fault'
  | 'mcp.notification.redacted' | 'mcp.notification.dropped';

/** One audit record. */
export interface McpAuditEvent {
  event: McpAuditName;
  agent: string;
  server: string;
  /** The firewall's correlation id (also in JSON-RPC error data). */
  requestId?: string;
  method?: string;
  tool?: string;
  decision?: 'allow' | 'flag' | 'redact' | 'block' | 'error';
  /** Wire error code when refused (`firewall_…`). */
  code?: string;
  rules?: string[];
  latencyMs?: number;
  /** Short human text; never content. */
  detail?: string;
}

/** Where events go. */
export type McpAuditSink = (event: McpAuditEvent) => void;

/** A sink writing one JSON line per event (stderr or a file stream for stdio wrap). */
export function jsonLineSink(write: (line: string) => void): McpAuditSink {
  return (e) => write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
}
