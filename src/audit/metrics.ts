/**
 * Prometheus metrics (prom-client) on a registry of our own, so several apps in one process
 * (tests) do not collide. Labels carry agent, route and decision only — never keys or content.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface FirewallMetrics {
  readonly registry: Registry;
  /** Requests by agent, route, decision and status. */
  readonly requests: Counter<'agent' | 'route' | 'decision' | 'status'>;
  /** Total time in the firewall per request, seconds. */
  readonly latency: Histogram<'route' | 'decision'>;
  /** Time to upstream response headers, seconds. */
  readonly upstreamLatency: Histogram<'upstream' | 'route'>;
  /** Upstream failures by kind (timeout, unreachable, status_5xx, …). */
  readonly upstreamErrors: Counter<'upstream' | 'kind'>;
}

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A fresh registry with the firewall's metrics. */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}): FirewallMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'llmfw_' });
  return {
    registry,
    requests: new Counter({ name: 'llmfw_requests_total', help: 'Requests by agent, route, decision and status.', labelNames: ['agent', 'route', 'decision', 'status'], registers: [registry] }),
    latency: new Histogram({ name: 'llmfw_request_duration_seconds', help: 'Time from request to response end.', labelNames: ['route', 'decision'], buckets: BUCKETS, registers: [registry] }),
    upstreamLatency: new Histogram({ name: 'llmfw_upstream_duration_seconds', help: 'Time to upstream response headers.', labelNames: ['upstream', 'route'], buckets: BUCKETS, registers: [registry] }),
    upstreamErrors: new Counter({ name: 'llmfw_upstream_errors_total', help: 'Upstream failures by kind.', labelNames: ['upstream', 'kind'], registers: [registry] }),
  };
}

/** The process-wide metrics (`serve` uses these). */
export const metrics: FirewallMetrics = createMetrics({ defaultMetrics: true });
