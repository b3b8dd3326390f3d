/**
 * The authorize stage for Messages requests, with the OpenAI routes' rule ids: the model
 * allowlist, and the tool allowlist on what the request declares (`tools[].name` — function and
 * server tools alike — and a `tool_choice` that forces a tool). With `onDisallowedTool: strip`,
 * disallowed tools are removed in place; a `tool_choice` forcing one of them is dropped, as the
 * OpenAI routes drop it. A request using the MCP connector (`mcp_servers`) is refused when the
 * agent has a tool allowlist.
 */
import { deny, type Denial } from '../../errors.js';
import type { CompiledAgent } from '../../policy/index.js';
import { MODEL_RULE, TOOL_RULE } from '../authorize.js';
import { declaredToolNames } from './extract.js';
import type { CountTokensRequest } from './validate.js';

const shown = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** Outcome of the request-side checks. */
export type AuthorizeOutcome = { ok: true; stripped: string[] } | { ok: false; denial: Denial };

/** Model and tool authorization (see file header). Mutates `body` when stripping. */
export function authorizeMessages(agent: CompiledAgent, body: CountTokensRequest): AuthorizeOutcome {
  if (!agent.modelAllowed(body.model)) return { ok: false, denial: deny('MODEL_NOT_ALLOWED', shown(body.model), { rules: [MODEL_RULE] }) };
  if (agent.doc.tools === undefined) return { ok: true, stripped: [] };
  // The MCP connector (`mcp_servers`) lets the upstream call tools of remote MCP servers that no
  // request field names, so no allowlist can be checked up front: with an allowlist, refuse it.
  // (Their calls would also be stopped in the answer, but only after the upstream ran them.)
  if (Array.isArray(body.mcp_servers) && body.mcp_servers.length > 0) {
    return { ok: false, denial: deny('TOOL_NOT_ALLOWED', 'mcp_servers (remote MCP tools cannot be checked against the allowlist)', { rules: [TOOL_RULE] }) };
  }
  const bad = declaredToolNames(body).filter((n) => !agent.toolAllowed(n));
  if (bad.length === 0) return { ok: true, stripped: [] };
  if (agent.doc.onDisallowedTool === 'block') return { ok: false, denial: deny('TOOL_NOT_ALLOWED', shown(bad[0]!), { rules: [TOOL_RULE] }) };
  const badSet = new Set(bad);
  if (Array.isArray(body.tools)) {
    body.tools = body.tools.filter((t) => !badSet.has(t.name));
    if (body.tools.length === 0) delete body.tools;
  }
  if (body.tool_choice?.type === 'tool' && badSet.has(body.tool_choice.name ?? '')) delete body.tool_choice;
  // `any`/`tool` with no tools left would be rejected upstream.
  if (body.tools === undefined && body.tool_choice !== undefined && body.tool_choice.type !== 'none') delete body.tool_choice;
  return { ok: true, stripped: [...badSet] };
}

/** The denial for a tool the model called, or undefined when the agent may use it. */
export function checkCalledTool(agent: CompiledAgent, name: string): Denial | undefined {
  if (agent.doc.tools === undefined || agent.toolAllowed(name)) return undefined;
  return deny('TOOL_NOT_ALLOWED', shown(name), { rules: [TOOL_RULE] });
}
