/**
 * Prompt-token counting before a request is forwarded, so the limits stage can reserve it.
 * Chat follows the OpenAI cookbook ("How to count tokens with tiktoken"): 3 tokens per message,
 * +1 when it has a `name`, +3 to prime the reply; function tools follow the cookbook's
 * `num_tokens_for_tools` (7 tokens per function on o200k models, 10 on cl100k, 3 per property
 * group and per property, enum items 3 each, 12 at the end). Images cost what the vision guide
 * documents (see image-tokens.ts). Anything the formulas do not cover (nested tool schemas, audio,
 * files) is counted as its JSON text, which over-estimates; settlement corrects it to the
 * upstream's reported usage.
 */
import type { Tiktoken } from 'tiktoken';
import { countWith, encoderFor, encodingNameFor } from './encodings.js';
import { imageTokens } from './image-tokens.js';

/** The LLM routes the firewall counts. */
export type LlmRoute = 'chat' | 'responses' | 'completions' | 'embeddings';

const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Prompt tokens of a request body for `route`. Never throws on odd input: unknown shapes are
 * counted as their JSON text (the request validator, not the counter, rejects bad bodies).
 */
export function countRequestTokens(route: LlmRoute, model: string, body: unknown,
  encodings?: Readonly<Record<string, string>>): number {
  const encName = encodingNameFor(model, encodings);
  const enc = encoderFor(encName);
  const b = isObj(body) ? body : {};
  switch (route) {
    case 'chat': {
      let n = countMessages(enc, b.messages);
      const tools = Array.isArray(b.tools) ? b.tools : Array.isArray(b.functions) ? b.functions : undefined;
      if (tools && tools.length > 0) n += countTools(enc, tools, encName === 'cl100k_base' ? 10 : 7);
      return n;
    }
    case 'responses': {
      let n = 0;
      if (typeof b.instructions === 'string') n += TOKENS_PER_MESSAGE + countWith(enc, 'system') + countWith(enc, b.instructions);
      if (typeof b.input === 'string') n += TOKENS_PER_MESSAGE + countWith(enc, 'user') + countWith(enc, b.input) + REPLY_PRIMING;
      else n += countMessages(enc, b.input);
      if (Array.isArray(b.tools) && b.tools.length > 0) n += countTools(enc, b.tools, encName === 'cl100k_base' ? 10 : 7);
      return n;
    }
    case 'completions':
      return countPromptLike(enc, b.prompt);
    case 'embeddings':
      return countPromptLike(enc, b.input);
  }
}

/** `prompt`/`input` of completions and embeddings: a string, strings, token ids or arrays of them. */
function countPromptLike(enc: Tiktoken, v: unknown): number {
  if (typeof v === 'string') return countWith(enc, v);
  if (!Array.isArray(v)) return v === undefined || v === null ? 0 : jsonTokens(enc, v);
  if (v.every((x) => typeof x === 'number')) return v.length;
  let n = 0;
  for (const x of v) n += countPromptLike(enc, x);
  return n;
}

/** Chat messages (and Responses input items) with the cookbook's per-message overhead. */
function countMessages(enc: Tiktoken, messages: unknown): number {
  if (!Array.isArray(messages)) return messages === undefined ? 0 : jsonTokens(enc, messages);
  let n = 0;
  for (const m of messages) {
    n += TOKENS_PER_MESSAGE;
    if (!isObj(m)) { n += jsonTokens(enc, m); continue; }
    for (const [key, value] of Object.entries(m)) {
      if (key === 'type' && (value === 'message' || typeof value !== 'string')) continue;
      n += countValue(enc, key, value);
      if (key === 'name') n += TOKENS_PER_NAME;
    }
  }
  return n + REPLY_PRIMING;
}

function countValue(enc: Tiktoken, key: string, value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return countWith(enc, value);
  if (key === 'content' && Array.isArray(value)) return countContentParts(enc, value);
  if (key === 'tool_calls' && Array.isArray(value)) {
    let n = 0;
    for (const c of value) {
      const f = isObj(c) && isObj(c.function) ? c.function : undefined;
      n += f ? TOKENS_PER_MESSAGE + strTokens(enc, f.name) + strTokens(enc, f.arguments) : jsonTokens(enc, c);
    }
    return n;
  }
  return jsonTokens(enc, value);
}

/** Multimodal content parts: text counted, images priced, the rest as JSON text. */
function countContentParts(enc: Tiktoken, parts: unknown[]): number {
  let n = 0;
  for (const p of parts) {
    if (typeof p === 'string') { n += countWith(enc, p); continue; }
    if (!isObj(p)) { n += jsonTokens(enc, p); continue; }
    if (typeof p.text === 'string') n += countWith(enc, p.text);
    else if (typeof p.refusal === 'string') n += countWith(enc, p.refusal);
    else if (p.type === 'image_url' && isObj(p.image_url)) n += imageTokens(p.image_url.url, p.image_url.detail);
    else if (p.type === 'input_image') n += imageTokens(p.image_url, p.detail);
    else n += jsonTokens(enc, p);
  }
  return n;
}

/**
 * Function tools per the cookbook's formula. Accepts the chat shape
 * (`{type:'function', function:{…}}`), the Responses shape (`{type:'function', name, …}`) and
 * legacy `functions` entries; other tool types are counted as JSON text.
 */
function countTools(enc: Tiktoken, tools: unknown[], funcInit: number): number {
  const PROP_INIT = 3, PROP_KEY = 3, ENUM_INIT = -3, ENUM_ITEM = 3, FUNC_END = 12;
  let n = 0;
  for (const t of tools) {
    const f = isObj(t) && isObj(t.function) ? t.function : isObj(t) && typeof t.name === 'string' ? t : undefined;
    if (!f) { n += jsonTokens(enc, t); continue; }
    n += funcInit;
    n += countWith(enc, `${str(f.name)}:${trimDot(str(f.description))}`);
    const props = isObj(f.parameters) && isObj(f.parameters.properties) ? f.parameters.properties : undefined;
    if (props && Object.keys(props).length > 0) {
      n += PROP_INIT;
      for (const [key, p] of Object.entries(props)) {
        n += PROP_KEY;
        const prop = isObj(p) ? p : {};
        if (Array.isArray(prop.enum)) {
          n += ENUM_INIT;
          for (const item of prop.enum) n += ENUM_ITEM + countWith(enc, String(item));
        }
        const type = Array.isArray(prop.type) ? prop.type.join(',') : str(prop.type);
        n += countWith(enc, `${key}:${type}:${trimDot(str(prop.description))}`);
        // Nested schemas are outside the cookbook's formula: count their JSON (an over-estimate).
        if (prop.properties !== undefined) n += jsonTokens(enc, prop.properties);
        if (prop.items !== undefined) n += jsonTokens(enc, prop.items);
      }
    }
  }
  return n + FUNC_END;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const trimDot = (s: string): string => (s.endsWith('.') ? s.slice(0, -1) : s);
const strTokens = (enc: Tiktoken, v: unknown): number => (typeof v === 'string' ? countWith(enc, v) : 0);

function jsonTokens(enc: Tiktoken, v: unknown): number {
  try {
    return countWith(enc, JSON.stringify(v) ?? '');
  } catch {
    return 0;
  }
}
