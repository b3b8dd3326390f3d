/**
 * Counting output as it streams, for two jobs the issue gives the front end: cut a stream off
 * once its output runs past what was reserved (so no budget is overshot by more than one
 * request's reservation), and settle from counted output when the upstream reports no usage.
 * Each delta is counted on its own; BPE merges across chunk boundaries can only make the true
 * count smaller, so the meter errs on the safe side.
 */
import type { Usage } from './types.js';
import type { LlmRoute } from './token-count.js';
import { countTextTokens } from './encodings.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The generated text carried by one parsed stream event: chat `choices[].delta.content`,
 * `refusal` and tool-call argument deltas; completions `choices[].text`; Responses
 * `response.output_text.delta`, `response.refusal.delta` and function-call argument deltas.
 */
export function streamDeltaText(route: LlmRoute, event: unknown): string {
  if (!isObj(event)) return '';
  if (route === 'responses') {
    const t = event.type;
    if ((t === 'response.output_text.delta' || t === 'response.refusal.delta' || t === 'response.function_call_arguments.delta')
      && typeof event.delta === 'string') return event.delta;
    return '';
  }
  if (!Array.isArray(event.choices)) return '';
  let out = '';
  for (const c of event.choices) {
    if (!isObj(c)) continue;
    if (typeof c.text === 'string') out += c.text;
    const d = isObj(c.delta) ? c.delta : undefined;
    if (!d) continue;
    if (typeof d.content === 'string') out += d.content;
    if (typeof d.refusal === 'string') out += d.refusal;
    if (Array.isArray(d.tool_calls)) {
      for (const tc of d.tool_calls) {
        const f = isObj(tc) && isObj(tc.function) ? tc.function : undefined;
        if (f && typeof f.name === 'string') out += f.name;
        if (f && typeof f.arguments === 'string') out += f.arguments;
      }
    }
  }
  return out;
}

/** Output tokens of one response, counted as they arrive, against the reserved cap. */
export class OutputMeter {
  #tokens = 0;
  readonly #model: string;
  readonly #encodings: Readonly<Record<string, string>> | undefined;

  /**
   * @param cap output tokens reserved for this call (`AdmitRequest.maxOutputTokens`)
   * @param promptTokens prompt tokens counted at admission (used for `usage()`)
   */
  constructor(model: string, readonly cap: number, readonly promptTokens: number, encodings?: Readonly<Record<string, string>>) {
    this.#model = model;
    this.#encodings = encodings;
  }

  /** Count a delta; returns false once the output exceeds the cap (cut the stream off then). */
  add(text: string): boolean {
    if (text.length > 0) this.#tokens += countTextTokens(this.#model, text, this.#encodings);
    return this.#tokens <= this.cap;
  }

  /** Count the delta text of a parsed stream event ({@link streamDeltaText}). */
  addEvent(route: LlmRoute, event: unknown): boolean {
    return this.add(streamDeltaText(route, event));
  }

  get tokens(): number {
    return this.#tokens;
  }

  get exceeded(): boolean {
    return this.#tokens > this.cap;
  }

  /** Usage to settle with when the upstream reported none: counted prompt + counted output. */
  usage(): Usage {
    return { inputTokens: this.promptTokens, outputTokens: this.#tokens };
  }
}
