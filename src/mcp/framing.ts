/**
 * Newline-delimited JSON-RPC framing for stdio (MCP spec, transports §stdio: one message per
 * line, no embedded newlines). Lines longer than the limit are discarded as they stream in —
 * never buffered whole — and reported once their end arrives, so a hostile peer cannot make the
 * firewall hold an unbounded line. Messages are checked against the SDK's JSON-RPC schema; the
 * original parsed value is forwarded (the schema may strip fields we must keep).
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { JSONRPCMessageSchema, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

/** What one line turned out to be. */
export type ParsedLine =
  | { ok: true; message: JSONRPCMessage }
  | { ok: false; kind: 'parse' | 'invalid'; id: RequestId | null; detail: string };

/** Parse one line into a JSON-RPC message, or say precisely why not. */
export function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // V8's message quotes the input; a line may carry a secret, so say only what is wrong.
    return { ok: false, kind: 'parse', id: null, detail: 'the line is not valid JSON' };
  }
  const idOf = (v: unknown): RequestId | null => {
    const id = (v as { id?: unknown } | null)?.id;
    return typeof id === 'string' || typeof id === 'number' ? id : null;
  };
  if (Array.isArray(value)) return { ok: false, kind: 'invalid', id: null, detail: 'JSON-RPC batches are not supported by MCP' };
  const r = JSONRPCMessageSchema.safeParse(value);
  if (!r.success) return { ok: false, kind: 'invalid', id: idOf(value), detail: 'not a JSON-RPC 2.0 message' };
  return { ok: true, message: value as JSONRPCMessage };
}

/** Callbacks of a line reader. */
export interface LineHandlers {
  line(text: string): void;
  /** A line over the limit ended (its bytes were dropped). */
  oversize(bytes: number): void;
  end(): void;
}

/** Split a stream into lines of at most `maxBytes` (UTF-8 aware). */
export function readLines(stream: Readable, maxBytes: number, h: LineHandlers): void {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let bufBytes = 0;
  let dropping = 0; // > 0 while discarding an oversize line
  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (dropping > 0 || bufBytes + piece.length > maxBytes) {
        dropping += piece.length + bufBytes;
        buf = ''; bufBytes = 0;
        decoder.end();
      } else {
        buf += decoder.write(piece);
        bufBytes += piece.length;
      }
      if (nl === -1) break;
      if (dropping > 0) { h.oversize(dropping); dropping = 0; } else {
        buf += decoder.end();
        const line = buf.endsWith('\r') ? buf.slice(0, -1) : buf;
        buf = ''; bufBytes = 0;
        if (line.trim().length > 0) h.line(line);
      }
      start = nl + 1;
    }
  });
  stream.on('end', () => {
    if (dropping > 0) h.oversize(dropping);
    else if (bufBytes > 0 && buf.trim().length > 0) h.line(buf + decoder.end());
    h.end();
  });
}
