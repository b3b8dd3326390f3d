/**
 * The pin store in Redis, for several firewall instances (and hosts) sharing one set of approved
 * tool definitions. Two hashes, field `server\0tool` → JSON record:
 * `<prefix>mcp:pins:v1` (approved) and `<prefix>mcp:pending:v1` (changed, awaiting approval).
 * `check` runs as one Lua script so two instances seeing a new tool at once pin it exactly once.
 */
import { Redis } from 'ioredis';
import type { PendingRecord, PinRecord, PinStatus, PinStore, ToolDefinition } from './pins.js';

const CHECK = `
local pin = redis.call('HGET', KEYS[1], ARGV[1])
if not pin then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 'new'
end
if cjson.decode(pin).hash == ARGV[2] then return 'pinned' end
local pending = redis.call('HGET', KEYS[2], ARGV[1])
if (not pending) or cjson.decode(pending).hash ~= ARGV[2] then
  local rec = cjson.decode(ARGV[4])
  rec.pinnedHash = cjson.decode(pin).hash
  redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(rec))
end
return 'changed'
`;

const APPROVE = `
local n = 0
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local rec = cjson.decode(all[i + 1])
  if rec.server == ARGV[1] and (ARGV[2] == '' or rec.tool == ARGV[2]) then
    redis.call('HSET', KEYS[1], all[i], cjson.encode({ server = rec.server, tool = rec.tool, hash = rec.hash, approvedAt = ARGV[3] }))
    redis.call('HDEL', KEYS[2], all[i])
    n = n + 1
  end
end
return n
`;

/** Pins in Redis (`store.redisUrl` / `REDIS_URL`). */
export class RedisPinStore implements PinStore {
  readonly #redis: Redis;
  readonly #pins: string;
  readonly #pending: string;

  constructor(url: string, keyPrefix = 'llmfw:') {
    // Fail fast rather than queue forever: a tools/list waiting on a dead Redis would hang the client.
    this.#redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 1000 });
    this.#redis.on('error', () => { /* surfaced per command; ioredis keeps reconnecting */ });
    this.#pins = `${keyPrefix}mcp:pins:v1`;
    this.#pending = `${keyPrefix}mcp:pending:v1`;
  }

  /** Wait until connected (tests, CLI). */
  async ready(): Promise<void> {
    if (this.#redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      this.#redis.once('ready', () => resolve());
      this.#redis.once('end', () => reject(new Error('redis connection ended')));
    });
  }

  async check(server: string, def: ToolDefinition, hash: string): Promise<PinStatus> {
    const now = new Date().toISOString();
    const pin: PinRecord = { server, tool: def.name, hash, approvedAt: now };
    const pending = { server, tool: def.name, hash, seenAt: now, description: (def.description ?? '').slice(0, 500) };
    const r = await this.#redis.eval(CHECK, 2, this.#pins, this.#pending, `${server}\u0000${def.name}`, hash, JSON.stringify(pin), JSON.stringify(pending));
    return r as PinStatus;
  }

  async isApproved(server: string, tool: string, hash: string): Promise<boolean> {
    const raw = await this.#redis.hget(this.#pins, `${server}\u0000${tool}`);
    return raw !== null && (JSON.parse(raw) as PinRecord).hash === hash;
  }

  async list(): Promise<{ pins: PinRecord[]; pending: PendingRecord[] }> {
    const [pins, pending] = await Promise.all([this.#redis.hgetall(this.#pins), this.#redis.hgetall(this.#pending)]);
    return {
      pins: Object.values(pins).map((v) => JSON.parse(v) as PinRecord),
      pending: Object.values(pending).map((v) => JSON.parse(v) as PendingRecord),
    };
  }

  async approve(server: string, tool?: string): Promise<number> {
    return Number(await this.#redis.eval(APPROVE, 2, this.#pins, this.#pending, server, tool ?? '', new Date().toISOString()));
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
