/**
 * Per-agent, per-server MCP authorisation as pure functions: which tools an agent sees and may
 * call (with which argument constraints), which resources it may read, which prompts it may get.
 *
 * Semantics (policy `agents.<agent>.mcp.<server>`):
 * - no entry for the server → nothing at all (fail closed);
 * - `tools` absent → every tool; present → only the listed names/globs (deny by default);
 * - `resources` absent → every resource; present → URI prefixes, or globs when they contain `*?{`;
 * - `prompts` absent → every prompt; present → names/globs.
 * An exact tool name wins over globs; among globs the first in the file wins.
 * Names and URIs come from the wire, so globs run on RE2 (`src/policy/glob.ts`), never JS RegExp.
 */
import { RE2 } from 're2';
import { globToRe2Source } from '../policy/glob.js';
import type { AgentMcpServerPolicy, McpToolRule } from '../policy/types.js';
import { deny, type Denial } from '../errors.js';
import { compileToolArgs, type CompiledToolArgs, type RealpathFn } from './arguments.js';
import { lexicalRefusal } from './path-guard.js';

/** What applies to one tool call. */
export interface ToolGrant {
  /** The policy key that matched (the name or the glob). */
  key: string;
  rule: McpToolRule;
  args: CompiledToolArgs;
}

/** An agent's compiled access to one MCP server. */
export interface ServerAccess {
  readonly agent: string;
  readonly server: string;
  /** The grant for a tool, or undefined when the tool is not allowed. */
  tool(name: string): ToolGrant | undefined;
  resourceAllowed(uri: string): boolean;
  /**
   * Could some expansion of this URI template be allowed? Compares the template's literal
   * prefix (before its first `{`) with each entry's literal prefix (before its first glob
   * character): kept when one extends the other. Over-approximate on purpose — the concrete URI
   * of every `resources/read` is still checked exactly.
   */
  templateAllowed(uriTemplate: string): boolean;
  promptAllowed(name: string): boolean;
}

const GLOB_CHARS = ['*', '?', '{'];
const isGlob = (s: string): boolean => GLOB_CHARS.some((c) => s.includes(c));

function nameMatcher(list: readonly string[] | undefined): (name: string) => boolean {
  if (list === undefined) return () => true;
  const exact = new Set(list.filter((g) => !isGlob(g)));
  const globs = list.filter(isGlob);
  const re = globs.length > 0 ? new RE2(globs.map(globToRe2Source).join('|'), 's') : undefined;
  return (name) => typeof name === 'string' && (exact.has(name) || (re !== undefined && re.test(name)));
}

function resourceMatcher(list: readonly string[] | undefined): (uri: string) => boolean {
  if (list === undefined) return () => true;
  const prefixes = list.filter((g) => !isGlob(g));
  const globs = list.filter(isGlob);
  const re = globs.length > 0 ? new RE2(globs.map(globToRe2Source).join('|'), 's') : undefined;
  return (uri) => {
    if (typeof uri !== 'string') return false;
    // A URI that climbs (`file:///srv/data/../etc`) or hides a climb in an encoding would slip
    // past a prefix; refuse it for prefix and glob entries alike.
    const schemeEnd = uri.indexOf('://');
    const rest = schemeEnd >= 0 ? uri.slice(schemeEnd + 3) : uri;
    const lexical = lexicalRefusal(rest);
    if (lexical && lexical !== 'tilde') return false;
    if (prefixes.some((p) => uri.startsWith(p))) return true;
    return re !== undefined && re.test(uri);
  };
}

function templateMatcher(list: readonly string[] | undefined): (uriTemplate: string) => boolean {
  if (list === undefined) return () => true;
  const literal = (s: string, stops: string[]): string => {
    let end = s.length;
    for (const c of stops) { const i = s.indexOf(c); if (i >= 0 && i < end) end = i; }
    return s.slice(0, end);
  };
  const prefixes = list.map((g) => literal(g, [...GLOB_CHARS, '[']));
  return (tpl) => {
    if (typeof tpl !== 'string') return false;
    const t = literal(tpl, ['{']);
    return prefixes.some((p) => p.startsWith(t) || t.startsWith(p));
  };
}

const NO_ACCESS = (agent: string, server: string): ServerAccess => Object.freeze({
  agent, server, tool: () => undefined, resourceAllowed: () => false, templateAllowed: () => false, promptAllowed: () => false,
});

/**
 * Compile an agent's policy for one server. `realpath` makes path-prefix constraints also check
 * symlinks (only when the server runs on this host).
 */
export function compileServerAccess(
  agent: string,
  server: string,
  policy: AgentMcpServerPolicy | undefined,
  realpath?: RealpathFn,
): ServerAccess {
  if (policy === undefined) return NO_ACCESS(agent, server);
  const tools = policy.tools;
  const exact = new Map<string, ToolGrant>();
  const globbed: Array<{ re: InstanceType<typeof RE2>; grant: ToolGrant }> = [];
  if (tools !== undefined) {
    for (const [key, raw] of Object.entries(tools)) {
      const rule = raw ?? {};
      const grant: ToolGrant = { key, rule, args: compileToolArgs(rule, realpath) };
      if (isGlob(key)) globbed.push({ re: new RE2(globToRe2Source(key), 's'), grant });
      else exact.set(key, grant);
    }
  }
  const openGrant: ToolGrant = { key: '*', rule: {}, args: compileToolArgs({}) };
  const resourceAllowed = resourceMatcher(policy.resources);
  const templateAllowed = templateMatcher(policy.resources);
  const promptAllowed = nameMatcher(policy.prompts);
  return Object.freeze({
    agent,
    server,
    tool(name: string): ToolGrant | undefined {
      if (typeof name !== 'string' || name.length === 0) return undefined;
      if (tools === undefined) return openGrant;
      const e = exact.get(name);
      if (e) return e;
      for (const g of globbed) if (g.re.test(name)) return g.grant;
      return undefined;
    },
    resourceAllowed,
    templateAllowed,
    promptAllowed,
  });
}

/** Decide a `tools/call`: the grant, or a denial that names the tool (tool names are not secret). */
export function authorizeToolCall(access: ServerAccess, name: unknown, args: unknown):
  { ok: true; grant: ToolGrant } | { ok: false; denial: Denial } {
  const tool = typeof name === 'string' ? name : '';
  const grant = access.tool(tool);
  if (!grant) return { ok: false, denial: deny('TOOL_NOT_ALLOWED', JSON.stringify(tool.slice(0, 128)), { rules: ['mcp.tool-allowlist'] }) };
  const refusal = grant.args.check(args);
  if (refusal) {
    return { ok: false, denial: deny('ARGUMENT_NOT_ALLOWED', `${JSON.stringify(refusal.argument)} of tool ${JSON.stringify(tool)}: ${refusal.reason}`, { rules: ['mcp.argument-constraint'] }) };
  }
  return { ok: true, grant };
}

/** Keep only the list items the predicate admits (for tools/resources/prompts listings). */
export function filterListed<T extends Record<string, unknown>>(items: unknown, key: string, allowed: (v: string) => boolean): T[] {
  if (!Array.isArray(items)) return [];
  return items.filter((it): it is T => typeof it === 'object' && it !== null && allowed((it as Record<string, string>)[key] as string));
}
