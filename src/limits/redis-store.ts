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
import type { LimitStore, PeekResult, PeekRule, ReserveOp, ReserveResult, RuleState, SettleOp } from './store.js';
import { CALENDAR_GRACE_MS, StoreUnavailableError } from './store.js';
import { LIMITS_LUA } from './redis-scripts.js';
import { entry, Packer } from './script-args.js';
import { Call, GroupKeys, putSettles, settleArgs, type HoldRef } from './redis-call.js';

type Script = (numKeys: number, args: Array<string | Buffer>) => Promise<unknown>;
interface Scripted { llmfwLimits: Script }

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key (`llmfw:v1:`); the limits keys then carry their own layout version (`lim2:`). */
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

interface QueuedSettle { op: SettleOp; resolve: () => void; reject: (err: Error) => void }

/** Settlement entries (counters) carried by one script call at most: keeps each call short. */
const MAX_RIDER_ENTRIES = 64;

/** {@link LimitStore} on Redis. */
export class RedisStore implements LimitStore {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  readonly #settleDelayMs: number;
  /** Settlements waiting for an admission (or the timer) to carry them. */
  #queue: QueuedSettle[] = [];
  /** Counters to settle across the queue (a settlement touches one per budget or window). */
  #queuedEntries = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #groupKeys: GroupKeys;

  constructor(o: RedisStoreOptions) {
    this.#groupKeys = new GroupKeys(o.keyPrefix);
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
    this.client.defineCommand('llmfwLimits', { lua: LIMITS_LUA });
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
    const call = new Call(this.#groupKeys);
    const rules: number[] = [];
    // Entries to add on admission: one per group and sliding window length (all its sliding
    // rules' amounts), one hold per group (all its calendar amounts): see redis-scripts.ts.
    const sliding = new Map<string, [number, number, number[]]>();
    const holds = new Map<number, number[]>();
    for (const r of op.rules) {
      const g = call.group(r.group ?? r.key);
      const field = r.field ?? 0;
      if (r.kind === 'sliding') {
        rules.push(g, 1, field, r.limit, r.cost, r.windowMs);
        if (r.cost > 0) {
          const k = `${g}:${r.windowMs}`;
          const e = sliding.get(k);
          if (e) e[2].push(field, r.cost);
          else sliding.set(k, [g, op.now + r.windowMs, [field, r.cost]]);
        }
      } else {
        rules.push(g, 2, field, r.limit, r.cost, r.windowEnd);
        if (r.cost > 0) {
          const h = holds.get(g);
          if (h) h.push(field, r.windowEnd, r.cost);
          else holds.set(g, [field, r.windowEnd, r.cost]);
        }
      }
    }
    const riders = this.#take();
    const settles = settleArgs(call, riders);
    const p = new Packer().nums(op.dryRun ? 2 : 1, op.now, CALENDAR_GRACE_MS, rules.length / 6, sliding.size + holds.size, settles.length / 7);
    p.nums(...rules);
    for (const [g, score, values] of sliding.values()) p.nums(g, score).bytes(entry(1, op.id, values));
    const ref: HoldRef[] = [];
    for (const [g, values] of holds) {
      const member = entry(2, op.id, values);
      p.nums(g, op.holdUntil).bytes(member);
      ref.push([call.names[g - 1]!, member]);
    }
    putSettles(p, settles);
    let raw: number[];
    try {
      raw = (await this.#run('Reserve', call, p)) as number[];
    } catch (err) {
      for (const q of riders) q.reject(err as Error);
      throw err;
    }
    for (const q of riders) q.resolve();
    const states: RuleState[] = [];
    for (let i = 3; i < raw.length; i += 2) states.push({ remaining: Number(raw[i]), resetMs: Number(raw[i + 1]) });
    if (Number(raw[0]) === 1) return { ok: true, states, ref };
    return { ok: false, index: Number(raw[1]) - 1, retryAfterMs: Number(raw[2]), states };
  }

  /** Queue the settlement; it resolves once applied (with the next admission or the timer's batch). */
  settle(op: SettleOp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ op, resolve, reject });
      this.#queuedEntries += op.entries.length;
      if (this.#queuedEntries >= MAX_RIDER_ENTRIES) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#settleDelayMs);
    });
  }

  async peek(now: number, rules: PeekRule[]): Promise<PeekResult[]> {
    if (rules.length === 0) return [];
    this.#flush(); // queued settlements first: same connection, so Redis applies them before the peek
    const call = new Call(this.#groupKeys);
    const p = new Packer().nums(4, now, CALENDAR_GRACE_MS, rules.length, 0, 0);
    for (const r of rules) {
      p.nums(call.group(r.group ?? r.key), r.kind === 'sliding' ? 1 : 2, r.field ?? 0, 0, 0, r.kind === 'sliding' ? r.windowMs : r.windowEnd);
    }
    const raw = (await this.#run('Peek', call, p)) as number[];
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
      const call = new Call(this.#groupKeys);
      const settles = settleArgs(call, batch);
      const p = new Packer().nums(3, 0, CALENDAR_GRACE_MS, 0, 0, settles.length / 7);
      putSettles(p, settles);
      this.#run('Settle', call, p)
        .then(() => { for (const q of batch) q.resolve(); }, (err: Error) => { for (const q of batch) q.reject(err); });
    }
  }

  /** One script call; `op` names it in errors (`redis llmfwPeek failed: …`). */
  async #run(op: 'Reserve' | 'Settle' | 'Peek', call: Call, p: Packer): Promise<unknown> {
    try {
      return await (this.client as unknown as Scripted).llmfwLimits(call.keys.length, [...call.keys, ...p.args()]);
    } catch (err) {
      throw new StoreUnavailableError(`redis llmfw${op} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}
