/**
 * Relaying a streamed (SSE) upstream answer, chunk by chunk — never buffered whole. With nothing
 * to check, upstream bytes are written as they arrive. Otherwise each chunk is split into complete
 * events and each event goes through the stages: called-tool allowlist, usage capture (and hiding
 * the usage chunk the firewall asked for on the client's behalf), and the response inspector
 * (held-back tail, redaction). An event no stage changed is relayed as its original bytes. A block,
 * or an upstream that fails mid-stream, ends the stream with a well-formed error event (and
 * `[DONE]` on chat/completions) so SDKs raise an error rather than hang.
 */
import { once } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { deny, denialMessage, type Denial } from '../errors.js';
import { countTextTokens, streamDeltaText, usageFromStreamEvent } from '../limits/index.js';
import type { Usage } from '../limits/types.js';
import { recordDenial } from '../server/render.js';
import { checkCalledTools, streamEventToolNames } from './authorize.js';
import { StreamInspector, type InspectContext } from './inspect-stage.js';
import { isUsageOnlyChunk, type LimitsTicket } from './limits-stage.js';
import type { LlmRoute } from './routes-meta.js';
import { formatFrame, SseSplitter, type SseFrame } from './sse.js';
import { upstreamError } from './upstream-client.js';

type Obj = Record<string, any>;

export interface StreamRelay {
  route: LlmRoute;
  res: Dispatcher.ResponseData;
  abort: AbortController;
  ticket?: LimitsTicket;
  inspect?: InspectContext;
  /** Drop the usage-only chunk (the client did not ask for it; the limiter did). */
  hideUsage: boolean;
  headers: Record<string, string>;
}

/** The error event that ends a stream, in the route's dialect. */
export function errorFrames(route: LlmRoute, d: Denial, seq: number): string {
  const error = { message: denialMessage(d), type: d.error.type, code: d.error.code, param: null };
  // The Responses API's own error event, plus an `error` object: SDKs that see `error` in an
  // event raise instead of yielding it, so a client that ignores event types still stops.
  if (route === 'responses') return formatFrame({ type: 'error', sequence_number: seq, code: error.code, message: error.message, param: null, error }, 'error');
  return formatFrame({ error }) + formatFrame('[DONE]');
}

class Blocked extends Error {
  constructor(readonly denial: Denial) { super('blocked'); }
}

/** Per-stream processing state. */
class EventProcessor {
  usage: Usage | undefined;
  seq = 0;
  readonly #insp: StreamInspector | undefined;
  /** Released text per responses channel, for the `.done` / `completed` events that repeat it. */
  readonly #released = new Map<string, string>();
  #lastChatBase: Obj | undefined;
  // Released output counted against the reservation. Counting is lazy: a token is at least one
  // UTF-8 byte, so while `counted + pendingBytes` stays within the cap nothing is counted;
  // tiktoken runs only when that bound passes the cap (most streams never get near it).
  #counted = 0;
  #pending = '';
  #pendingBytes = 0;

  constructor(private readonly request: FastifyRequest, private readonly r: StreamRelay) {
    this.#insp = r.inspect ? new StreamInspector(r.inspect) : undefined;
  }

  #countPending(): void {
    if (this.#pending === '') return;
    const st = this.request.fw;
    this.#counted += countTextTokens(st.model ?? '', this.#pending, st.policy.doc.encodings);
    this.#pending = '';
    this.#pendingBytes = 0;
  }

  /** Meter released text against the ticket's output cap; throws Blocked once it is passed. */
  #meter(text: string): void {
    const cap = this.r.ticket?.maxOutputTokens;
    if (cap === undefined || text === '') return;
    this.#pending += text;
    this.#pendingBytes += Buffer.byteLength(text);
    if (this.#counted + this.#pendingBytes <= cap) return;
    this.#countPending();
    if (this.#counted > cap) throw new Blocked(deny('BUDGET_EXCEEDED', `the stream passed the ${cap} output tokens reserved for it`));
  }

  /** Usage to settle with: the upstream's report, else the counted prompt and released output. */
  settleUsage(): Usage | undefined {
    if (this.usage) return this.usage;
    if (!this.r.ticket) return undefined;
    this.#countPending();
    return { inputTokens: this.r.ticket.promptTokens, outputTokens: this.#counted };
  }

  /** Meter what a frame releases (its text after inspection), then hand its bytes on. */
  #out(ev: Obj, bytes: string): string {
    if (this.r.ticket) this.#meter(streamDeltaText(this.r.route, ev));
    return bytes;
  }

  /** Process one frame; returns the bytes to send for it. Throws Blocked. */
  frame(f: SseFrame): string {
    if (f.data === undefined) return f.raw;
    if (f.data === '[DONE]') return this.#flushOpen() + f.raw;
    let ev: Obj;
    try { ev = JSON.parse(f.data); } catch {
      // Fail closed: text the inspector cannot read is not relayed unread.
      if (this.#insp) throw new Blocked(deny('UPSTREAM_BAD_RESPONSE', 'unreadable stream event'));
      return f.raw;
    }
    if (typeof ev !== 'object' || ev === null) return f.raw;
    if (typeof ev.sequence_number === 'number') this.seq = ev.sequence_number + 1;
    const { route } = this.r;
    const agent = this.request.fw.agent!;
    const toolDenial = checkCalledTools(agent, streamEventToolNames(route, ev));
    if (toolDenial) throw new Blocked(toolDenial);
    const u = usageFromStreamEvent(route, ev);
    if (u) this.usage = u;
    if (this.r.hideUsage && isUsageOnlyChunk(ev)) return '';
    if (!this.#insp) return this.#out(ev, f.raw);
    const changed = route === 'responses' ? this.#responsesEvent(ev) : this.#choiceEvent(ev);
    if (typeof changed === 'string') {
      // The extra frame's tail was metered where it was built (#responsesEvent).
      return this.#out(ev, changed + formatFrame(ev, f.event));
    }
    return this.#out(ev, changed ? formatFrame(ev, f.event) : f.raw);
  }

  #take(out: { release: string; denial?: Denial }): string {
    if (out.denial) throw new Blocked(out.denial);
    return out.release;
  }

  /** chat.completion.chunk / text_completion events. */
  #choiceEvent(ev: Obj): boolean {
    const insp = this.#insp!;
    if (!Array.isArray(ev.choices)) return false;
    if (this.r.route === 'chat') this.#lastChatBase = ev;
    let changed = false;
    for (const c of ev.choices) {
      const i = c?.index ?? 0;
      if (this.r.route === 'chat') {
        const d = c?.delta;
        if (d && typeof d.content === 'string' && d.content !== '') { d.content = this.#take(insp.push(`c${i}`, d.content)); changed = true; }
        for (const tc of d?.tool_calls ?? []) {
          if (typeof tc?.function?.arguments === 'string' && tc.function.arguments !== '') {
            tc.function.arguments = this.#take(insp.push(`c${i}.t${tc.index ?? 0}`, tc.function.arguments)); changed = true;
          }
        }
        if (c?.finish_reason) {
          for (const ch of insp.open.filter((k) => k === `c${i}` || k.startsWith(`c${i}.t`))) {
            const rest = this.#take(insp.end(ch));
            if (rest === '') continue;
            c.delta ??= {};
            if (ch === `c${i}`) c.delta.content = (c.delta.content ?? '') + rest;
            else (c.delta.tool_calls ??= []).push({ index: Number(ch.slice(ch.indexOf('.t') + 2)), function: { arguments: rest } });
            changed = true;
          }
        }
      } else if (typeof c?.text === 'string') {
        if (c.text !== '') { c.text = this.#take(insp.push(`t${i}`, c.text)); changed = true; }
        if (c.finish_reason) { const rest = this.#take(insp.end(`t${i}`)); if (rest) { c.text += rest; changed = true; } }
      }
    }
    return changed;
  }

  /** Responses API events. Returns a string of extra frames to send first when needed. */
  #responsesEvent(ev: Obj): boolean | string {
    const insp = this.#insp!;
    const t = ev.type;
    const textCh = `r${ev.item_id}:${ev.content_index ?? 0}`;
    const argCh = `a${ev.item_id}`;
    const keep = (ch: string, s: string) => { this.#released.set(ch, (this.#released.get(ch) ?? '') + s); return s; };
    if (t === 'response.output_text.delta' && typeof ev.delta === 'string') { ev.delta = keep(textCh, this.#take(insp.push(textCh, ev.delta))); return true; }
    if (t === 'response.function_call_arguments.delta' && typeof ev.delta === 'string') { ev.delta = keep(argCh, this.#take(insp.push(argCh, ev.delta))); return true; }
    if (t === 'response.output_text.done' || t === 'response.function_call_arguments.done') {
      const ch = t === 'response.output_text.done' ? textCh : argCh;
      const rest = keep(ch, this.#take(insp.end(ch)));
      this.#meter(rest);
      let pre = '';
      if (rest !== '') {
        const deltaType = t === 'response.output_text.done' ? 'response.output_text.delta' : 'response.function_call_arguments.delta';
        pre = formatFrame({ type: deltaType, sequence_number: ev.sequence_number, item_id: ev.item_id, output_index: ev.output_index, content_index: ev.content_index, delta: rest }, deltaType);
      }
      if (t === 'response.output_text.done') ev.text = this.#released.get(ch) ?? ''; else ev.arguments = this.#released.get(ch) ?? '';
      return pre || true;
    }
    if (t === 'response.content_part.done' && ev.part && typeof ev.part.text === 'string') { ev.part.text = this.#released.get(textCh) ?? ''; return true; }
    if (t === 'response.output_item.done' && ev.item) { this.#rewriteItem(ev.item); return true; }
    if ((t === 'response.completed' || t === 'response.incomplete' || t === 'response.failed') && Array.isArray(ev.response?.output)) {
      for (const item of ev.response.output) this.#rewriteItem(item);
      return true;
    }
    return false;
  }

  #rewriteItem(item: Obj): void {
    if (item?.type === 'message') {
      (item.content ?? []).forEach((p: Obj, ci: number) => { if (p && typeof p.text === 'string') p.text = this.#released.get(`r${item.id}:${ci}`) ?? ''; });
    } else if (item?.type === 'function_call' && typeof item.arguments === 'string') {
      item.arguments = this.#released.get(`a${item.id}`) ?? '';
    }
  }

  /** Before `[DONE]`: release what channels without a finish event still hold. */
  #flushOpen(): string {
    if (!this.#insp || this.r.route === 'responses') return '';
    let out = '';
    for (const ch of this.#insp.open) {
      const rest = this.#take(this.#insp.end(ch));
      this.#meter(rest);
      if (rest === '' || ch.includes('.t')) continue;
      const index = Number(ch.slice(1));
      const base = this.#lastChatBase ?? {};
      out += formatFrame(this.r.route === 'chat'
        ? { id: base.id, object: 'chat.completion.chunk', created: base.created, model: base.model, choices: [{ index, delta: { content: rest }, finish_reason: null }] }
        : { choices: [{ index, text: rest, finish_reason: null }] });
    }
    return out;
  }
}

/** Relay the stream. Resolves when it ends (normally, blocked, failed or aborted). */
export async function relayStream(request: FastifyRequest, reply: FastifyReply, r: StreamRelay): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  const st = request.fw;
  raw.writeHead(r.res.statusCode, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': request.id,
    ...r.headers,
  });
  const needParse = r.ticket !== undefined || r.inspect !== undefined
    || (st.agent?.doc.tools !== undefined && (r.route === 'chat' || r.route === 'responses'));
  const proc = new EventProcessor(request, r);
  const splitter = needParse ? new SseSplitter() : undefined;
  const write = async (s: string | Buffer) => {
    if (s.length === 0 || raw.destroyed) return;
    // Race 'close': a client that leaves while the buffer is full never drains it.
    if (!raw.write(s)) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
  };
  // Pass-through mode still writes only whole events, so that an upstream cut mid-event is
  // followed by a well-formed error event rather than glued onto half a line.
  let pending: Buffer | undefined;
  try {
    for await (const chunk of r.res.body) {
      if (!splitter) {
        const buf = pending ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
        const lf = buf.lastIndexOf('\n\n');
        const crlf = buf.lastIndexOf('\r\n\r\n');
        const end = Math.max(lf >= 0 ? lf + 2 : 0, crlf >= 0 ? crlf + 4 : 0);
        if (end > 0) await write(end === buf.length ? buf : buf.subarray(0, end));
        pending = end === buf.length ? undefined : buf.subarray(end);
        continue;
      }
      let out = '';
      for (const f of splitter.push(chunk as Buffer)) out += proc.frame(f);
      await write(out);
    }
    if (pending) await write(pending);
    if (splitter) { const last = splitter.flush(); if (last) await write(proc.frame(last)); }
    r.ticket?.settle(proc.settleUsage());
    raw.end();
  } catch (err) {
    if (err instanceof Blocked) {
      r.abort.abort(); // stop paying for tokens nobody will see
      recordDenial(request, err.denial, err.denial.error.code === 'firewall_budget_exceeded' ? 'deny' : 'block');
      r.ticket?.settle(proc.settleUsage());
      if (!raw.destroyed) raw.end(errorFrames(r.route, err.denial, proc.seq));
      return;
    }
    if (r.abort.signal.aborted || raw.destroyed) {
      // The client went away; undici already aborted the upstream request.
      r.ticket?.release(proc.usage);
      return;
    }
    const fe = upstreamError(err);
    request.server.fw.metrics.upstreamErrors.inc({ upstream: st.upstream ?? 'unknown', kind: fe.kind });
    const d: Denial = { error: fe.entry, detail: fe.detail };
    recordDenial(request, d, 'error');
    r.ticket?.settle(proc.settleUsage());
    raw.end(errorFrames(r.route, d, proc.seq));
  }
}
