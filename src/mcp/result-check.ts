/**
 * What happens to a server's answer before the client sees it, by the method it answers:
 * listings filtered by the agent's allowlists (tools also through poisoning and pins),
 * tool results, resource contents and prompts scanned (indirect injection, secrets, PII), and
 * capabilities the firewall cannot police removed from `initialize`.
 */
import { deny, type Denial } from '../errors.js';
import type { McpAuditEvent } from './audit.js';
import { filterListed, type ServerAccess } from './authorize.js';
import { RESULT_DETECTORS, scanJson, type ContentPolicy } from './content.js';
import type { ToolDefinition } from './pins.js';
import type { ToolRegistry } from './tool-registry.js';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The result to forward (maybe rewritten) with its decision, or a denial to send instead. */
export type ResultCheck = { result: Msg; decision: 'allow' | 'flag' | 'redact'; rules: string[] } | { denial: Denial };

/** What the check needs from the session. */
export interface ResultContext {
  access: ServerAccess;
  tools: ToolRegistry;
  /** Absent when no engine is configured (content checks off). */
  content?: ContentPolicy;
  onInitialized?: (result: Record<string, unknown>) => void;
  audit: (e: Omit<McpAuditEvent, 'agent' | 'server'>) => void;
}

/** Check the result of `method` (for tools/call, `tool` names the tool). */
export async function checkResult(method: string, tool: string | undefined, result: Msg, c: ResultContext): Promise<ResultCheck> {
  const a = c.access;
  switch (method) {
    case 'initialize': {
      // Capabilities the firewall cannot police are not advertised (tasks: results out of band).
      const { tasks: _t, ...caps } = (result.capabilities ?? {}) as Msg;
      const r = { ...result, capabilities: caps };
      c.onInitialized?.(r);
      return { result: r, decision: 'allow', rules: [] };
    }
    case 'tools/list': {
      const allowed = filterListed<ToolDefinition & Record<string, unknown>>(result.tools, 'name', (n) => a.tool(n) !== undefined);
      const shown = await c.tools.admit(allowed);
      if (result.nextCursor === undefined) c.tools.complete = true;
      c.audit({ event: 'mcp.tools.listed', method: 'tools/list', decision: 'allow', detail: `${shown.length} of ${Array.isArray(result.tools) ? result.tools.length : 0} shown` });
      return { result: { ...result, tools: shown }, decision: 'allow', rules: [] };
    }
    case 'resources/list':
      return { result: { ...result, resources: filterListed(result.resources, 'uri', a.resourceAllowed) }, decision: 'allow', rules: [] };
    case 'resources/templates/list':
      return { result: { ...result, resourceTemplates: filterListed(result.resourceTemplates, 'uriTemplate', a.templateAllowed) }, decision: 'allow', rules: [] };
    case 'prompts/list':
      return { result: { ...result, prompts: filterListed(result.prompts, 'name', a.promptAllowed) }, decision: 'allow', rules: [] };
    case 'tools/call': case 'resources/read': case 'prompts/get': {
      if (!c.content) return { result, decision: 'allow', rules: [] };
      // Prompts are server-authored instructions the model is meant to follow: scanned as an
      // untrusted user's prompt (direct-injection rules). The document-only rules, which flag any
      // request or question planted in retrieved content, would refuse every prompt.
      const v = scanJson(result, c.content, 'response', method === 'prompts/get' ? 'user' : 'tool', RESULT_DETECTORS);
      if (v.decision === 'block') {
        return { denial: v.detectorError ? deny('DETECTOR_FAILED', 'result', { rules: v.rules }) : deny('BLOCKED', `the result of ${tool ?? method}`, { rules: v.rules }) };
      }
      return { result: v.value as Msg, decision: v.decision === 'allow' ? 'allow' : v.decision, rules: v.rules };
    }
    default:
      return { result, decision: 'allow', rules: [] };
  }
}
