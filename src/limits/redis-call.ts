/**
 * Building one call of the Redis store's script (redis-scripts.ts): the groups it touches and
 * their KEYS, and the settle entries in the script's argument layout. Split from
 * redis-store.ts, which decides what to send and when.
 */
import type { SettleOp } from './store.js';
import { entry, type Packer } from './script-args.js';

/** A reservation's calendar hold entry per group (ReserveResult.ref): what settling removes. */
export type HoldRef = [group: string, member: Buffer];

/**
 * The groups one script call touches, numbered from 1 in order of first use, and their KEYS
 * (hash, zset per group). Key names are cached per group: the hot ones are the same every call.
 */
export class Call {
  readonly keys: string[] = [];
  readonly names: string[] = [];
  readonly #index = new Map<string, number>();
  constructor(private readonly cache: GroupKeys) {}

  group(name: string): number {
    let i = this.#index.get(name);
    if (i === undefined) {
      i = this.names.push(name);
      this.#index.set(name, i);
      const k = this.cache.get(name);
      this.keys.push(k[0], k[1]);
    }
    return i;
  }
}

/** `<prefix>lim2:{<group>}` and its `:z`, per group (the hash tag keeps both in one cluster slot). */
export class GroupKeys {
  readonly #cache = new Map<string, readonly [string, string]>();
  constructor(private readonly prefix: string) {}

  get(group: string): readonly [string, string] {
    let k = this.#cache.get(group);
    if (!k) {
      // Address and tool groups come and go; bound the cache.
      if (this.#cache.size >= 10_000) this.#cache.clear();
      const h = `${this.prefix}lim2:{${group}}`;
      k = [h, `${h}:z`] as const;
      this.#cache.set(group, k);
    }
    return k;
  }
}

/** The settle entries of queued settlements in the script's layout (7 per entry; members as Buffers). */
export function settleArgs(call: Call, qs: ReadonlyArray<{ op: SettleOp }>): Array<number | Buffer> {
  const out: Array<number | Buffer> = [];
  for (const q of qs) {
    const { id } = q.op;
    const ref = q.op.ref as HoldRef[] | undefined;
    let sent: string | undefined; // the group whose hold entry went out with the previous entry
    for (const e of q.op.entries) {
      const name = e.group ?? e.key;
      const g = call.group(name);
      const field = e.field ?? 0;
      // Whole, non-negative amounts (usage figures come from the upstream): a NaN would fail
      // the admission this settlement rides with.
      const actual = Number.isFinite(e.actual) && e.actual > 0 ? Math.ceil(e.actual) : 0;
      if (e.kind === 'sliding') {
        sent = undefined;
        out.push(g, 1, field, entry(3, id, [field, actual - e.reserved]), e.reserved, actual, e.expiresAt ?? 0);
      } else {
        // One hold entry per group: named once, then 0 ("the same") for the group's next budgets.
        const hold = sent === name ? 0 : (ref?.find((x) => x[0] === name)?.[1] ?? EMPTY);
        sent = name;
        out.push(g, 2, field, hold, e.reserved, actual, e.windowEnd);
      }
    }
  }
  return out;
}

const EMPTY = Buffer.alloc(0);

/** Append {@link settleArgs}' values to the call's arguments. */
export function putSettles(p: Packer, settles: Array<number | Buffer>): void {
  for (const x of settles) {
    if (typeof x === 'number') p.num(x);
    else p.bytes(x);
  }
}
