/**
 * Slows down credential guessing: after `max` failed authentications from one address within
 * `windowSeconds`, that address gets 429 `firewall_auth_throttled` until the window has passed.
 * In memory and per process on purpose (issue 2: "a simple in-memory limit is enough here").
 */

/** Largest number of addresses tracked; beyond it expired entries are pruned, then the oldest. */
const MAX_TRACKED = 10_000;

interface Entry { count: number; resetAt: number }

export class FailedAttemptThrottle {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  /** Seconds until `address` may try again, or 0 when it is not throttled. */
  retryAfter(address: string, max: number): number {
    const e = this.#entries.get(address);
    if (!e) return 0;
    const now = this.#clock();
    if (now >= e.resetAt) { this.#entries.delete(address); return 0; }
    return e.count >= max ? Math.max(1, Math.ceil((e.resetAt - now) / 1000)) : 0;
  }

  /** Count one failure for `address`. */
  fail(address: string, windowSeconds: number): void {
    const now = this.#clock();
    const e = this.#entries.get(address);
    if (e && now < e.resetAt) { e.count++; return; }
    if (this.#entries.size >= MAX_TRACKED) this.#prune(now);
    this.#entries.set(address, { count: 1, resetAt: now + windowSeconds * 1000 });
  }

  #prune(now: number): void {
    for (const [k, e] of this.#entries) if (now >= e.resetAt) this.#entries.delete(k);
    // Still full: drop the oldest insertions (Map iterates in insertion order).
    for (const k of this.#entries.keys()) {
      if (this.#entries.size < MAX_TRACKED) break;
      this.#entries.delete(k);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
