/**
 * Shape checks for a Messages API request body. Only what the firewall itself relies on is
 * checked (model, max_tokens, messages and their content blocks, system, tools, tool_choice,
 * stream); every other field — and every unknown field, for API versions newer than this code —
 * passes through untouched. Nothing is coerced or stripped: the body scanned is the body sent
 * (STYLE §1 "scan what you forward").
 *
 * A block type the firewall does not know cannot be scanned, so it is refused rather than
 * forwarded unread (fail closed) unless it is in {@link OPAQUE_BLOCK_TYPES}, which carry no text.
 */
import { deny, type Denial } from '../../errors.js';

/** Content block types whose text the extractor reads. */
export const TEXT_BLOCK_TYPES: ReadonlySet<string> = new Set([
  'text',
  'tool_use',
  'tool_result',
  'document',
  'search_result',
  'thinking',
  'server_tool_use',
  'mcp_tool_use',
  'mcp_tool_result',
  'web_search_tool_result',
  'web_fetch_tool_result',
]);

/** Content block types that carry no scannable text (binary media, opaque signatures). */
export const OPAQUE_BLOCK_TYPES: ReadonlySet<string> = new Set(['image', 'redacted_thinking']);

/** The fields of a `count_tokens` request the firewall reads; the rest is kept as-is. */
export interface CountTokensRequest {
  model: string;
  messages: Array<{ role: 'user' | 'assistant'; content: string | Array<Record<string, unknown>> }>;
  system?: string | Array<Record<string, unknown>>;
  tools?: Array<Record<string, unknown> & { name: string }>;
  tool_choice?: { type: string; name?: string };
  [key: string]: unknown;
}

/** The fields of a Messages request the firewall reads; the rest is kept as-is. */
export interface MessagesRequest extends CountTokensRequest {
  max_tokens: number;
  stream?: boolean;
}

type Check = { ok: true } | { ok: false; denial: Denial };

function bad(pointer: string, expected: string): { ok: false; denial: Denial } {
  return { ok: false, denial: deny('INVALID_REQUEST', `${pointer}: expected ${expected}`) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkBlocks(blocks: unknown, pointer: string, depth = 0): Check {
  if (!Array.isArray(blocks)) return bad(pointer, 'a string or an array of content blocks');
  for (let i = 0; i < blocks.length; i++) {
    const b: unknown = blocks[i];
    const p = `${pointer}/${i}`;
    if (!isObject(b) || typeof b.type !== 'string') return bad(p, 'a content block object with a string `type`');
    if (!TEXT_BLOCK_TYPES.has(b.type) && !OPAQUE_BLOCK_TYPES.has(b.type)) {
      return bad(`${p}/type`, `a known content block type (got an unknown one the firewall cannot inspect)`);
    }
    if (b.type === 'text' && typeof b.text !== 'string') return bad(`${p}/text`, 'a string');
    if ((b.type === 'tool_use' || b.type === 'server_tool_use' || b.type === 'mcp_tool_use') && typeof b.name !== 'string') return bad(`${p}/name`, 'a string');
    if ((b.type === 'tool_result' || b.type === 'mcp_tool_result') && b.content !== undefined && typeof b.content !== 'string') {
      // Nested blocks in a tool result: one level, as the API allows.
      if (depth > 0) return bad(`${p}/content`, 'no nested tool results');
      const r = checkBlocks(b.content, `${p}/content`, depth + 1);
      if (!r.ok) return r;
    }
  }
  return { ok: true };
}

/**
 * Validate a parsed body as a Messages request. On failure the denial names the JSON pointer and
 * what was expected (never the offending value, which may be secret).
 */
export function validateMessagesRequest(body: unknown): { ok: true; request: MessagesRequest } | { ok: false; denial: Denial } {
  if (!isObject(body)) return bad('', 'a JSON object');
  if (typeof body.model !== 'string' || body.model.length === 0) return bad('/model', 'a non-empty string');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return bad('/max_tokens', 'an integer >= 1');
  }
  const r = checkMessagesAndRest(body);
  if (!r.ok) return r;
  return { ok: true, request: body as MessagesRequest };
}

/**
 * The checks shared with `count_tokens`, whose body has no `max_tokens`.
 */
export function checkMessagesAndRest(body: Record<string, unknown>): { ok: true } | { ok: false; denial: Denial } {
  if (!Array.isArray(body.messages)) return bad('/messages', 'an array');
  for (let i = 0; i < body.messages.length; i++) {
    const m: unknown = body.messages[i];
    const p = `/messages/${i}`;
    if (!isObject(m)) return bad(p, 'a message object');
    if (m.role !== 'user' && m.role !== 'assistant') return bad(`${p}/role`, '"user" or "assistant"');
    if (typeof m.content !== 'string') {
      const c = checkBlocks(m.content, `${p}/content`);
      if (!c.ok) return c;
    }
  }
  if (body.system !== undefined && typeof body.system !== 'string') {
    const c = checkBlocks(body.system, '/system');
    if (!c.ok) return c;
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return bad('/tools', 'an array');
    for (let i = 0; i < body.tools.length; i++) {
      const t: unknown = body.tools[i];
      if (!isObject(t) || typeof t.name !== 'string') return bad(`/tools/${i}/name`, 'a string');
    }
  }
  if (body.tool_choice !== undefined) {
    const tc = body.tool_choice;
    if (!isObject(tc) || typeof tc.type !== 'string') return bad('/tool_choice', 'an object with a string `type`');
    if (tc.type === 'tool' && typeof tc.name !== 'string') return bad('/tool_choice/name', 'a string');
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return bad('/stream', 'a boolean');
  if (body.mcp_servers !== undefined && !Array.isArray(body.mcp_servers)) return bad('/mcp_servers', 'an array');
  return { ok: true };
}

/** Validate a `count_tokens` body: like a Messages request without `max_tokens`/`stream`. */
export function validateCountTokensRequest(body: unknown): { ok: true; request: CountTokensRequest } | { ok: false; denial: Denial } {
  if (!isObject(body)) return bad('', 'a JSON object');
  if (typeof body.model !== 'string' || body.model.length === 0) return bad('/model', 'a non-empty string');
  const r = checkMessagesAndRest(body);
  if (!r.ok) return r;
  return { ok: true, request: body as CountTokensRequest };
}
