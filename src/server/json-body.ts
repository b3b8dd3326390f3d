/**
 * The JSON body parser of the ingress stage. It keeps the exact bytes (forwarded unchanged when no
 * stage rewrites the body), and refuses before or instead of `JSON.parse`: invalid UTF-8 (fatal
 * decoder), nesting deeper than `server.maxJsonDepth` (a linear byte scan, so a 1 MB `[[[[…` never
 * reaches the recursive parser), then malformed JSON.
 */
import { FirewallError } from '../errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Deepest nesting of `{`/`[` outside strings; stops early once `limit` is exceeded. Inside a
 * string it jumps to the next `"` with a native search (string content is most of a chat body)
 * and counts the backslashes before it: an odd run means the quote is escaped, which is exactly
 * what skipping the byte after each backslash decides.
 */
export function jsonDepthExceeds(buf: Uint8Array, limit: number): boolean {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let depth = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x22) {
      // In a string from i + 1: find its closing quote.
      let q = i;
      for (;;) {
        q = b.indexOf(0x22, q + 1);
        if (q < 0) return false; // unterminated string: nothing after it is structure
        let run = 0;
        while (b[q - 1 - run] === 0x5c) run++;
        if ((run & 1) === 0) break;
      }
      i = q;
    } else if (c === 0x7b || c === 0x5b) { if (++depth > limit) return true; }
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Decode, depth-check and parse a request body. Throws FirewallError with the catalogue entry. */
export function parseJsonBody(buf: Buffer, maxDepth: number): unknown {
  if (buf.length === 0) throw new FirewallError('INVALID_JSON', 'the body is empty');
  let text: string;
  try {
    text = decoder.decode(buf);
  } catch {
    throw new FirewallError('INVALID_UTF8');
  }
  if (jsonDepthExceeds(buf, maxDepth)) throw new FirewallError('JSON_TOO_DEEP', String(maxDepth));
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8's message quotes a snippet of the body (client text, possibly a secret): never relay it.
    const m = (err as Error).message;
    throw new FirewallError('INVALID_JSON', m.startsWith('Unexpected end') ? 'unexpected end of input' : 'syntax error');
  }
}
