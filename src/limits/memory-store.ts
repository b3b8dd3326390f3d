/**
 * The in-memory store: one process, nothing to install. It runs the same algorithm as the Redis
 * Lua scripts (see store.ts), synchronously, so an admission is atomic by construction (no await
 * between check and take). Expired sliding entries and holds are swept on touch; keys whose
 * windows ended are dropped by a periodic sweep.
 */
import type { LimitStore, PeekResult, PeekRule, ReserveOp, ReserveResult, RuleOp, RuleState, SettleOp } from './store.js';
import { CALENDAR_GRACE_MS } from './store.js';

interface Entry { id: string; amount: number; expires: number }

/**
 * A sliding window: entries in expiry order (they are appended with now + windowMs), plus an
 * index by reservation id so settling is O(1) however many entries the window holds.
 */
interface Sliding { kind: 'sliding'; sum: number; entries: Entry[]; head: number; windowMs: number; byId: Map<string, Entry> }
/**
 * A calendar window: committed usage and holds. `nextExpiry` is a lower bound of every hold's
 * expiry: holds expire only when a call is never settled, so the holds are scanned only once
 * `now` reaches it, not on every admission (a scan per admission made each admission cost
 * O(calls in flight)).
 */
interface Calendar { kind: 'calendar'; used: number; held: number; holds: Map<string, Entry>; windowEnd: number; nextExpiry: number }

/** Sweep every minute; a cheap pass over the map. */
const GC_INTERVAL_MS = 60_000;

/** In-memory {@link LimitStore}. `clock` only drives key garbage collection. */
export class MemoryStore implements LimitStore {
  readonly kind = 'memory' as const;
  #rules = new Map<string, Sliding | Calendar>();
  #gc: NodeJS.Timeout;

  constructor(private readonly clock: () => number = Date.now) {
    this.#gc = setInterval(() => this.#collect(), GC_INTERVAL_MS);
    this.#gc.unref();
  }

  async reserve(op: ReserveOp): Promise<ReserveResult> {
    return this.reserveSync(op);
  }

  /** Synchronous core of {@link reserve} (used by the address limiter's fast path too). */
  reserveSync(op: ReserveOp): ReserveResult {
    const states: RuleState[] = [];
    const rules = op.rules.map((r) => this.#get(r, op.now));
    for (let i = 0; i < op.rules.length; i++) {
      const r = op.rules[i]!;
      const s = rules[i]!;
      const inUse = s.kind === 'sliding' ? s.sum : s.used + s.held;
      if (inUse + r.cost > r.limit) {
        const all = op.rules.map((q, j) => stateOf(rules[j]!, q, op.now, 0));
        return { ok: false, index: i, retryAfterMs: retryAfter(s, r, op.now), states: all };
      }
    }
    for (let i = 0; i < op.rules.length; i++) {
      const r = op.rules[i]!;
      const s = rules[i]!;
      if (!op.dryRun && r.cost > 0) {
        if (s.kind === 'sliding') {
          const en = { id: op.id, amount: r.cost, expires: op.now + r.windowMs };
          s.entries.push(en);
          // Unit entries (request counters) are never settled: no index by id needed.
          if (!r.unit) s.byId.set(op.id, en);
          s.sum += r.cost;
        } else {
          s.holds.set(op.id, { id: op.id, amount: r.cost, expires: op.holdUntil });
          s.held += r.cost;
          if (op.holdUntil < s.nextExpiry) s.nextExpiry = op.holdUntil;
        }
      }
      states.push(stateOf(s, r, op.now, op.dryRun ? r.cost : 0));
    }
    return { ok: true, states };
  }

  async settle(op: SettleOp): Promise<void> {
    for (const e of op.entries) {
      const s = this.#rules.get(e.key);
      if (!s) {
        if (e.kind === 'calendar' && e.actual > 0 && op.now < e.windowEnd + CALENDAR_GRACE_MS) {
          this.#rules.set(e.key, { kind: 'calendar', used: e.actual, held: 0, holds: new Map(), windowEnd: e.windowEnd, nextExpiry: Infinity });
        }
        continue;
      }
      if (s.kind === 'sliding') {
        const en = s.byId.get(op.id);
        if (en && en.amount === e.reserved) {
          s.sum += e.actual - en.amount;
          en.amount = e.actual;
        }
      } else {
        const h = s.holds.get(op.id);
        if (h) {
          s.holds.delete(op.id);
          s.held -= h.amount;
        }
        s.used += e.actual;
      }
    }
  }

  async peek(now: number, rules: PeekRule[]): Promise<PeekResult[]> {
    return rules.map((r) => {
      const s = this.#rules.get(r.key);
      if (!s) return { used: 0, held: 0, resetMs: 0 };
      sweep(s, now);
      if (s.kind === 'sliding') return { used: s.sum, held: 0, resetMs: slidingReset(s, now) };
      return { used: s.used, held: s.held, resetMs: Math.max(0, s.windowEnd - now) };
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#gc);
    this.#rules.clear();
  }

  #get(r: RuleOp, now: number): Sliding | Calendar {
    let s = this.#rules.get(r.key);
    if (!s) {
      s = r.kind === 'sliding'
        ? { kind: 'sliding', sum: 0, entries: [], head: 0, windowMs: r.windowMs, byId: new Map() }
        : { kind: 'calendar', used: 0, held: 0, holds: new Map(), windowEnd: r.windowEnd, nextExpiry: Infinity };
      this.#rules.set(r.key, s);
    }
    sweep(s, now);
    return s;
  }

  #collect(): void {
    const now = this.clock();
    for (const [key, s] of this.#rules) {
      sweep(s, now);
      const dead = s.kind === 'sliding' ? s.entries.length === s.head : now >= s.windowEnd + CALENDAR_GRACE_MS;
      if (dead) this.#rules.delete(key);
    }
  }
}

function sweep(s: Sliding | Calendar, now: number): void {
  if (s.kind === 'sliding') {
    while (s.head < s.entries.length && s.entries[s.head]!.expires <= now) {
      const en = s.entries[s.head++]!;
      s.sum -= en.amount;
      s.byId.delete(en.id);
    }
    // Compact once the dead prefix dominates, so the array does not grow without bound.
    if (s.head > 1024 && s.head * 2 > s.entries.length) {
      s.entries = s.entries.slice(s.head);
      s.head = 0;
    }
  } else if (s.holds.size > 0 && s.nextExpiry <= now) {
    let next = Infinity;
    for (const [id, h] of s.holds) {
      if (h.expires <= now) {
        s.holds.delete(id);
        s.held -= h.amount;
      } else if (h.expires < next) {
        next = h.expires;
      }
    }
    s.nextExpiry = next;
  }
}

function slidingReset(s: Sliding, now: number): number {
  return s.entries.length > s.head ? Math.max(0, s.entries[s.entries.length - 1]!.expires - now) : 0;
}

function stateOf(s: Sliding | Calendar, r: RuleOp, now: number, pending: number): RuleState {
  const inUse = (s.kind === 'sliding' ? s.sum : s.used + s.held) + pending;
  const resetMs = s.kind === 'sliding'
    ? Math.max(slidingReset(s, now), pending > 0 ? r.windowMs : 0)
    : Math.max(0, s.windowEnd - now);
  return { remaining: Math.max(0, r.limit - inUse), resetMs };
}

/** Ms until `r.cost` would fit; the whole window when it never can. */
function retryAfter(s: Sliding | Calendar, r: RuleOp, now: number): number {
  if (r.cost > r.limit) return s.kind === 'sliding' ? r.windowMs : Math.max(0, s.windowEnd - now);
  if (s.kind === 'sliding') {
    let need = s.sum + r.cost - r.limit;
    for (let i = s.head; i < s.entries.length; i++) {
      need -= s.entries[i]!.amount;
      if (need <= 0) return Math.max(1, s.entries[i]!.expires - now);
    }
    return r.windowMs;
  }
  // Blocked only by in-flight holds: they settle (or expire) soon; ask again in a second.
  if (s.used + r.cost <= r.limit) return 1_000;
  return Math.max(1, s.windowEnd - now);
}
