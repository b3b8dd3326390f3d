/**
 * Turns the limits that apply to a request (agent, and its team and key when configured) into
 * the store rules one admission checks and takes from. Keys are `<kind>:<scope>:<name>:<what>`,
 * names URI-encoded so a `:` in a name cannot alias another key; the store adds the versioned
 * prefix (`llmfw:v1:` by default). Every rule of a scope shares the group `<scope>:<name>` (the
 * Redis store keeps a group's counters together); its field is a number naming `<what>` (FIELD).
 */
import type { LimitsConfig, Window } from '../policy/types.js';
import type { RuleOp } from './store.js';
import { calendarWindow } from './windows.js';

/** Who a limit belongs to. */
export type Scope = 'agent' | 'team' | 'key';
/** What a rule counts. */
export type Metric = 'requests' | 'tokens' | 'usd';

/** A store rule plus what the limiter needs to explain, report and settle it. */
export interface PlannedRule {
  op: RuleOp;
  scope: Scope;
  name: string;
  metric: Metric;
  /** Human label used in denial messages and usage reports, e.g. `requestsPerMinute`, `tokens/day`. */
  label: string;
  /** Calendar budgets deny with `firewall_budget_exceeded`; the rest with `firewall_rate_limited`. */
  budget: boolean;
  window: Window;
}

/** Limits of one scope. */
export interface ScopeLimits { scope: Scope; name: string; limits: LimitsConfig | undefined }

/** Amounts one admission takes. */
export interface Costs { requests: number; tokens: number; nanoUsd: number }

const enc = (s: string): string => encodeURIComponent(s);

/**
 * Field numbers of a scope's rules inside its group (RuleOp.field). Stored in Redis, so never
 * renumber: sliding 1–3, token budgets 10 + window, USD budgets 20 + window (0 is the default
 * field of single-rule groups: MCP tool calls, address throttles).
 */
const FIELD = { rps: 1, rpm: 2, tpm: 3, tok: 10, usd: 20 } as const;
const WINDOW_NO: Readonly<Record<Window, number>> = { second: 0, minute: 1, hour: 2, day: 3, month: 4 };

/** Add a sliding-window rule. A module function, not a closure per call: tsx's keepNames wraps
 * every named closure in a `__name` call at creation, which showed in the admission profile. */
function sliding(s: { out: PlannedRule[]; base: string; scope: Scope; name: string; costs: Costs }, what: 'rps' | 'rpm' | 'tpm',
  label: string, metric: Metric, limit: number, windowMs: number, window: Window): void {
  const cost = metric === 'requests' ? s.costs.requests : s.costs.tokens;
  s.out.push({
    op: { key: `sw:${s.base}:${what}`, group: s.base, field: FIELD[what], kind: 'sliding', limit, cost, windowMs, windowEnd: 0, unit: metric === 'requests' },
    scope: s.scope, name: s.name, metric, label, budget: false, window,
  });
}

/** Every rule of the given scopes, with their costs for this request. */
export function planRules(scopes: ScopeLimits[], costs: Costs, now: number): PlannedRule[] {
  const out: PlannedRule[] = [];
  for (const { scope, name, limits } of scopes) {
    if (!limits) continue;
    const base = `${scope}:${enc(name)}`;
    const s = { out, base, scope, name, costs };
    if (limits.requestsPerSecond) sliding(s, 'rps', 'requestsPerSecond', 'requests', limits.requestsPerSecond, 1_000, 'second');
    if (limits.requestsPerMinute) sliding(s, 'rpm', 'requestsPerMinute', 'requests', limits.requestsPerMinute, 60_000, 'minute');
    if (limits.tokensPerMinute) sliding(s, 'tpm', 'tokensPerMinute', 'tokens', limits.tokensPerMinute, 60_000, 'minute');
    for (const b of limits.budgets ?? []) {
      const w = calendarWindow(b.window, now);
      if (b.tokens !== undefined) {
        out.push({
          op: { key: `cal:${base}:tok:${b.window}:${w.id}`, group: base, field: FIELD.tok + WINDOW_NO[b.window], kind: 'calendar', limit: b.tokens, cost: costs.tokens, windowMs: 0, windowEnd: w.end },
          scope, name, metric: 'tokens', label: `tokens/${b.window}`, budget: true, window: b.window,
        });
      }
      if (b.usd !== undefined) {
        out.push({
          op: { key: `cal:${base}:usd:${b.window}:${w.id}`, group: base, field: FIELD.usd + WINDOW_NO[b.window], kind: 'calendar', limit: Math.round(b.usd * 1e9), cost: costs.nanoUsd, windowMs: 0, windowEnd: w.end },
          scope, name, metric: 'usd', label: `usd/${b.window}`, budget: true, window: b.window,
        });
      }
    }
  }
  // Two budgets of one window and metric share a counter: keep the stricter limit only.
  const byKey = new Map<string, PlannedRule>();
  for (const r of out) {
    const prev = byKey.get(r.op.key);
    if (!prev || r.op.limit < prev.op.limit) byKey.set(r.op.key, r);
  }
  return byKey.size === out.length ? out : [...byKey.values()];
}

/** True when any scope has a USD budget (then the model must have a price). */
export function needsPrice(scopes: ScopeLimits[]): boolean {
  return scopes.some((s) => s.limits?.budgets?.some((b) => b.usd !== undefined));
}
