/**
 * The Redis store: the same algorithm as MemoryStore, run by the Lua scripts in
 * redis-scripts.ts (ioredis `defineCommand` sends EVALSHA and falls back to EVAL on NOSCRIPT,
 * e.g. after a Redis restart).
 *
 * One round trip per request: a settlement is queued and rides along with the next admission
 * (the reserve script applies it first, atomically), or goes out in one batch after
 * `settleDelayMs` when no admission comes. A Redis command costs more in syscalls, wake-ups and
 * reply handling on both ends than the script's work (bench:limits, CPU ms per request), so
 * this roughly halves what Redis costs per request. The delay only postpones handing back
 * unused reservation, never admits more; `settle()` resolves once the batch is applied, and a
 * `peek` sends queued settlements first (same connection, so in order).
 *
 * Outages must not hang requests: the offline queue is off (a command while disconnected fails
 * at once), commands time out after `commandTimeoutMs`, and ioredis reconnects in the background
 * with a capped backoff, so shared limiting resumes by itself when Redis returns. Every failure
 * surfaces as {@link StoreUnavailableError}; the limiter applies the policy's fail mode.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { LimitStore, PeekResult, ReserveOp, ReserveResult, RuleOp, RuleState, SettleEntry } from './store.js';
import { CALENDAR_GRACE_MS, StoreUnavailableError } from './store.js';
import { PEEK_LUA, RESERVE_LUA, SETTLE_LUA } from './redis-scripts.js';

type Script = (numKeys: number, args: string[]) => Promise<unknown>;
interface Scripted { llmfwReserve: Script; llmfwSettle: Script; llmfwPeek: Script }

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key; versioned (`llmfw:v1:`) so a format change can move to v2. */
  keyPrefix: string;
  /** A command that takes longer fails (ms). Default 1000: long enough that a saturated event loop (timers fire before socket reads) does not turn slow replies into false outages, short enough that a hung Redis cannot stall requests. */
  commandTimeoutMs?: number;
  /** Extra ioredis options (tests, TLS). */
  redisOptions?: RedisOptions;
  /** Called on connection errors (already rate-limited by ioredis' backoff). */
  onError?: (err: Error) => void;
  /** How long a settlement may wait for an admission to ride along with (ms). Default 5. */
  settleDelayMs?: number;
}

interface QueuedSettle { op: { id: string; now: number; entries: SettleEntry[] }; resolve: () => void; reject: (err: Error) => void }

/** Settlement entries (counters) carried by one script call at most: keeps each call short. */
const MAX_RIDER_ENTRIES = 64;

/** {@link LimitStore} on Redis. */
export class RedisStore implements LimitStore {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  readonly #prefix: string;
  readonly #settleDelayMs: number;
  /** Settlements waiting for an admission (or the timer) to carry them. */
  #queue: QueuedSettle[] = [];
  /** Counters to settle across the queue (a settlement touches one per budget or window). */
  #queuedEntries = 0;
  #timer: NodeJS.Timeout | undefined;
  /** `<prefix><key>` and its `:z`, per rule key, so hot keys are not rebuilt on every call. */
  #keyCache = new Map<string, readonly [string, string]>();

  constructor(o: RedisStoreOptions) {
    this.#prefix = o.keyPrefix;
    this.#settleDelayMs = o.settleDelayMs ?? 5;
    this.client = new Redis(o.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: o.commandTimeoutMs ?? 1_000,
      connectTimeout: 1_000,
      // Reconnect forever with a short capped backoff: recovery within ~1 s of Redis returning.
      retryStrategy: (times) => Math.min(50 * times, 1_000),
      ...o.redisOptions,
    });
    this.client.on('error', (err: Error) => o.onError?.(err));
    this.client.defineCommand('llmfwReserve', { lua: RESERVE_LUA });
    this.client.defineCommand('llmfwSettle', { lua: SETTLE_LUA });
    this.client.defineCommand('llmfwPeek', { lua: PEEK_LUA });
  }

  /** Resolve once connected (or after `timeoutMs`, connected or not: the fail mode covers the rest). */
  async ready(timeoutMs = 2_000): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (v: boolean) => { clearTimeout(t); this.client.off('ready', onReady); resolve(v); };
      const onReady = () => done(true);
      const t = setTimeout(() => done(false), timeoutMs);
      this.client.once('ready', onReady);
    });
  }

  /** Round trip to Redis (readiness checks); throws {@link StoreUnavailableError} when it is down. */
  async ping(): Promise<void> {
    try {
      await this.client.ping();
    } catch (err) {
      throw new StoreUnavailableError(`redis ping failed: ${(err as Error).message}`, { cause: err });
    }
  }

  async reserve(op: ReserveOp): Promise<ReserveResult> {
    const argv: string[] = [];
    for (const r of op.rules) this.#pushKeys(argv, r.countOf ?? r.key);
    const riders = this.#take();
    for (const q of riders) for (const e of q.op.entries) this.#pushKeys(argv, e.key);
    const hold = String(op.holdUntil);
    argv.push(String(op.now), hold, op.dryRun ? '1' : '0', String(op.rules.length), GRACE, String(entryCount(riders)));
    for (const r of op.rules) {
      const cost = String(r.cost);
      const sliding = r.kind === 'sliding';
      argv.push(sliding ? (r.countOf ? 'n' : r.unit ? 'u' : 's') : 'c', String(r.limit), cost, `${op.id}|${cost}`,
        sliding ? String(op.now + r.windowMs) : hold, String(r.windowMs), String(r.windowEnd));
    }
    pushSettleArgs(argv, riders);
    let raw: Array<number | string>;
    try {
      raw = (await this.#run('llmfwReserve', 2 * (op.rules.length + entryCount(riders)), argv)) as Array<number | string>;
    } catch (err) {
      for (const q of riders) q.reject(err as Error);
      throw err;
    }
    for (const q of riders) q.resolve();
    const states: RuleState[] = [];
    for (let i = 3; i < raw.length; i += 2) states.push({ remaining: Number(raw[i]), resetMs: Number(raw[i + 1]) });
    if (Number(raw[0]) === 1) return { ok: true, states };
    return { ok: false, index: Number(raw[1]) - 1, retryAfterMs: Number(raw[2]), states };
  }

  /** Queue the settlement; it resolves once applied (with the next admission or the timer's batch). */
  settle(op: { id: string; now: number; entries: SettleEntry[] }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      this.#queuedEntries += op.entries.length;
      if (this.#queuedEntries >= MAX_RIDER_ENTRIES) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#settleDelayMs);
    });
  }

  async peek(now: number, rules: Array<Pick<RuleOp, 'key' | 'kind' | 'windowMs' | 'windowEnd' | 'countOf'>>): Promise<PeekResult[]> {
    if (rules.length === 0) return [];
    this.#flush(); // queued settlements first: same connection, so Redis applies them before the peek
    const argv: string[] = [];
    for (const r of rules) this.#pushKeys(argv, r.countOf ?? r.key);
    argv.push(String(now), String(rules.length));
    for (const r of rules) argv.push(r.kind === 'sliding' ? (r.countOf ? 'n' : 's') : 'c', String(r.windowEnd));
    const raw = (await this.#run('llmfwPeek', 2 * rules.length, argv)) as string[];
    const out: PeekResult[] = [];
    for (let i = 0; i < raw.length; i += 3) out.push({ used: Number(raw[i]), held: Number(raw[i + 1]), resetMs: Number(raw[i + 2]) });
    return out;
  }

  async close(): Promise<void> {
    this.#flush();
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** Queued settlements up to MAX_RIDER_ENTRIES counters (at least one), removed from the queue. */
  #take(): QueuedSettle[] {
    if (this.#queue.length === 0) return [];
    let riders: QueuedSettle[];
    if (this.#queuedEntries <= MAX_RIDER_ENTRIES) {
      riders = this.#queue;
      this.#queue = [];
      this.#queuedEntries = 0;
    } else {
      let n = 1;
      let entries = this.#queue[0]!.op.entries.length;
      while (n < this.#queue.length && entries + this.#queue[n]!.op.entries.length <= MAX_RIDER_ENTRIES) entries += this.#queue[n++]!.op.entries.length;
      riders = this.#queue.splice(0, n);
      this.#queuedEntries -= entries;
    }
    if (this.#queue.length === 0 && this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    return riders;
  }

  /** Send every queued settlement now, in batches (no admission to ride along with). */
  #flush(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    while (this.#queue.length > 0) {
      const batch = this.#take();
      const argv: string[] = [];
      for (const q of batch) for (const e of q.op.entries) this.#pushKeys(argv, e.key);
      const numKeys = argv.length;
      argv.push(String(entryCount(batch)));
      pushSettleArgs(argv, batch);
      this.#run('llmfwSettle', numKeys, argv)
        .then(() => { for (const q of batch) q.resolve(); }, (err: Error) => { for (const q of batch) q.reject(err); });
    }
  }

  #pushKeys(argv: string[], key: string): void {
    let k = this.#keyCache.get(key);
    if (!k) {
      // Calendar keys carry their window id, so the cache turns over; bound it.
      if (this.#keyCache.size >= 10_000) this.#keyCache.clear();
      k = [this.#prefix + key, `${this.#prefix}${key}:z`] as const;
      this.#keyCache.set(key, k);
    }
    argv.push(k[0], k[1]);
  }

  async #run(name: keyof Scripted, numKeys: number, argv: string[]): Promise<unknown> {
    try {
      return await (this.client as unknown as Scripted)[name](numKeys, argv);
    } catch (err) {
      throw new StoreUnavailableError(`redis ${name} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}

function entryCount(qs: QueuedSettle[]): number {
  let n = 0;
  for (const q of qs) n += q.op.entries.length;
  return n;
}

const GRACE = String(CALENDAR_GRACE_MS);

/** 7 arguments per entry in the layout of the scripts' settleAll (strings built here, not in Lua). */
function pushSettleArgs(argv: string[], qs: QueuedSettle[]): void {
  for (const q of qs) {
    const { id, now } = q.op;
    for (const e of q.op.entries) {
      const member = `${id}|${e.reserved}`;
      // A settlement rides with an admission: a value HINCRBY refuses would fail that admission
      // too, so amounts are whole and non-negative here (usage figures come from the upstream).
      const actual = Number.isFinite(e.actual) && e.actual > 0 ? Math.ceil(e.actual) : 0;
      if (e.kind === 'sliding') {
        // The entry stays even at 0: a requests-per-minute rule may count it (RuleOp.countOf).
        argv.push('s', member, `${id}|${actual}`, String(e.expiresAt ?? 0), String(actual - e.reserved), '0', '0');
      } else {
        argv.push('c', member, '', '0', String(-e.reserved), String(actual), String(Math.max(1, e.windowEnd + CALENDAR_GRACE_MS - now)));
      }
    }
  }
}
