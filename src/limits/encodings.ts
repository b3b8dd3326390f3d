/**
 * Which tiktoken encoding a model uses, and a cache of encoders. tiktoken's encoders are WASM
 * objects: we build one per encoding on first use and keep it for the life of the process, so
 * the hot path never allocates or frees an encoder.
 */
import { get_encoding, type Tiktoken, type TiktokenEncoding } from 'tiktoken';
import { lookupByModel } from './glob.js';
import { CountCache } from './count-cache.js';

/** Encodings the firewall knows how to load. */
export const KNOWN_ENCODINGS: readonly TiktokenEncoding[] = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base'];

/** The encoding used for a model no rule matches: today's OpenAI models all use o200k_base. */
export const DEFAULT_ENCODING: TiktokenEncoding = 'o200k_base';

/**
 * Built-in table, checked in order (first prefix wins). The o200k families come first because
 * `gpt-4o` would otherwise match the older `gpt-4` prefix.
 */
const PREFIX_TABLE: ReadonlyArray<readonly [string, TiktokenEncoding]> = [
  ['gpt-4o', 'o200k_base'], ['chatgpt-4o', 'o200k_base'], ['gpt-4.1', 'o200k_base'], ['gpt-4.5', 'o200k_base'],
  ['gpt-5', 'o200k_base'], ['gpt-oss', 'o200k_base'], ['o1', 'o200k_base'], ['o3', 'o200k_base'], ['o4', 'o200k_base'],
  ['gpt-4', 'cl100k_base'], ['gpt-3.5', 'cl100k_base'], ['gpt-35', 'cl100k_base'],
  ['text-embedding-3', 'cl100k_base'], ['text-embedding-ada-002', 'cl100k_base'],
  ['davinci-002', 'cl100k_base'], ['babbage-002', 'cl100k_base'],
];

const encoders = new Map<string, Tiktoken>();

/**
 * The encoding name for `model`: the policy's `encodings` overrides (exact name, then the most
 * specific glob), then the built-in prefix table, then {@link DEFAULT_ENCODING}.
 */
export function encodingNameFor(model: string, overrides?: Readonly<Record<string, string>>): TiktokenEncoding {
  const o = lookupByModel(overrides, model);
  if (o !== undefined && (KNOWN_ENCODINGS as readonly string[]).includes(o)) return o as TiktokenEncoding;
  for (const [prefix, enc] of PREFIX_TABLE) if (model.startsWith(prefix)) return enc;
  return DEFAULT_ENCODING;
}

/** The cached encoder for an encoding name (created once, never freed). */
export function encoderFor(encoding: TiktokenEncoding): Tiktoken {
  let enc = encoders.get(encoding);
  if (!enc) {
    enc = get_encoding(encoding);
    encoders.set(encoding, enc);
  }
  return enc;
}

/** Token count of plain text for a model (special tokens are counted as ordinary text). */
export function countTextTokens(model: string, text: string, overrides?: Readonly<Record<string, string>>): number {
  return countWith(encoderFor(encodingNameFor(model, overrides)), text);
}

const caches = new WeakMap<Tiktoken, CountCache>();

/**
 * Count with a given encoder; text that spells a special token is treated as text, not refused.
 * Counts are cached per text (see count-cache.ts), so a conversation's earlier messages are not
 * encoded again on the next turn.
 */
export function countWith(enc: Tiktoken, text: string): number {
  if (text.length === 0) return 0;
  let c = caches.get(enc);
  if (!c) caches.set(enc, (c = new CountCache((t) => encodeCount(enc, t))));
  return c.get(text);
}

/** Count without the cache (benchmarks: the cost of a text never seen). */
export function encodeCount(enc: Tiktoken, text: string): number {
  // encode_ordinary (no special tokens): "<|endoftext|>" in user text must count as text, not
  // throw — a throw would be a trivial way to crash the limits stage.
  return enc.encode_ordinary(text).length;
}
