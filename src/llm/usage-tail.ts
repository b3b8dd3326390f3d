/**
 * Settling a large non-streamed answer without reading it whole. When the limiter is the only
 * stage that needs the body (no tool allowlist to check, no response detectors — e.g. an
 * embeddings call, whose answer can run to megabytes of floats), the body streams through to the
 * client as received while the last {@link TAIL_BYTES} are kept; OpenAI-compatible APIs write
 * `usage` as the body's last member, so it is read from that tail. No usage found (another
 * member order, a truncated body) settles the whole reservation as spent, the same safe estimate
 * as a full read that finds none. Scanning is by hand over bytes (no regex on upstream text).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { usageFromResponse } from '../limits/index.js';
import type { Usage } from '../limits/types.js';
import type { LlmRoute } from './routes-meta.js';

/** Bytes kept from the end of the body: far more than any usage object. */
export const TAIL_BYTES = 16 << 10;

const KEY = Buffer.from('"usage"');
const QUOTE = 0x22, BACKSLASH = 0x5c, OPEN = 0x7b, CLOSE = 0x7d, COLON = 0x3a;

/**
 * The `usage` object at the end of a JSON body's tail, parsed by `usageFromResponse`; undefined
 * when the tail holds no well-formed `"usage": { … }`.
 */
export function usageFromTail(route: LlmRoute, tail: Buffer): Usage | undefined {
  const at = tail.lastIndexOf(KEY);
  if (at < 0) return undefined;
  let i = at + KEY.length;
  while (i < tail.length && isSpace(tail[i]!)) i++;
  if (tail[i] !== COLON) return undefined;
  i++;
  while (i < tail.length && isSpace(tail[i]!)) i++;
  if (tail[i] !== OPEN) return undefined;
  const end = objectEnd(tail, i);
  if (end < 0) return undefined;
  try {
    return usageFromResponse(route, { usage: JSON.parse(tail.subarray(i, end + 1).toString('utf8')) });
  } catch {
    return undefined;
  }
}

/**
 * A pass-through stream that keeps the body's tail and calls `done` once: with the usage found
 * at the end (or undefined) when the body ended, or `aborted` when it did not.
 */
export function usageTailStream(route: LlmRoute, done: (outcome: { usage: Usage | undefined } | 'aborted') => void): Transform {
  // The newest chunks whose total covers TAIL_BYTES; older ones are dropped as new ones arrive
  // (no copying per chunk, so a body sent in tiny pieces costs no more than one sent in big ones).
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let called = false;
  const finish = (o: { usage: Usage | undefined } | 'aborted') => { if (!called) { called = true; done(o); } };
  const t = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      kept.push(chunk);
      keptBytes += chunk.length;
      while (kept.length > 1 && keptBytes - kept[0]!.length >= TAIL_BYTES) keptBytes -= kept.shift()!.length;
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      const all = Buffer.concat(kept);
      finish({ usage: usageFromTail(route, all.subarray(Math.max(0, all.length - TAIL_BYTES))) });
      cb();
    },
  });
  t.on('close', () => finish('aborted'));
  return t;
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Index of the `}` closing the object that opens at `start`, skipping strings; -1 if absent. */
function objectEnd(buf: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === QUOTE) {
      for (i++; i < buf.length && buf[i] !== QUOTE; i++) if (buf[i] === BACKSLASH) i++;
    } else if (b === OPEN) depth++;
    else if (b === CLOSE && --depth === 0) return i;
  }
  return -1;
}
