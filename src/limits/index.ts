/**
 * The limits stage: token counting, reservations and settlement, rate limits and token/USD
 * budgets, in memory or shared through Redis. Start with {@link createLimiter}; build each
 * call's `AdmitRequest` with {@link admitRequestFor}. See docs/limits.md.
 */
import type { Registry } from 'prom-client';
import type { PriceConfig, StoreConfig } from '../policy/types.js';
import type { Limiter } from './types.js';
import type { LimitStore } from './store.js';
import { MemoryStore } from './memory-store.js';
import { StoreLimiter, type LimitsLogger } from './limiter.js';
import { limitsMetrics } from './metrics.js';
import { usageReport, type UsageRow } from './usage-report.js';
import type { ScopeLimits } from './plan.js';
import { createAddressLimiter, type AddressLimiter, type AddressLimiterOptions } from './address-limiter.js';

export type { AdmitRequest, AdmitResult, Limiter, Reservation, Usage } from './types.js';
export { countRequestTokens, type LlmRoute } from './token-count.js';
export { countTextTokens, encodingNameFor } from './encodings.js';
export { maxOutputTokensOf, usageFromResponse, usageFromStreamEvent, DEFAULT_MAX_OUTPUT_TOKENS } from './usage.js';
export { admitRequestFor, type AdmitInput } from './admit-request.js';
export { OutputMeter, streamDeltaText } from './output-meter.js';
export { findPrice } from './pricing.js';
export { createAddressLimiter, type AddressLimiter, type AddressLimiterOptions, type AddressVerdict } from './address-limiter.js';
export { StoreUnavailableError, type LimitStore } from './store.js';
export { MemoryStore } from './memory-store.js';
export type { UsageRow } from './usage-report.js';
export type { ScopeLimits } from './plan.js';
export type { LimitsLogger } from './limiter.js';

/** Default lifetime of an unsettled reservation's budget holds (ms): a crashed instance's holds age out. */
export const DEFAULT_RESERVATION_TTL_MS = 10 * 60_000;

/** Options of {@link createLimiter}. */
export interface CreateLimiterOptions {
  /** The policy's `store` section (defaults: in memory, fail closed, prefix `llmfw:v1:`). */
  store?: Partial<StoreConfig>;
  /** Redis URL that overrides `REDIS_URL` and `store.redisUrl` (CLI `--redis-url`, tests). */
  redisUrl?: string;
  /** The policy's `pricing` table, or a getter for the current one (hot reload). */
  pricing?: Readonly<Record<string, PriceConfig>> | (() => Readonly<Record<string, PriceConfig>>);
  /** Epoch-ms clock; inject one in tests to roll windows without sleeping. */
  clock?: () => number;
  /** pino (or any logger with warn/error/info). */
  logger?: LimitsLogger;
  /** How long unsettled budget holds count (ms). */
  reservationTtlMs?: number;
  /** prom-client registry for `llmfw_store_*` counters (default: prom-client's global one). */
  metricsRegistry?: Registry;
  /** Redis command timeout (ms); default 1000. */
  commandTimeoutMs?: number;
  /** Environment to read `REDIS_URL` from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The limiter with the extras the admin endpoint and CLI use. */
export interface FirewallLimiter extends Limiter {
  /** `memory` or `redis`. */
  readonly storeKind: 'memory' | 'redis';
  /** The primary store (share it with {@link createAddressLimiter}). */
  readonly store: LimitStore;
  /** Current usage of the given scopes (throws StoreUnavailableError when Redis is down). */
  usage(scopes: ScopeLimits[]): Promise<UsageRow[]>;
  /** An address throttle sharing this limiter's store and clock. */
  addressLimiter(o: Omit<AddressLimiterOptions, 'store' | 'clock'>): AddressLimiter;
}

/**
 * Create the limiter. With a Redis URL (`redisUrl` option, else `REDIS_URL`, else
 * `store.redisUrl`) counters are shared through Redis; otherwise they live in this process.
 * Resolves once Redis is connected or after 2 s (an unreachable Redis at boot is an outage like
 * any other: the fail mode applies and ioredis keeps reconnecting).
 */
export async function createLimiter(opts: CreateLimiterOptions = {}): Promise<FirewallLimiter> {
  const clock = opts.clock ?? Date.now;
  const env = opts.env ?? process.env;
  const url = opts.redisUrl ?? env.REDIS_URL ?? opts.store?.redisUrl ?? null;
  const failMode = opts.store?.failMode ?? 'closed';
  const metrics = limitsMetrics(opts.metricsRegistry);
  const pricing = typeof opts.pricing === 'function' ? opts.pricing : ((p) => () => p)(opts.pricing ?? {});
  let store: LimitStore;
  let fallback: LimitStore | undefined;
  if (url) {
    const { RedisStore } = await import('./redis-store.js');
    let lastLog = 0;
    const redis = new RedisStore({
      url, keyPrefix: opts.store?.keyPrefix ?? 'llmfw:v1:', commandTimeoutMs: opts.commandTimeoutMs,
      redisOptions: { enableAutoPipelining: opts.store?.autoPipelining ?? false },
      onError: (err) => {
        // ioredis emits an error per reconnect attempt; log at most every 5 s.
        const now = Date.now();
        if (now - lastLog > 5_000) { lastLog = now; opts.logger?.warn({ err: { name: err.name, message: err.message } }, 'limits: redis connection error'); }
      },
    });
    await redis.ready();
    store = redis;
    if (failMode === 'open') fallback = new MemoryStore(clock);
  } else {
    store = new MemoryStore(clock);
  }
  const core = new StoreLimiter({
    store, fallback, pricing, clock, metrics, logger: opts.logger,
    reservationTtlMs: opts.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
  });
  return Object.assign(core, {
    storeKind: store.kind,
    usage: (scopes: ScopeLimits[]) => usageReport(store, scopes, clock()),
    addressLimiter: (o: Omit<AddressLimiterOptions, 'store' | 'clock'>) => createAddressLimiter({ ...o, store, clock }),
  }) as unknown as FirewallLimiter;
}
