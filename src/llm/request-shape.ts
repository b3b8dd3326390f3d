/**
 * Shape checks for request bodies: only what the firewall itself reads (model, messages/input,
 * stream, tools) is checked, and nothing is coerced or stripped — the body that was checked and
 * scanned is the body that is forwarded. Unknown fields pass through untouched.
 */
import { deny, type Denial } from '../errors.js';
import type { LlmRoute } from './routes-meta.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (msg: string) => deny('INVALID_REQUEST', msg);

function checkTools(tools: unknown, route: LlmRoute): Denial | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return bad('`tools` must be an array');
  for (const [i, t] of tools.entries()) {
    if (!isObj(t) || typeof t.type !== 'string') return bad(`\`tools[${i}]\` must be an object with a string \`type\``);
    if (t.type !== 'function') continue;
    const name = route === 'chat' ? (isObj(t.function) ? t.function.name : undefined) : t.name;
    if (typeof name !== 'string' || name === '') {
      return bad(route === 'chat' ? `\`tools[${i}].function.name\` must be a non-empty string` : `\`tools[${i}].name\` must be a non-empty string`);
    }
  }
  return undefined;
}

/** Check a request body for `route`; a Denial names the first problem. */
export function checkRequestShape(route: LlmRoute, body: unknown): Denial | undefined {
  if (!isObj(body)) return bad('the body must be a JSON object');
  if (body.model === undefined) return bad('missing required field `model`');
  if (typeof body.model !== 'string' || body.model === '') return bad('`model` must be a non-empty string');
  if (body.model.length > 256) return bad('`model` is too long');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') return bad('`stream` must be a boolean');
  if (body.stream_options !== undefined && body.stream_options !== null && !isObj(body.stream_options)) return bad('`stream_options` must be an object');
  switch (route) {
    case 'chat': {
      if (body.messages === undefined) return bad('missing required field `messages`');
      if (!Array.isArray(body.messages)) return bad('`messages` must be an array');
      for (const [i, m] of body.messages.entries()) {
        if (!isObj(m)) return bad(`\`messages[${i}]\` must be an object`);
        if (typeof m.role !== 'string') return bad(`\`messages[${i}].role\` must be a string`);
        if (m.content !== undefined && m.content !== null && typeof m.content !== 'string' && !Array.isArray(m.content)) {
          return bad(`\`messages[${i}].content\` must be a string or an array of parts`);
        }
      }
      if (body.functions !== undefined) {
        if (!Array.isArray(body.functions)) return bad('`functions` must be an array');
        for (const [i, f] of body.functions.entries()) {
          if (!isObj(f) || typeof f.name !== 'string') return bad(`\`functions[${i}].name\` must be a string`);
        }
      }
      return checkTools(body.tools, route);
    }
    case 'responses':
      if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) return bad('`input` must be a string or an array');
      if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string') return bad('`instructions` must be a string');
      return checkTools(body.tools, route);
    case 'completions':
      if (body.prompt === undefined) return bad('missing required field `prompt`');
      if (typeof body.prompt !== 'string' && !Array.isArray(body.prompt)) return bad('`prompt` must be a string or an array');
      return undefined;
    case 'embeddings':
      if (body.input === undefined) return bad('missing required field `input`');
      if (typeof body.input !== 'string' && !Array.isArray(body.input)) return bad('`input` must be a string or an array');
      if (body.stream === true) return bad('embeddings cannot stream');
      return undefined;
  }
}
