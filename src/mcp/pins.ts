/**
 * Rug-pull protection: tool definitions pinned per server and tool. A definition's hash covers
 * name, description and input schema (canonical JSON, keys sorted) — what the model reads and
 * what decides which arguments it sends. The first definition seen is pinned (trust on first
 * use); a later different one is recorded as pending and refused until an operator runs
 * `llm-firewall mcp pins approve`.
 *
 * The file store keeps everything in memory and writes the JSON file atomically (temp file +
 * rename), merging with what is on disk first so several wrappers and the CLI can share one
 * file. Readers reload when the file's mtime changes, so an approval reaches a running wrapper.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A tool definition as `tools/list` returns it (the parts we pin). */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema?: unknown;
}

/** An approved definition. */
export interface PinRecord { server: string; tool: string; hash: string; approvedAt: string }
/** A changed definition waiting for approval. */
export interface PendingRecord { server: string; tool: string; hash: string; pinnedHash: string; seenAt: string; description?: string }

/** Outcome of checking a definition against the store. */
export type PinStatus = 'pinned' | 'new' | 'changed';

/** The store contract (file now; a Redis store can implement the same). */
export interface PinStore {
  /** Compare; pins when new; records pending when changed. */
  check(server: string, def: ToolDefinition, hash: string): Promise<PinStatus>;
  /** Whether `hash` is currently the approved one (re-reads an updated file). */
  isApproved(server: string, tool: string, hash: string): Promise<boolean>;
  list(): Promise<{ pins: PinRecord[]; pending: PendingRecord[] }>;
  /** Approve pending definitions of a server (one tool or all); returns how many. */
  approve(server: string, tool?: string): Promise<number>;
  /** Release connections (Redis). */
  close?(): Promise<void>;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** sha256 (hex) of a tool's name, description and input schema, canonically serialised. */
export function hashToolDefinition(def: ToolDefinition): string {
  return createHash('sha256')
    .update(canonical({ name: def.name, description: def.description ?? '', inputSchema: def.inputSchema ?? null }))
    .digest('hex');
}

interface FileShape { version: 1; pins: Record<string, PinRecord>; pending: Record<string, PendingRecord> }

const keyOf = (server: string, tool: string): string => `${server}\u0000${tool}`;

/** A pin store backed by one JSON file. */
export class FilePinStore implements PinStore {
  readonly #file: string;
  #data: FileShape = { version: 1, pins: Object.create(null), pending: Object.create(null) };
  #mtimeMs = -1;

  constructor(file: string) {
    this.#file = file;
    this.#reload(true);
  }

  #reload(force = false): void {
    let mtime: number;
    try {
      mtime = statSync(this.#file).mtimeMs;
    } catch {
      return; // no file yet: nothing pinned
    }
    if (!force && mtime === this.#mtimeMs) return;
    const parsed = JSON.parse(readFileSync(this.#file, 'utf8')) as Partial<FileShape>;
    this.#data = {
      version: 1,
      pins: Object.assign(Object.create(null), parsed.pins ?? {}),
      pending: Object.assign(Object.create(null), parsed.pending ?? {}),
    };
    this.#mtimeMs = mtime;
  }

  /** Merge our change into the file as it is now, then write atomically. */
  #update(change: (d: FileShape) => void): void {
    this.#reload();
    change(this.#data);
    mkdirSync(dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#data, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.#file);
    this.#mtimeMs = statSync(this.#file).mtimeMs;
  }

  async check(server: string, def: ToolDefinition, hash: string): Promise<PinStatus> {
    this.#reload();
    const k = keyOf(server, def.name);
    const pin = this.#data.pins[k];
    if (pin === undefined) {
      this.#update((d) => { d.pins[k] = { server, tool: def.name, hash, approvedAt: new Date().toISOString() }; });
      return 'new';
    }
    if (pin.hash === hash) return 'pinned';
    if (this.#data.pending[k]?.hash !== hash) {
      this.#update((d) => {
        d.pending[k] = {
          server, tool: def.name, hash, pinnedHash: pin.hash, seenAt: new Date().toISOString(),
          // Kept so the operator can read what they approve; truncated, and it is the server's text.
          description: (def.description ?? '').slice(0, 500),
        };
      });
    }
    return 'changed';
  }

  async isApproved(server: string, tool: string, hash: string): Promise<boolean> {
    this.#reload();
    return this.#data.pins[keyOf(server, tool)]?.hash === hash;
  }

  async list(): Promise<{ pins: PinRecord[]; pending: PendingRecord[] }> {
    this.#reload();
    return { pins: Object.values(this.#data.pins), pending: Object.values(this.#data.pending) };
  }

  async approve(server: string, tool?: string): Promise<number> {
    let n = 0;
    this.#update((d) => {
      for (const [k, p] of Object.entries(d.pending)) {
        if (p.server !== server || (tool !== undefined && p.tool !== tool)) continue;
        d.pins[k] = { server, tool: p.tool, hash: p.hash, approvedAt: new Date().toISOString() };
        delete d.pending[k];
        n++;
      }
    });
    return n;
  }
}

/** In-memory pin store (tests, or `pinFile: ":memory:"`). */
export class MemoryPinStore implements PinStore {
  readonly #pins = new Map<string, PinRecord>();
  readonly #pending = new Map<string, PendingRecord>();
  async check(server: string, def: ToolDefinition, hash: string): Promise<PinStatus> {
    const k = keyOf(server, def.name);
    const pin = this.#pins.get(k);
    if (!pin) { this.#pins.set(k, { server, tool: def.name, hash, approvedAt: new Date().toISOString() }); return 'new'; }
    if (pin.hash === hash) return 'pinned';
    this.#pending.set(k, { server, tool: def.name, hash, pinnedHash: pin.hash, seenAt: new Date().toISOString() });
    return 'changed';
  }
  async isApproved(server: string, tool: string, hash: string): Promise<boolean> {
    return this.#pins.get(keyOf(server, tool))?.hash === hash;
  }
  async list(): Promise<{ pins: PinRecord[]; pending: PendingRecord[] }> {
    return { pins: [...this.#pins.values()], pending: [...this.#pending.values()] };
  }
  async approve(server: string, tool?: string): Promise<number> {
    let n = 0;
    for (const [k, p] of this.#pending) {
      if (p.server !== server || (tool !== undefined && p.tool !== tool)) continue;
      this.#pins.set(k, { server, tool: p.tool, hash: p.hash, approvedAt: new Date().toISOString() });
      this.#pending.delete(k);
      n++;
    }
    return n;
  }
}

/**
 * Open the store a policy names: Redis when a URL is given (the policy's store, or REDIS_URL),
 * else the JSON file `mcp.pinFile` (`:memory:` for none on disk).
 */
export async function openPinStore(pinFile: string, redis?: { url: string | null | undefined; keyPrefix?: string }): Promise<PinStore> {
  if (redis?.url) {
    const { RedisPinStore } = await import('./redis-pins.js');
    return new RedisPinStore(redis.url, redis.keyPrefix);
  }
  return pinFile === ':memory:' ? new MemoryPinStore() : new FilePinStore(pinFile);
}
