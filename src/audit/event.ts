/**
 * The audit event: one per request, written when the response ends. It says who called, what
 * they asked for, what the firewall decided and why (rule ids), and under which policy revision —
 * never the key, the body, or matched text.
 */
import type { Logger } from 'pino';
import type { FirewallMetrics } from './metrics.js';

export type Decision = 'allow' | 'redact' | 'block' | 'flag' | 'deny' | 'error';

export interface AuditEvent {
  /** Dotted past tense: `request.completed`, `request.denied`, `request.failed`, `request.aborted`. */
  event: string;
  requestId: string;
  agent?: string;
  authMethod?: string;
  /** Hash id of the key used (first 12 hex of its sha256). */
  keyId?: string;
  route: string;
  method?: string;
  model?: string;
  decision: Decision;
  /** Rule ids that decided (detectors, allowlists). */
  rules?: string[];
  /** Error code when denied/failed (`firewall_*` or the upstream's). */
  code?: string;
  status: number;
  latencyMs: number;
  upstreamLatencyMs?: number;
  upstream?: string;
  stream?: boolean;
  policyRevision?: string;
  remoteAddress?: string;
  /** Finding summaries: rule, type, span — never the text. */
  findings?: Array<{ rule: string; type: string; start: number; end: number; direction: string }>;
  usage?: { inputTokens: number; outputTokens: number };
}

/** Write the audit event and count it in the metrics. */
export function auditEvent(logger: Logger, event: AuditEvent, m?: FirewallMetrics): void {
  const level = event.decision === 'error' || event.status >= 500 ? 'warn' : 'info';
  logger[level]({ audit: true, ...event }, event.event);
  if (m) {
    m.requests.inc({ agent: event.agent ?? 'unknown', route: event.route, decision: event.decision, status: String(event.status) });
    m.latency.observe({ route: event.route, decision: event.decision }, event.latencyMs / 1000);
  }
}
