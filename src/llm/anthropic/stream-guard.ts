/**
 * The outbound guard for one streamed Messages response. It sits between the parsed upstream SSE
 * events and the client, and rewrites the stream so that the client never sees what the policy
 * forbids, while staying streaming:
 *
 * - every content block is its own channel of the response inspector (text and thinking deltas,
 *   `input_json_delta` tool-argument pieces), so a secret split across deltas is still caught;
 *   only the tail a pattern could still complete is held back, and released (scanned) at
 *   `content_block_stop`;
 * - a tool call block (`tool_use`, `server_tool_use`, `mcp_tool_use`) naming a tool outside the
 *   agent's allowlist ends the stream before its name
 *   or arguments reach the client;
 * - a block decision, an output cap reached, or an upstream `error` event ends the stream with one
 *   well-formed Anthropic `error` event (Anthropic streams have no other terminator).
 *
 * The guard knows neither fastify nor the policy: the route hands it the inspector, the tool
 * check and an optional output hook (budgets).
 */
import { deny, type Denial } from '../../errors.js';
import { ANTHROPIC_ERROR_TYPES, anthropicErrorBody } from './errors.js';
import { TOOL_CALL_BLOCK_TYPES } from './extract.js';
import { frameEvent, frameRaw, type SseEvent } from './sse.js';
import { StreamUsage } from './usage.js';

/**
 * Incremental inspection by channel — the shape of the LLM front end's `StreamInspector`, which
 * records findings on the request state and answers with the text to release or a denial.
 */
export interface ChannelInspector {
  push(channel: string, text: string): { release: string; denial?: Denial };
  end(channel: string): { release: string; denial?: Denial };
}

/** Releases everything at once (no engine configured). */
export const PASS_THROUGH: ChannelInspector = Object.freeze({
  push: (_c: string, text: string) => ({ release: text }),
  end: () => ({ release: '' }),
});

/** What the route provides. */
export interface StreamGuardOptions {
  inspector: ChannelInspector;
  /** The denial for a called tool outside the allowlist (undefined = allowed). */
  checkTool(name: string): Denial | undefined;
  /**
   * Called with each piece of output text about to be released (budgets: count it). Returning a
   * denial ends the stream with that denial.
   */
  onOutput?(text: string): Denial | undefined;
  requestId?: string;
}

/** Why a guarded stream ended early (undefined while it runs or when it ended normally). */
export type StreamStop = { kind: 'denied'; denial: Denial } | { kind: 'upstream-error'; upstreamType: string };

type Delta = { type?: string; text?: string; partial_json?: string; thinking?: string };
type Ev = { type?: string; index?: number; delta?: Delta; content_block?: Record<string, unknown> };

/** Which delta field holds the scannable text, per delta type. */
const DELTA_FIELD: Readonly<Record<string, 'text' | 'partial_json' | 'thinking'>> = Object.freeze({
  text_delta: 'text',
  input_json_delta: 'partial_json',
  thinking_delta: 'thinking',
});

/** See the file header. One instance per response stream. */
export class AnthropicStreamGuard {
  readonly usage = new StreamUsage();
  #opts: StreamGuardOptions;
  #blocks = new Map<number, { channel: string; deltaType: string }>();
  #stop: StreamStop | undefined;
  #sawMessageStop = false;

  constructor(opts: StreamGuardOptions) {
    this.#opts = opts;
  }

  /** Set once the stream was cut (denial or upstream error). */
  get stopped(): StreamStop | undefined {
    return this.#stop;
  }

  /** True once `message_stop` went out: the upstream finished normally. */
  get completed(): boolean {
    return this.#sawMessageStop;
  }

  /**
   * Process one upstream event; returns the framed bytes to send to the client (possibly empty).
   * After a stop, everything is swallowed.
   */
  push(ev: SseEvent): string {
    if (this.#stop) return '';
    if (ev.event === 'error' || (ev.json as Ev | undefined)?.type === 'error') {
      const t = (ev.json as { error?: { type?: unknown } } | undefined)?.error?.type;
      // Only a documented type is repeated to the client; anything else is upstream free text.
      return this.#upstreamError(typeof t === 'string' && ANTHROPIC_ERROR_TYPES.has(t) ? t : 'unknown');
    }
    const e = ev.json as Ev | undefined;
    if (e === undefined || typeof e !== 'object' || e === null) {
      if (ev.data.length === 0) return ''; // keep-alive without data
      return this.#deny(deny('UPSTREAM_BAD_RESPONSE', 'unparsable stream event'));
    }
    this.usage.observe(e);
    switch (e.type) {
      case 'content_block_start':
        return this.#blockStart(ev, e);
      case 'content_block_delta':
        return this.#delta(ev, e);
      case 'content_block_stop':
        return this.#blockStop(ev, e);
      case 'message_stop': {
        // A well-behaved upstream closed every block already; flush any that it did not.
        let out = '';
        for (const idx of [...this.#blocks.keys()]) {
          out += this.#flush(idx);
          if (this.#stop) return out;
        }
        this.#sawMessageStop = true;
        return out + frameRaw(ev.event, ev.data);
      }
      default:
        // message_start, message_delta, ping and event types newer than this code pass through.
        return frameRaw(ev.event, ev.data);
    }
  }

  /**
   * The upstream closed the connection. A stream that ended without `message_stop` was cut short:
   * the client gets an error event rather than a truncated message that looks complete.
   */
  end(): string {
    if (this.#stop || this.#sawMessageStop) return '';
    return this.#deny(deny('UPSTREAM_BAD_RESPONSE', 'the stream ended before message_stop'));
  }

  /** End the stream now with a denial (e.g. client-side limits). */
  abort(denial: Denial): string {
    if (this.#stop) return '';
    return this.#deny(denial);
  }

  #blockStart(ev: SseEvent, e: Ev): string {
    const cb = e.content_block ?? {};
    const idx = typeof e.index === 'number' ? e.index : -1;
    const toolCall = typeof cb.type === 'string' && TOOL_CALL_BLOCK_TYPES.has(cb.type);
    if (toolCall) {
      const d = typeof cb.name === 'string' ? this.#opts.checkTool(cb.name) : deny('UPSTREAM_BAD_RESPONSE', 'a tool call block without a name');
      if (d) return this.#deny(d);
    }
    let deltaType = '';
    let initial = '';
    if (cb.type === 'text') {
      deltaType = 'text_delta';
      if (typeof cb.text === 'string') initial = cb.text;
    } else if (cb.type === 'thinking') {
      deltaType = 'thinking_delta';
      if (typeof cb.thinking === 'string') initial = cb.thinking;
    } else if (toolCall) {
      deltaType = 'input_json_delta';
      // Arguments arrive as input_json_delta; a non-empty initial input is not streamed, so it
      // is scanned whole as the first piece.
      if (cb.input && typeof cb.input === 'object' && Object.keys(cb.input).length > 0) initial = JSON.stringify(cb.input);
    } else if (cb.content !== undefined) {
      // Tool results the upstream produced itself (web search/fetch, MCP connector …) arrive whole
      // in content_block_start: scan their content as JSON text in one go.
      return this.#wholeBlock(ev, e, idx, cb);
    } else {
      return frameRaw(ev.event, ev.data);
    }
    this.#blocks.set(idx, { channel: `b${idx}`, deltaType });
    if (initial.length === 0) return frameRaw(ev.event, ev.data);
    const emptied = { ...cb };
    if (cb.type === 'text') emptied.text = '';
    else if (cb.type === 'thinking') emptied.thinking = '';
    else emptied.input = {};
    return frameEvent('content_block_start', { ...e, content_block: emptied }) + this.#feed(idx, initial);
  }

  #wholeBlock(ev: SseEvent, e: Ev, idx: number, cb: Record<string, unknown>): string {
    const ch = `b${idx}`;
    const text = JSON.stringify(cb.content);
    const a = this.#opts.inspector.push(ch, text);
    if (a.denial) return this.#deny(a.denial);
    const b = this.#opts.inspector.end(ch);
    if (b.denial) return this.#deny(b.denial);
    const released = a.release + b.release;
    if (released === text) return frameRaw(ev.event, ev.data);
    let content: unknown;
    try {
      content = JSON.parse(released);
    } catch {
      // A redaction that breaks the JSON cannot be relayed as this block: refuse the stream.
      return this.#deny(deny('BLOCKED', 'a redaction inside a tool result block'));
    }
    return frameEvent('content_block_start', { ...e, content_block: { ...cb, content } });
  }

  #delta(ev: SseEvent, e: Ev): string {
    const idx = typeof e.index === 'number' ? e.index : -1;
    const field = e.delta?.type ? DELTA_FIELD[e.delta.type] : undefined;
    if (!field) return frameRaw(ev.event, ev.data); // signature_delta, citations_delta, …
    const piece = e.delta![field];
    if (typeof piece !== 'string') return this.#deny(deny('UPSTREAM_BAD_RESPONSE', `a ${e.delta!.type} without text`));
    if (!this.#blocks.has(idx)) return this.#deny(deny('UPSTREAM_BAD_RESPONSE', 'a delta for a block that was not started'));
    return this.#feed(idx, piece);
  }

  #blockStop(ev: SseEvent, e: Ev): string {
    const idx = typeof e.index === 'number' ? e.index : -1;
    const out = this.#flush(idx);
    if (this.#stop) return out;
    return out + frameRaw(ev.event, ev.data);
  }

  #feed(idx: number, piece: string): string {
    const b = this.#blocks.get(idx)!;
    return this.#release(idx, b.deltaType, this.#opts.inspector.push(b.channel, piece));
  }

  #flush(idx: number): string {
    const b = this.#blocks.get(idx);
    if (!b) return '';
    this.#blocks.delete(idx);
    return this.#release(idx, b.deltaType, this.#opts.inspector.end(b.channel));
  }

  #release(idx: number, deltaType: string, r: { release: string; denial?: Denial }): string {
    if (r.denial) return this.#deny(r.denial);
    if (r.release.length === 0) return '';
    const d = this.#opts.onOutput?.(r.release);
    if (d) return this.#deny(d);
    const field = DELTA_FIELD[deltaType]!;
    return frameEvent('content_block_delta', { type: 'content_block_delta', index: idx, delta: { type: deltaType, [field]: r.release } });
  }

  #deny(denial: Denial): string {
    this.#stop = { kind: 'denied', denial };
    this.#blocks.clear();
    return frameEvent('error', anthropicErrorBody(denial, this.#opts.requestId));
  }

  #upstreamError(upstreamType: string): string {
    this.#stop = { kind: 'upstream-error', upstreamType };
    this.#blocks.clear();
    // Never forward the upstream's own message (STYLE §4); keep its type so SDK retry logic works.
    const body = anthropicErrorBody(deny('UPSTREAM_BAD_RESPONSE', `upstream error event: ${upstreamType}`), this.#opts.requestId);
    if (upstreamType === 'overloaded_error' || upstreamType === 'api_error' || upstreamType === 'rate_limit_error') body.error.type = upstreamType;
    return frameEvent('error', body);
  }
}
