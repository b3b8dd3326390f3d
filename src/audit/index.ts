/** Audit: pino logger with redaction, the per-request audit event, Prometheus metrics. */
export { createLogger, REDACT_PATHS } from './logger.js';
export type { LoggerOptions } from './logger.js';
export { auditEvent } from './event.js';
export type { AuditEvent, Decision } from './event.js';
export { createMetrics, metrics } from './metrics.js';
export type { FirewallMetrics } from './metrics.js';
