/**
 * Current usage per agent (and team), read from the store without taking anything: what the
 * admin endpoint and `llm-firewall usage` show. One peek per scope (one Redis round trip).
 */
import type { LimitStore } from './store.js';
import { planRules, type Metric, type Scope, type ScopeLimits } from './plan.js';

/** One limit's current state. */
export interface UsageRow {
  scope: Scope;
  name: string;
  /** `requestsPerMinute`, `tokensPerMinute`, `tokens/day`, `usd/month`, … */
  limit: string;
  metric: Metric;
  /** The configured maximum (USD for `usd`). */
  max: number;
  /** Counted in the current window (USD for `usd`); sliding windows include in-flight reservations. */
  used: number;
  /** Reserved by calls in flight (calendar budgets). */
  reserved: number;
  remaining: number;
  /** Seconds until the window resets (calendar) or empties (sliding). */
  resetSeconds: number;
}

/** Usage rows of every limit of `scopes` at `now`. */
export async function usageReport(store: LimitStore, scopes: ScopeLimits[], now: number): Promise<UsageRow[]> {
  const rows: UsageRow[] = [];
  for (const s of scopes) {
    const rules = planRules([s], { requests: 0, tokens: 0, nanoUsd: 0 }, now);
    if (rules.length === 0) continue;
    const peeks = await store.peek(now, rules.map((r) => r.op));
    rules.forEach((r, i) => {
      const p = peeks[i]!;
      // Money is nano-USD in the store; divide (not multiply by 1e-9) to keep decimals clean.
      const unit = r.metric === 'usd' ? 1e9 : 1;
      rows.push({
        scope: r.scope, name: r.name, limit: r.label, metric: r.metric,
        max: r.op.limit / unit, used: p.used / unit, reserved: p.held / unit,
        remaining: Math.max(0, r.op.limit - p.used - p.held) / unit,
        resetSeconds: Math.ceil(p.resetMs / 1000),
      });
    });
  }
  return rows;
}
