/**
 * The limiter: plans the rules a request touches, asks the store to check-and-reserve them in one
 * atomic step, turns a refusal into a `Denial` with `retryAfter`, and settles reservations to the
 * actual usage. Store failures follow `store.failMode` (see failover-store.ts).
 */
import { randomBytes } from 'node:crypto';
import { deny, type Denial } from '../errors.js';
import type { PriceConfig } from '../policy/types.js';
import type { AdmitRequest, AdmitResult, Limiter, Reservation, Usage } from './types.js';
import type { LimitStore, ReserveResult, SettleEntry } from './store.js';
import { StoreUnavailableError } from './store.js';
import { planRules, needsPrice, type PlannedRule, type ScopeLimits } from './plan.js';
import { findPrice, reserveNanoUsd, usageNanoUsd } from './pricing.js';
import { rateLimitHeaders, type HeaderLimit } from './headers.js';
import type { LimitsMetrics } from './metrics.js';

/** Minimal logger shape (pino satisfies it). */
export interface LimitsLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** What a reservation remembers so settle/release can undo exactly what admit took. */
interface Held {
  settled: boolean;
  now: number;
  price: PriceConfig | undefined;
  rules: PlannedRule[];
  store: LimitStore;
  /** The store's note for settling (ReserveResult.ref). */
  ref: unknown;
}

/** Internal options of {@link StoreLimiter}. */
export interface StoreLimiterOptions {
  store: LimitStore;
  /** Store used when `store` throws {@link StoreUnavailableError} and the policy fails open. */
  fallback?: LimitStore;
  pricing: () => Readonly<Record<string, PriceConfig>>;
  clock: () => number;
  reservationTtlMs: number;
  metrics: LimitsMetrics;
  logger?: LimitsLogger;
}

const UNAVAILABLE_RETRY_S = 1;

/** {@link Limiter} over a {@link LimitStore}. */
export class StoreLimiter implements Limiter {
  readonly #o: StoreLimiterOptions;
  readonly #held = new WeakMap<Reservation, Held>();
  readonly #instance = randomBytes(6).toString('base64url');
  #seq = 0;

  constructor(options: StoreLimiterOptions) {
    this.#o = options;
  }

  async admit(req: AdmitRequest): Promise<AdmitResult> {
    const now = this.#o.clock();
    const scopes = scopesOf(req);
    const price = findPrice(req.pricing ?? this.#o.pricing(), req.model);
    if (!price && needsPrice(scopes)) {
      this.#o.metrics.denied.inc({ code: 'firewall_model_price_unknown' });
      return { ok: false, denial: deny('PRICE_UNKNOWN', req.model), headers: {} };
    }
    const tokens = Math.max(0, Math.ceil(req.promptTokens)) + Math.max(0, Math.ceil(req.maxOutputTokens));
    const nanoUsd = price ? reserveNanoUsd(price, req.promptTokens, req.maxOutputTokens) : 0;
    const rules = planRules(scopes, { requests: 1, tokens, nanoUsd }, now);
    const id = `${this.#instance}.${(this.#seq++).toString(36)}`;
    if (rules.length === 0) {
      // No limit applies to this agent: no store round trip at all.
      return { ok: true, reservation: Object.freeze({ id, reservedTokens: tokens, reservedUsd: nanoUsd / 1e9 }), headers: {} };
    }

    const r = await this.#reserve(id, now, rules);
    if ('denial' in r) return { ok: false, denial: r.denial, headers: { 'retry-after': String(r.denial.retryAfter ?? 1) } };
    const { result, store } = r;
    const headers = headersOf(rules, result);
    if (!result.ok) {
      const rule = rules[result.index]!;
      const denial = denialFor(rule, result.retryAfterMs, req);
      this.#o.metrics.denied.inc({ code: denial.error.code });
      headers['retry-after'] = String(denial.retryAfter);
      return { ok: false, denial, headers };
    }
    const reservation: Reservation = Object.freeze({ id, reservedTokens: tokens, reservedUsd: nanoUsd / 1e9 });
    this.#held.set(reservation, { settled: false, now, price, rules, store, ref: result.ref });
    return { ok: true, reservation, headers };
  }

  async settle(reservation: Reservation, usage: Usage): Promise<void> {
    const h = this.#held.get(reservation);
    if (!h || h.settled) return; // exactly once: a second settle/release is a no-op
    h.settled = true;
    const actualTokens = usage.inputTokens + usage.outputTokens;
    const actualNano = h.price ? usageNanoUsd(h.price, usage) : 0;
    const entries: SettleEntry[] = [];
    for (const r of h.rules) {
      if (r.metric === 'requests') continue;
      const actual = r.metric === 'usd' ? actualNano : actualTokens;
      // A sliding entry that was exact needs no change; a calendar hold must still become usage.
      if (actual === r.op.cost && r.op.kind === 'sliding') continue;
      entries.push({ key: r.op.key, group: r.op.group, field: r.op.field, kind: r.op.kind, reserved: r.op.cost, actual, windowEnd: r.op.windowEnd,
        expiresAt: r.op.kind === 'sliding' ? h.now + r.op.windowMs : undefined });
    }
    if (entries.length === 0) return;
    try {
      await h.store.settle({ id: reservation.id, now: this.#o.clock(), entries, ref: h.ref });
    } catch (err) {
      // The hold ages out on its own (sliding window or hold expiry); nothing leaks for long.
      this.#o.metrics.storeErrors.inc({ store: h.store.kind, op: 'settle' });
      this.#o.logger?.warn({ err: errInfo(err), reservation: reservation.id }, 'limits: settle failed; the hold will expire');
    }
  }

  async release(reservation: Reservation, usage?: Usage): Promise<void> {
    return this.settle(reservation, usage ?? { inputTokens: 0, outputTokens: 0 });
  }

  async admitToolCall(req: { agent: string; server: string; tool: string; callsPerMinute: number }):
    Promise<{ ok: true } | { ok: false; denial: Denial; headers: Record<string, string> }> {
    const now = this.#o.clock();
    const rule: PlannedRule = {
      op: { key: `sw:tool:${encodeURIComponent(req.agent)}:${encodeURIComponent(req.server)}:${encodeURIComponent(req.tool)}`,
        kind: 'sliding', limit: req.callsPerMinute, cost: 1, windowMs: 60_000, windowEnd: 0, unit: true },
      scope: 'agent', name: req.agent, metric: 'requests', label: `callsPerMinute of tool ${req.server}/${req.tool}`,
      budget: false, window: 'minute',
    };
    const r = await this.#reserve(`${this.#instance}.${(this.#seq++).toString(36)}`, now, [rule]);
    if ('denial' in r) return { ok: false, denial: r.denial, headers: { 'retry-after': String(r.denial.retryAfter ?? 1) } };
    if (r.result.ok) return { ok: true };
    const denial = denialFor(rule, r.result.retryAfterMs);
    this.#o.metrics.denied.inc({ code: denial.error.code });
    return { ok: false, denial, headers: { 'retry-after': String(denial.retryAfter) } };
  }

  async close(): Promise<void> {
    await this.#o.store.close();
    await this.#o.fallback?.close();
  }

  /** The primary store (for usage reports). */
  get store(): LimitStore {
    return this.#o.store;
  }

  async #reserve(id: string, now: number, rules: PlannedRule[]):
    Promise<{ result: ReserveResult; store: LimitStore } | { denial: Denial }> {
    const op = { id, now, holdUntil: now + this.#o.reservationTtlMs, rules: rules.map((r) => r.op) };
    try {
      return { result: await this.#o.store.reserve(op), store: this.#o.store };
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      this.#o.metrics.storeErrors.inc({ store: this.#o.store.kind, op: 'reserve' });
      if (!this.#o.fallback) {
        this.#o.logger?.error({ err: errInfo(err) }, 'limits: store unavailable; failing closed');
        this.#o.metrics.denied.inc({ code: 'firewall_store_unavailable' });
        return { denial: deny('STORE_UNAVAILABLE', undefined, { retryAfter: UNAVAILABLE_RETRY_S }) };
      }
      this.#o.logger?.warn({ err: errInfo(err) }, 'limits: store unavailable; failing open to the local limiter');
      this.#o.metrics.storeFailOpen.inc();
      return { result: await this.#o.fallback.reserve(op), store: this.#o.fallback };
    }
  }
}

function scopesOf(req: AdmitRequest): ScopeLimits[] {
  const s: ScopeLimits[] = [{ scope: 'agent', name: req.agent, limits: req.limits }];
  if (req.team && req.teamLimits) s.push({ scope: 'team', name: req.team, limits: req.teamLimits });
  if (req.keyId && req.keyLimits) s.push({ scope: 'key', name: req.keyId, limits: req.keyLimits });
  return s;
}

/** Headers from the agent's own limits (what the caller can act on). */
function headersOf(rules: PlannedRule[], result: ReserveResult): Record<string, string> {
  const requests: HeaderLimit[] = [];
  const tokens: HeaderLimit[] = [];
  rules.forEach((r, i) => {
    const st = result.states[i];
    if (!st || r.scope !== 'agent' || r.metric === 'usd') return;
    (r.metric === 'requests' ? requests : tokens).push({ limit: r.op.limit, remaining: st.remaining, resetMs: st.resetMs });
  });
  return rateLimitHeaders(requests, tokens);
}

const WINDOW_WORD = { second: 'second', minute: 'minute', hour: 'hour (UTC)', day: 'day (UTC)', month: 'month (UTC)' } as const;

function denialFor(rule: PlannedRule, retryAfterMs: number, req?: AdmitRequest): Denial {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const who = rule.scope === 'key' ? 'this key' : `${rule.scope} ${rule.name}`;
  const amount = rule.metric === 'usd' ? `USD ${(rule.op.limit / 1e9).toFixed(2)}` : `${rule.op.limit} ${rule.metric}`;
  const what = rule.budget ? `${amount} budget per ${WINDOW_WORD[rule.window]}` : `${amount} per ${rule.window}`;
  let detail = `${who} reached its limit of ${what}; retry after ${retryAfter}s.`;
  if (rule.op.cost > rule.op.limit && req && rule.metric !== 'requests') {
    detail = `this request reserves ${rule.metric === 'usd' ? `USD ${(rule.op.cost / 1e9).toFixed(4)}` : `${rule.op.cost} tokens`} `
      + `(prompt ${req.promptTokens} + max output ${req.maxOutputTokens}), more than ${who}'s limit of ${what}; lower max_tokens.`;
  }
  return deny(rule.budget ? 'BUDGET_EXCEEDED' : 'RATE_LIMITED', detail, { retryAfter });
}

function errInfo(err: unknown): { name?: string; message?: string } {
  return err instanceof Error ? { name: err.name, message: err.message } : { message: String(err) };
}
