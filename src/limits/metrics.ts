/**
 * prom-client counters of the limits stage. They live in the registry the caller passes (the
 * audit module's) or prom-client's default one, and are created once per registry, so several
 * limiters in one process (tests, two firewall instances) share them instead of throwing.
 */
import { Counter, register as defaultRegistry, type Registry } from 'prom-client';

export interface LimitsMetrics {
  /** Store commands that failed (timeouts, connection errors). */
  storeErrors: Counter<'store' | 'op'>;
  /** Admissions decided by the local fallback because the shared store was down (fail open). */
  storeFailOpen: Counter;
  /** Denials by the limits stage, by wire code. */
  denied: Counter<'code'>;
}

function counter<L extends string>(reg: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  const existing = reg.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [reg] });
}

/** The limits counters in `registry` (created on first use). */
export function limitsMetrics(registry: Registry = defaultRegistry): LimitsMetrics {
  return {
    storeErrors: counter(registry, 'llmfw_store_errors_total', 'Limits store commands that failed', ['store', 'op']),
    storeFailOpen: counter(registry, 'llmfw_store_failopen_total',
      'Admissions decided by the local in-memory limiter while the shared store was unavailable', []),
    denied: counter(registry, 'llmfw_limits_denied_total', 'Requests denied by rate limits or budgets', ['code']),
  };
}
