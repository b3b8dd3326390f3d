/**
 * The store interface behind the limiter. A store knows nothing of agents, models or money: it
 * keeps counters ("rules") and applies a whole admission atomically — check every rule, then take
 * from every rule, or take from none. Two rule kinds:
 *
 * - `sliding`: an exact sliding window (log of entries, each expiring `windowMs` after it was
 *   taken, plus a running sum). Used for requests/second, requests/minute, tokens/minute and MCP
 *   tool calls. An entry that is never settled ages out with its window.
 * - `calendar`: a fixed UTC window (`windowEnd`), with committed usage plus holds. A hold expires
 *   at `holdUntil`, so a crashed instance's reservations stop counting against the budget.
 *
 * `MemoryStore` and `RedisStore` implement the same algorithm (the Redis one in Lua).
 */

/** One counter touched by an admission. */
export interface RuleOp {
  /** Storage key (the store adds its prefix). */
  key: string;
  /** Rules of one group (a scope: agent, team, key) that the Redis store keeps together, as
   * fields of one hash and entries of one sorted set: one read and one write per group instead
   * of per rule. Default: the key. */
  group?: string;
  /** The rule's number inside its group (calendar: whatever the window, which the store
   * tracks), 0–999; stored, so stable across releases. Default 0. */
  field?: number;
  kind: 'sliding' | 'calendar';
  /** Largest allowed sum in the window. */
  limit: number;
  /** Units to take now (requests, tokens or nano-USD). */
  cost: number;
  /** Sliding: window length in ms. */
  windowMs: number;
  /** Calendar: window end (epoch ms, exclusive). */
  windowEnd: number;
  /** Sliding: every entry of this key counts exactly 1 and is never settled (request and call
   * counters), so Redis can sweep it by count without reading the expired entries. */
  unit?: boolean;
}

/** A rule's state after the admission (or before it, on a denial). */
export interface RuleState {
  /** Units left in the window (never negative). */
  remaining: number;
  /** Ms until the window is back to its initial state. */
  resetMs: number;
}

export type ReserveResult =
  /** `ref`: what the store needs back to settle this reservation (opaque; pass it to settle). */
  | { ok: true; states: RuleState[]; ref?: unknown }
  | { ok: false; /** Index of the first rule that refused. */ index: number; retryAfterMs: number; states: RuleState[] };

/** Replace a held amount by the actual one. */
export interface SettleEntry {
  key: string;
  /** As in {@link RuleOp}. */
  group?: string;
  field?: number;
  kind: 'sliding' | 'calendar';
  reserved: number;
  actual: number;
  /** Calendar: window end, to keep the key alive until then. */
  windowEnd: number;
  /** Sliding: when the admission's entry leaves the window (admission time + windowMs); lets
   * the Redis script move the entry without first reading its score. Optional. */
  expiresAt?: number;
}

export interface ReserveOp {
  /** Reservation id; unique across instances. */
  id: string;
  now: number;
  /** When calendar holds of this reservation expire if never settled. */
  holdUntil: number;
  rules: RuleOp[];
  /** Check only: report what would happen, take nothing. */
  dryRun?: boolean;
}

/** A settlement: the reservation's id, the entries to settle and the admission's `ref`. */
export interface SettleOp { id: string; now: number; entries: SettleEntry[]; ref?: unknown }

/** What a usage report names per rule. */
export type PeekRule = Pick<RuleOp, 'key' | 'group' | 'field' | 'kind' | 'windowMs' | 'windowEnd'>;

/** Current usage of one rule, for reporting. */
export interface PeekResult {
  /** Committed (calendar) or in-window (sliding) units, holds excluded. */
  used: number;
  /** Calendar holds not yet settled (sliding windows count holds in `used`). */
  held: number;
  resetMs: number;
}

export interface LimitStore {
  readonly kind: 'memory' | 'redis';
  reserve(op: ReserveOp): Promise<ReserveResult>;
  settle(op: SettleOp): Promise<void>;
  peek(now: number, rules: PeekRule[]): Promise<PeekResult[]>;
  close(): Promise<void>;
}

/** Thrown by a store that cannot reach its backend; the limiter applies the fail mode. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** How long calendar keys outlive their window, so late settlements still land (ms). */
export const CALENDAR_GRACE_MS = 3_600_000;
