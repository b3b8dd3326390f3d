/**
 * Per-client-address throttle for unauthenticated traffic (the proxy's auth-failure throttle):
 * at most `max` failed attempts per address in any sliding `windowSeconds`, so guessing keys is
 * slow. It shares the limiter's store (Redis when configured, so the count is global across
 * instances); when that store is down it counts locally instead of refusing everyone — this is a
 * brake on guessing, and authentication itself still fails closed.
 */
import type { LimitStore, ReserveOp } from './store.js';
import { StoreUnavailableError } from './store.js';
import { MemoryStore } from './memory-store.js';

/** Result of an address check. */
export type AddressVerdict = { ok: true; remaining: number } | { ok: false; retryAfter: number };

/** A per-address sliding-window counter. */
export interface AddressLimiter {
  /** Would one more failure be allowed? Counts nothing. Call before authenticating. */
  check(address: string): Promise<AddressVerdict>;
  /** Record one failed attempt; `ok: false` once the address is over the limit. */
  fail(address: string): Promise<AddressVerdict>;
  close(): Promise<void>;
}

/** Options of {@link createAddressLimiter}. */
export interface AddressLimiterOptions {
  /** Failures allowed per window (policy `auth.failedAttempts.max`). */
  max: number;
  /** Window length (policy `auth.failedAttempts.windowSeconds`). */
  windowSeconds: number;
  /** Shared store (e.g. the limiter's); in memory when absent. */
  store?: LimitStore;
  clock?: () => number;
}

/**
 * Create an address throttle. Usage in an auth hook:
 * `if (!(await t.check(ip)).ok) deny AUTH_THROTTLED; … on failure: await t.fail(ip)`.
 */
export function createAddressLimiter(o: AddressLimiterOptions): AddressLimiter {
  const clock = o.clock ?? Date.now;
  const local = new MemoryStore(clock);
  const shared = o.store ?? local;
  let seq = 0;
  const run = async (address: string, dryRun: boolean): Promise<AddressVerdict> => {
    const now = clock();
    const op: ReserveOp = {
      id: `a${(seq++).toString(36)}.${now.toString(36)}`, now, holdUntil: now, dryRun,
      rules: [{ key: `sw:addr:${encodeURIComponent(address)}`, kind: 'sliding', limit: o.max, cost: 1, windowMs: o.windowSeconds * 1000, windowEnd: 0, unit: true }],
    };
    let r;
    try {
      r = await shared.reserve(op);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
      r = local.reserveSync(op);
    }
    return r.ok ? { ok: true, remaining: r.states[0]?.remaining ?? 0 } : { ok: false, retryAfter: Math.max(1, Math.ceil(r.retryAfterMs / 1000)) };
  };
  return {
    check: (a) => run(a, true),
    fail: (a) => run(a, false),
    close: () => local.close(),
  };
}
