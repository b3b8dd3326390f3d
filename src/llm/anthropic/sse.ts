/**
 * Anthropic Server-Sent Events: an incremental parser for what the upstream sends and a framer
 * for what the firewall sends on. Anthropic names every event (`event: message_start`, …) and
 * repeats the name as `type` inside the JSON data, unlike OpenAI's anonymous `data:` lines ending
 * in `[DONE]`.
 *
 * The parser keeps the incomplete tail of the byte stream between pushes (an event may be split
 * across TCP reads anywhere, even inside a UTF-8 sequence) and works with `indexOf` only: no
 * regular expression ever touches upstream text (DESIGN: linear-time matching on untrusted text).
 * Framing follows the WHATWG HTML spec, §9.2.6 "Interpreting an event stream".
 */

/** One parsed event. `data` is the raw (joined) data field; `json` its parse, when it parses. */
export interface SseEvent {
  event: string | null;
  data: string;
  json?: unknown;
}

/** The event types Anthropic's Messages stream uses (docs: "Streaming Messages"). */
export const ANTHROPIC_EVENT_TYPES = Object.freeze([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
] as const);

export type AnthropicEventType = (typeof ANTHROPIC_EVENT_TYPES)[number];

/** Largest buffered incomplete event, in characters; beyond it the upstream is misbehaving. */
export const MAX_PENDING_EVENT_CHARS = 8 * 1024 * 1024;

/**
 * Incremental SSE parser. Push bytes (or strings) as they arrive; get back the complete events.
 * Throws when one event grows beyond {@link MAX_PENDING_EVENT_CHARS} without terminating.
 */
export class SseParser {
  #decoder = new TextDecoder('utf-8');
  #buffer = '';
  #event: string | null = null;
  #data: string[] = [];
  #sawField = false;

  /** Feed the next piece of the stream; returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    this.#buffer += typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    return this.#drain(false);
  }

  /** End of stream: an unterminated final event is dispatched (lenient, as browsers are not). */
  end(): SseEvent[] {
    this.#buffer += this.#decoder.decode();
    return this.#drain(true);
  }

  #drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    let pos = 0;
    const buf = this.#buffer;
    for (;;) {
      const lf = buf.indexOf('\n', pos);
      const cr = buf.indexOf('\r', pos);
      let end: number;
      let next: number;
      if (lf === -1 && cr === -1) break;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        // A CR at the very end may be the first half of CRLF: wait for more input.
        if (cr === buf.length - 1 && !final) break;
        end = cr;
        next = buf[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      this.#line(buf.slice(pos, end), out);
      pos = next;
    }
    this.#buffer = buf.slice(pos);
    if (final) {
      if (this.#buffer.length > 0) this.#line(this.#buffer, out);
      this.#buffer = '';
      this.#dispatch(out);
    } else if (this.#buffer.length + this.#data.reduce((n, d) => n + d.length, 0) > MAX_PENDING_EVENT_CHARS) {
      throw new Error(`SSE event larger than ${MAX_PENDING_EVENT_CHARS} characters`);
    }
    return out;
  }

  #line(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      this.#dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 0x3a /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'event') {
      this.#event = value;
      this.#sawField = true;
    } else if (field === 'data') {
      this.#data.push(value);
      this.#sawField = true;
    }
    // `id` and `retry` are irrelevant to a proxy that never reconnects upstream.
  }

  #dispatch(out: SseEvent[]): void {
    if (!this.#sawField) return;
    const data = this.#data.join('\n');
    const ev: SseEvent = { event: this.#event, data };
    if (data.length > 0) {
      try {
        ev.json = JSON.parse(data);
      } catch {
        // Left undefined: the caller decides whether unparsable data is fatal.
      }
    }
    out.push(ev);
    this.#event = null;
    this.#data = [];
    this.#sawField = false;
  }
}

/**
 * Frame one event the way Anthropic does: `event: <type>\ndata: <json>\n\n`. The JSON is
 * serialised on one line (JSON.stringify never emits raw newlines), so one `data:` line suffices.
 */
export function frameEvent(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Frame an event whose data is already a serialised JSON string (pass-through without re-encoding). */
export function frameRaw(type: string | null, data: string): string {
  const lines = data.split('\n');
  let s = type === null ? '' : `event: ${type}\n`;
  for (const l of lines) s += `data: ${l}\n`;
  return s + '\n';
}
