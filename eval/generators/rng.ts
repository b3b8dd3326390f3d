/**
 * Seeded randomness for the dataset generators: the same seed writes the same bytes on every
 * machine and Node version (mulberry32; no Math.random).
 */

/** A small deterministic PRNG with helpers. */
export class Rng {
  private state: number;

  constructor(seed: number | string) {
    let s = typeof seed === 'number' ? seed >>> 0 : 0x9e3779b9;
    if (typeof seed === 'string') for (let i = 0; i < seed.length; i++) s = Math.imul(s ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    this.state = s;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** One element. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  /** `n` characters drawn from `alphabet`. */
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

/**
 * Fills `{name}` slots from `vars`, choosing randomly when a slot holds a list. A slot used twice
 * in one template gets the same value both times (the persona named twice is one persona).
 */
export function fill(template: string, vars: Readonly<Record<string, string | readonly string[]>>, rng: Rng): string {
  const chosen = new Map<string, string>();
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    const close = template.indexOf('}', open);
    if (close < 0) break;
    const key = template.slice(open + 1, close);
    if (!/^[A-Za-z0-9_]{1,40}$/.test(key)) {
      // A literal brace in the template (JSON, code): copy it and keep scanning after it.
      out += template.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    const v = vars[key];
    out += template.slice(i, open);
    if (v === undefined) out += template.slice(open, close + 1);
    else {
      const value = chosen.get(key) ?? (typeof v === 'string' ? v : rng.pick(v));
      chosen.set(key, value);
      out += value;
    }
    i = close + 1;
  }
  return out + template.slice(i);
}
