/**
 * Text extraction for the inspect stage: every piece of text in a request or response body that
 * the upstream or the client will see, with its role and a setter that rewrites it in place (for
 * redaction). Request side: user messages, tool/function results, `input`/`prompt`; system and
 * developer text only when asked. Response side: assistant content and tool-call arguments.
 */
import type { TextRole } from '../../detectors/engine/types.js';
import type { LlmRoute } from './routes-meta.js';

type Obj = Record<string, any>;

/** One scannable text and where it lives. */
export interface TextSlot {
  text: string;
  role: TextRole;
  set(next: string): void;
}

function slot(holder: Obj, key: string | number, role: TextRole, out: TextSlot[]): void {
  const v = holder[key as string];
  if (typeof v === 'string' && v !== '') out.push({ text: v, role, set: (n) => { holder[key as string] = n; } });
}

/** Text parts of a message `content` (string or parts array). */
function contentSlots(m: Obj, role: TextRole, out: TextSlot[]): void {
  if (typeof m.content === 'string') slot(m, 'content', role, out);
  else if (Array.isArray(m.content)) {
    for (const part of m.content) {
      if (part && typeof part === 'object' && typeof part.text === 'string') slot(part, 'text', role, out);
      if (part && typeof part === 'object' && typeof part.output === 'string') slot(part, 'output', role, out);
    }
  }
}

function roleOf(r: unknown): TextRole | 'skip' | 'system' {
  if (r === 'user') return 'user';
  if (r === 'tool' || r === 'function') return 'tool';
  if (r === 'system' || r === 'developer') return 'system';
  return 'skip'; // earlier assistant turns are the model's own output
}

/** Texts in a request body that will be forwarded. */
export function requestSlots(route: LlmRoute, body: Obj, scanSystem: boolean): TextSlot[] {
  const out: TextSlot[] = [];
  const want = (r: TextRole | 'skip' | 'system') => r !== 'skip' && (r !== 'system' || scanSystem);
  if (route === 'chat') {
    for (const m of body.messages ?? []) {
      const r = roleOf(m?.role);
      if (want(r)) contentSlots(m, r as TextRole, out);
    }
  } else if (route === 'responses') {
    if (scanSystem) slot(body, 'instructions', 'system', out);
    if (typeof body.input === 'string') slot(body, 'input', 'user', out);
    else if (Array.isArray(body.input)) {
      for (const item of body.input) {
        if (!item || typeof item !== 'object') continue;
        if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') {
          if (typeof item.output === 'string') slot(item, 'output', 'tool', out);
          else if (Array.isArray(item.output)) contentSlots({ content: item.output }, 'tool', out);
          continue;
        }
        const r = roleOf(item.role);
        if (want(r)) contentSlots(item, r as TextRole, out);
      }
    }
  } else {
    const key = route === 'completions' ? 'prompt' : 'input';
    if (typeof body[key] === 'string') slot(body, key, 'user', out);
    else if (Array.isArray(body[key])) body[key].forEach((_: unknown, i: number) => slot(body[key], i, 'user', out));
  }
  return out;
}

/** Texts in a non-streamed response body that the client will see. */
export function responseSlots(route: LlmRoute, json: Obj): TextSlot[] {
  const out: TextSlot[] = [];
  if (route === 'chat') {
    for (const c of json?.choices ?? []) {
      const m = c?.message;
      if (!m) continue;
      slot(m, 'content', 'assistant', out);
      for (const tc of m.tool_calls ?? []) if (tc?.function) slot(tc.function, 'arguments', 'arguments', out);
      if (m.function_call) slot(m.function_call, 'arguments', 'arguments', out);
    }
  } else if (route === 'responses') {
    for (const item of json?.output ?? []) {
      if (item?.type === 'message') for (const p of item.content ?? []) if (p) slot(p, 'text', 'assistant', out);
      if (item?.type === 'function_call') slot(item, 'arguments', 'arguments', out);
    }
  } else if (route === 'completions') {
    for (const c of json?.choices ?? []) if (c) slot(c, 'text', 'assistant', out);
  }
  return out;
}
