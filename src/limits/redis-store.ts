/**
 * The Redis store: the same algorithm as MemoryStore, run by the Lua scripts in
 * redis-scripts.ts. One EVALSHA per admission and one per settlement (ioredis `defineCommand`
 * sends EVALSHA and falls back to EVAL on NOSCRIPT, e.g. after a Redis restart).
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

type Script = (numKeys: number, ...args: string[]) => Promise<unknown>;
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
}

/** {@link LimitStore} on Redis. */
export class RedisStore implements LimitStore {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  readonly #prefix: string;

  constructor(o: RedisStoreOptions) {
    this.#prefix = o.keyPrefix;
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
    const keys = this.#keys(op.rules);
    const args = [op.id, String(op.now), String(op.holdUntil), op.dryRun ? '1' : '0', String(op.rules.length), String(CALENDAR_GRACE_MS)];
    for (const r of op.rules) args.push(r.kind === 'sliding' ? 's' : 'c', String(r.limit), String(r.cost), String(r.windowMs), String(r.windowEnd));
    const raw = (await this.#run('llmfwReserve', keys, args)) as Array<number | string>;
    const states: RuleState[] = [];
    for (let i = 3; i < raw.length; i += 2) states.push({ remaining: Number(raw[i]), resetMs: Number(raw[i + 1]) });
    if (Number(raw[0]) === 1) return { ok: true, states };
    return { ok: false, index: Number(raw[1]) - 1, retryAfterMs: Number(raw[2]), states };
  }

  async settle(op: { id: string; now: number; entries: SettleEntry[] }): Promise<void> {
    const keys = this.#keys(op.entries);
    const args = [op.id, String(op.now), String(CALENDAR_GRACE_MS), String(op.entries.length)];
    for (const e of op.entries) {
      args.push(e.kind === 'sliding' ? 's' : 'c', String(e.reserved), String(e.actual), String(e.kind === 'sliding' ? e.expiresAt ?? 0 : e.windowEnd));
    }
    await this.#run('llmfwSettle', keys, args);
  }

  async peek(now: number, rules: Array<Pick<RuleOp, 'key' | 'kind' | 'windowMs' | 'windowEnd'>>): Promise<PeekResult[]> {
    if (rules.length === 0) return [];
    const args = [String(now), String(rules.length)];
    for (const r of rules) args.push(r.kind === 'sliding' ? 's' : 'c', String(r.windowEnd));
    const raw = (await this.#run('llmfwPeek', this.#keys(rules), args)) as string[];
    const out: PeekResult[] = [];
    for (let i = 0; i < raw.length; i += 3) out.push({ used: Number(raw[i]), held: Number(raw[i + 1]), resetMs: Number(raw[i + 2]) });
    return out;
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  #keys(rules: ReadonlyArray<{ key: string }>): string[] {
    const keys: string[] = [];
    for (const r of rules) keys.push(this.#prefix + r.key, `${this.#prefix}${r.key}:z`);
    return keys;
  }

  async #run(name: keyof Scripted, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await (this.client as unknown as Scripted)[name](keys.length, ...keys, ...args);
    } catch (err) {
      throw new StoreUnavailableError(`redis ${name} failed: ${(err as Error).message}`, { cause: err });
    }
  }
}
