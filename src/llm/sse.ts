/**
 * Server-sent events framing for relayed streams: split the byte stream into complete events
 * (an event ends at a blank line, `\n\n` or `\r\n\r\n`), keep the incomplete tail for the next
 * chunk, and parse an event's `event:`/`data:` fields. Plain string scanning, no regexes
 * (the stream is upstream content).
 */

/** One complete SSE event as received (`raw` includes its terminating blank line). */
export interface SseFrame {
  raw: string;
  event?: string;
  /** `data:` lines joined with `\n`; undefined for comment/keep-alive frames. */
  data?: string;
}

/** Incremental splitter; one per stream. */
export class SseSplitter {
  #buf = '';
  readonly #decoder = new TextDecoder('utf-8');

  /** Feed bytes; returns the events completed by them. */
  push(chunk: Uint8Array): SseFrame[] {
    this.#buf += this.#decoder.decode(chunk, { stream: true });
    const frames: SseFrame[] = [];
    for (;;) {
      const lf = this.#buf.indexOf('\n\n');
      const crlf = this.#buf.indexOf('\r\n\r\n');
      let end: number;
      if (lf < 0 && crlf < 0) break;
      if (crlf >= 0 && (lf < 0 || crlf < lf)) end = crlf + 4; else end = lf + 2;
      const raw = this.#buf.slice(0, end);
      this.#buf = this.#buf.slice(end);
      frames.push(parseFrame(raw));
    }
    return frames;
  }

  /** Whatever is left when the stream ends (an unterminated final event), as a frame. */
  flush(): SseFrame | undefined {
    this.#buf += this.#decoder.decode();
    if (this.#buf.trim() === '') return undefined;
    const f = parseFrame(this.#buf + '\n\n');
    this.#buf = '';
    return f;
  }
}

/** Parse the fields of one event. */
export function parseFrame(raw: string): SseFrame {
  let event: string | undefined;
  let data: string | undefined;
  for (const line0 of raw.split('\n')) {
    const line = line0.endsWith('\r') ? line0.slice(0, -1) : line0;
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
  }
  return { raw, event, data };
}

/** Serialise an event. */
export function formatFrame(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}
