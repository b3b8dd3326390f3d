/**
 * The authorize stage for the LLM surface, as pure functions over the compiled agent: the model
 * allowlist, and the function-tool allowlist on what a request declares (`tools`, legacy
 * `functions`) and on the tool calls a response makes. Denials name the model or tool; both are
 * the caller's own input.
 */
import { deny, type Denial } from '../errors.js';
import type { CompiledAgent } from '../policy/index.js';
import type { LlmRoute } from './routes-meta.js';

type Obj = Record<string, any>;

/** Rule id recorded when a tool allowlist decides. */
export const TOOL_RULE = 'policy.tool-allowlist';
/** Rule id recorded when the model allowlist decides. */
export const MODEL_RULE = 'policy.model-allowlist';

const shown = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** 403 unless the agent may use `model`. */
export function authorizeModel(agent: CompiledAgent, model: string): Denial | undefined {
  return agent.modelAllowed(model) ? undefined : deny('MODEL_NOT_ALLOWED', shown(model), { rules: [MODEL_RULE] });
}

/** Function-tool names a request declares. */
export function declaredToolNames(route: LlmRoute, body: Obj): string[] {
  const names: string[] = [];
  if (Array.isArray(body.tools)) {
    for (const t of body.tools) {
      if (t?.type !== 'function') continue;
      const n = route === 'chat' ? t.function?.name : t.name;
      if (typeof n === 'string') names.push(n);
    }
  }
  if (route === 'chat' && Array.isArray(body.functions)) for (const f of body.functions) if (typeof f?.name === 'string') names.push(f.name);
  return names;
}

/** Outcome of the request-side tool check. */
export type ToolCheck = { ok: true; stripped: string[] } | { ok: false; denial: Denial };

/**
 * Check declared tools. With `onDisallowedTool: strip` the disallowed ones are removed from
 * `body` in place (and a `tool_choice` naming one is dropped); the caller re-serialises.
 */
export function authorizeRequestTools(route: LlmRoute, agent: CompiledAgent, body: Obj): ToolCheck {
  if (agent.doc.tools === undefined) return { ok: true, stripped: [] };
  const bad = declaredToolNames(route, body).filter((n) => !agent.toolAllowed(n));
  if (bad.length === 0) return { ok: true, stripped: [] };
  if (agent.doc.onDisallowedTool === 'block') return { ok: false, denial: deny('TOOL_NOT_ALLOWED', shown(bad[0]), { rules: [TOOL_RULE] }) };
  const badSet = new Set(bad);
  const nameOf = (t: Obj) => (route === 'chat' ? t.function?.name : t.name);
  if (Array.isArray(body.tools)) {
    body.tools = body.tools.filter((t: Obj) => !(t?.type === 'function' && badSet.has(nameOf(t))));
    if (body.tools.length === 0) delete body.tools; // the API rejects an empty tools array
  }
  if (Array.isArray(body.functions)) {
    body.functions = body.functions.filter((f: Obj) => !badSet.has(f?.name));
    if (body.functions.length === 0) delete body.functions;
  }
  const choice = body.tool_choice;
  const chosen = typeof choice === 'object' && choice !== null ? (choice.function?.name ?? choice.name) : undefined;
  if (typeof chosen === 'string' && badSet.has(chosen)) delete body.tool_choice;
  if (!body.tools && !body.functions && body.tool_choice !== undefined) delete body.tool_choice;
  if (typeof body.function_call === 'object' && badSet.has(body.function_call?.name)) delete body.function_call;
  if (!body.tools) delete body.parallel_tool_calls;
  return { ok: true, stripped: bad };
}

/** Tool names called in a non-streamed response body. */
export function responseToolNames(route: LlmRoute, json: Obj): string[] {
  const names: string[] = [];
  if (route === 'chat' && Array.isArray(json?.choices)) {
    for (const c of json.choices) {
      for (const tc of c?.message?.tool_calls ?? []) if (typeof tc?.function?.name === 'string') names.push(tc.function.name);
      if (typeof c?.message?.function_call?.name === 'string') names.push(c.message.function_call.name);
    }
  } else if (route === 'responses' && Array.isArray(json?.output)) {
    for (const item of json.output) if (item?.type === 'function_call' && typeof item.name === 'string') names.push(item.name);
  }
  return names;
}

/** Tool names that appear in one streamed event (chat delta or responses output item). */
export function streamEventToolNames(route: LlmRoute, ev: Obj): string[] {
  const names: string[] = [];
  if (route === 'chat' && Array.isArray(ev?.choices)) {
    for (const c of ev.choices) {
      for (const tc of c?.delta?.tool_calls ?? []) if (typeof tc?.function?.name === 'string' && tc.function.name !== '') names.push(tc.function.name);
      if (typeof c?.delta?.function_call?.name === 'string') names.push(c.delta.function_call.name);
    }
  } else if (route === 'responses' && ev?.item?.type === 'function_call' && typeof ev.item.name === 'string') {
    names.push(ev.item.name);
  }
  return names;
}

/** The first called tool outside the allowlist, as a denial. */
export function checkCalledTools(agent: CompiledAgent, names: string[]): Denial | undefined {
  if (agent.doc.tools === undefined) return undefined;
  const badName = names.find((n) => !agent.toolAllowed(n));
  return badName === undefined ? undefined : deny('TOOL_NOT_ALLOWED', shown(badName), { rules: [TOOL_RULE] });
}
