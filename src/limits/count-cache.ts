/**
 * Token counts of recently seen texts, one cache per encoding. Chat clients resend the system
 * prompt and the whole history on every turn, and tiktoken (WASM) costs ~0.5–1 µs per character
 * (≈2–4 ms for a fresh 4 KB message on the 2-core bench host; bench:limits "count tokens" rows),
 * so counting each message text once and looking it up on later turns leaves only the new
 * messages of a turn to encode. The cache is per text (a message's content, a tool call's
 * arguments, …), never per body: a body is new on every turn, its messages mostly are not.
 *
 * Keys: a text up to {@link SHORT_KEY_CHARS} characters is its own key (roles, names, enum
 * values: cheaper than hashing, and tiny); a longer text is keyed by its SHA-256 digest, so the
 * cache holds no prompt text, its memory is bounded by the entry count alone whatever the texts'
 * length (raw keys allowed 2 × 4096 × 32 K characters ≈ 0.5 GB), and a crafted text cannot alias
 * another text's count (a collision would under-reserve). The digest covers the UTF-8 bytes —
 * exactly what tiktoken's wasm-bindgen layer encodes (lone surrogates become U+FFFD in both), so
 * two texts with one digest always have one count.
 *
 * Eviction: two generations approximate an LRU with no per-hit upkeep. Hits in the old
 * generation move to the young one; when the young one is full it becomes the old one and the
 * previous old one is dropped. Nothing here is logged.
 */
import * as crypto from 'node:crypto';

/** Texts at most this long are their own key. */
export const SHORT_KEY_CHARS = 64;
/** Entries per generation (two generations: at most twice this many counts are held). */
export const CACHE_ENTRIES = 8192;

/** `crypto.hash` (one-shot, Node ≥ 20.12) when present, else a Hash object. */
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'base64') => string }).hash;
const digest: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'base64')
  : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('base64');

/**
 * The cache key of a text: `=` + the text when short, else `#` + its SHA-256 (base64). The two
 * prefixes keep the key spaces apart, so a short text can never equal a digest key.
 */
export function countCacheKey(text: string): string {
  return text.length <= SHORT_KEY_CHARS ? `=${text}` : `#${digest(text)}`;
}

/** A bounded two-generation count cache for one encoding. */
export class CountCache {
  #young = new Map<string, number>();
  #old = new Map<string, number>();
  readonly #count: (text: string) => number;

  /** `count` computes a text's count on a miss. */
  constructor(count: (text: string) => number) {
    this.#count = count;
  }

  /** The count of `text`, from the cache or computed (and then cached). */
  get(text: string): number {
    const key = countCacheKey(text);
    let n = this.#young.get(key);
    if (n !== undefined) return n;
    n = this.#old.get(key) ?? this.#count(text);
    if (this.#young.size >= CACHE_ENTRIES) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, n);
    return n;
  }

  /** Entries held (both generations; a promoted entry may be counted twice). */
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
