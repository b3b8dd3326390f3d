/**
 * Usage from Anthropic responses, for settling reservations. Anthropic reports input tokens in
 * three disjoint parts — `input_tokens` (uncached), `cache_creation_input_tokens` (written to the
 * prompt cache, priced above input) and `cache_read_input_tokens` (priced far below) — whereas
 * OpenAI's `prompt_tokens` includes its cached part. The firewall's `Usage` follows OpenAI's
 * convention, so the parts are summed into `inputTokens` and the cache parts are kept aside for
 * pricing.
 *
 * In a stream, `message_start` carries the input side and `message_delta` the cumulative output
 * count (and, on newer API versions, final input counts that supersede the first ones).
 */
import type { Usage } from '../../limits/types.js';

/** Anthropic's usage, in its own terms. */
export interface AnthropicUsage {
  inputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
}

/** The firewall's `Usage` (it carries the cache-write count the limiter prices). */
export type SettledUsage = Usage;

function n(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** Read an Anthropic `usage` object; undefined when it has no usable counts. */
export function parseAnthropicUsage(u: unknown): AnthropicUsage | undefined {
  if (typeof u !== 'object' || u === null) return undefined;
  const r = u as Record<string, unknown>;
  const input = n(r.input_tokens);
  const output = n(r.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  return {
    inputTokens: input ?? 0,
    cacheWriteTokens: n(r.cache_creation_input_tokens) ?? 0,
    cacheReadTokens: n(r.cache_read_input_tokens) ?? 0,
    outputTokens: output ?? 0,
  };
}

/** Convert to the limiter's `Usage` (input includes cached parts, as OpenAI counts). */
export function toSettledUsage(a: AnthropicUsage): SettledUsage {
  const u: SettledUsage = {
    inputTokens: a.inputTokens + a.cacheWriteTokens + a.cacheReadTokens,
    outputTokens: a.outputTokens,
  };
  if (a.cacheReadTokens > 0) u.cachedInputTokens = a.cacheReadTokens;
  if (a.cacheWriteTokens > 0) u.cacheWriteInputTokens = a.cacheWriteTokens;
  return u;
}

/** Usage of a non-streamed Messages response body. */
export function usageFromMessage(json: unknown): SettledUsage | undefined {
  const a = parseAnthropicUsage((json as { usage?: unknown } | null)?.usage);
  return a ? toSettledUsage(a) : undefined;
}

/** Accumulates usage across the events of one stream. */
export class StreamUsage {
  #u: AnthropicUsage | undefined;

  /** Feed every parsed stream event; non-usage events are ignored. */
  observe(event: unknown): void {
    const e = event as { type?: string; message?: { usage?: unknown }; usage?: unknown } | null;
    if (!e) return;
    if (e.type === 'message_start') {
      this.#u = parseAnthropicUsage(e.message?.usage) ?? this.#u;
    } else if (e.type === 'message_delta') {
      const d = e.usage as Record<string, unknown> | undefined;
      const a = parseAnthropicUsage(d);
      if (!a || !d) return;
      const prev = this.#u ?? { inputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, outputTokens: 0 };
      // output_tokens in message_delta is cumulative; input fields appear only when final.
      this.#u = {
        inputTokens: n(d.input_tokens) ?? prev.inputTokens,
        cacheWriteTokens: n(d.cache_creation_input_tokens) ?? prev.cacheWriteTokens,
        cacheReadTokens: n(d.cache_read_input_tokens) ?? prev.cacheReadTokens,
        outputTokens: n(d.output_tokens) ?? prev.outputTokens,
      };
    }
  }

  /** What was reported so far (undefined when the stream reported nothing). */
  get usage(): SettledUsage | undefined {
    return this.#u ? toSettledUsage(this.#u) : undefined;
  }
}
