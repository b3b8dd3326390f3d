/**
 * Binary arguments for the Redis store's script, in the layout of Redis' Lua `struct` library:
 * a format string (`<` little-endian, `d` a float64 per number, `Hc0` a length-prefixed byte
 * string) plus the packed bytes, so the script reads every value with one C call
 * (`struct.unpack(fmt, data)`). Measured with callgrind on redis-server: decoding a typical
 * admission's ~55 values this way costs a fraction of `cmsgpack.unpack` (≈ 40 k instructions
 * for the same values) or of ~55 ARGV strings each passed through `tonumber` (layout 1), and
 * script time is what every admission waits for. Numbers are float64: exact for integers below
 * 2^53, which is what Lua numbers are anyway.
 */

/** Collects values; {@link Packer.args} returns `[format, data]` for ARGV. */
export class Packer {
  #fmt = '<';
  #buf = Buffer.allocUnsafe(1024);
  #n = 0;

  /** Append a number (float64). */
  num(x: number): this {
    this.#room(8);
    this.#buf.writeDoubleLE(x, this.#n);
    this.#n += 8;
    this.#fmt += 'd';
    return this;
  }

  /** Append numbers. */
  nums(...xs: number[]): this {
    for (const x of xs) this.num(x);
    return this;
  }

  /** Append a byte string (at most 65535 bytes). */
  bytes(b: Buffer): this {
    if (b.length > 0xffff) throw new RangeError('script argument longer than 65535 bytes');
    this.#room(b.length + 2);
    this.#buf.writeUInt16LE(b.length, this.#n);
    b.copy(this.#buf, this.#n + 2);
    this.#n += b.length + 2;
    this.#fmt += 'Hc0';
    return this;
  }

  /** ARGV pair: the format and the data. */
  args(): [string, Buffer] {
    return [this.#fmt, this.#buf.subarray(0, this.#n)];
  }

  #room(k: number): void {
    if (this.#n + k <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#n + k));
    this.#buf.copy(next, 0, 0, this.#n);
    this.#buf = next;
  }
}

/**
 * An entry of the script's sorted set: tag, count, id, then per counter its field and amount
 * (holds also the window end), in `struct` layout `<BBBc0` + (`Bd` | `Bdd`) × count: the script
 * decodes it with one `struct.unpack` when the entry expires.
 */
export function entry(tag: 1 | 2 | 3, id: string, values: readonly number[]): Buffer {
  const per = tag === 2 ? 3 : 2;
  const count = values.length / per;
  const idLen = Buffer.byteLength(id);
  if (idLen > 255 || count > 255) throw new RangeError('reservation id or entry too long');
  const b = Buffer.allocUnsafe(3 + idLen + count * (per === 3 ? 17 : 9));
  b[0] = tag;
  b[1] = count;
  b[2] = idLen;
  let o = 3 + b.write(id, 3, 'utf8');
  for (let i = 0; i < values.length; i += per) {
    b[o] = values[i]!;
    b.writeDoubleLE(values[i + 1]!, o + 1);
    if (per === 3) b.writeDoubleLE(values[i + 2]!, o + 9);
    o += per === 3 ? 17 : 9;
  }
  return b;
}
