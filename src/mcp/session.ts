/**
 * Builds a guard for one (policy, agent, server) session: compiles the agent's access to the
 * server (with symlink-aware path checks when the server runs on this host), and wires the
 * engine, pins, limiter and audit sink. Shared by the stdio wrap and the HTTP gateway.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../detectors/engine/api.js';
import type { Limiter } from '../limits/types.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpAuditSink } from './audit.js';
import { compileServerAccess, type ServerAccess } from './authorize.js';
import { McpGuard } from './guard.js';
import type { PinStore } from './pins.js';

/**
 * Real path of `p`, or of its nearest existing ancestor with the rest appended, so a file about
 * to be created under a symlinked directory is still checked where it would really land.
 */
export function localRealpath(p: string): string | undefined {
  let cur = p;
  const rest: string[] = [];
  for (let i = 0; i < 256; i++) {
    try {
      return path.posix.join(realpathSync.native(cur), ...rest.reverse());
    } catch {
      const parent = path.posix.dirname(cur);
      if (parent === cur) return undefined;
      rest.push(path.posix.basename(cur));
      cur = parent;
    }
  }
  return undefined;
}

const accessCache = new WeakMap<CompiledPolicy, Map<string, ServerAccess>>();

/** The agent's compiled access to a server, cached per policy revision object. */
export function accessFor(policy: CompiledPolicy, agent: string, server: string, local: boolean): ServerAccess {
  let byKey = accessCache.get(policy);
  if (!byKey) { byKey = new Map(); accessCache.set(policy, byKey); }
  const key = `${agent}\u0000${server}\u0000${local}`;
  let a = byKey.get(key);
  if (!a) {
    const doc = policy.agents.get(agent)?.doc.mcp?.[server];
    a = compileServerAccess(agent, server, doc, local ? localRealpath : undefined);
    byKey.set(key, a);
  }
  return a;
}

/** Dependencies a session needs besides the policy. */
export interface SessionDeps {
  engine?: Engine;
  pins: PinStore;
  limiter?: Pick<Limiter, 'admitToolCall'>;
  audit: McpAuditSink;
}

/** Create the guard for one session; `undefined` when the agent is unknown. */
export function createGuard(
  policy: CompiledPolicy,
  agent: string,
  server: string,
  deps: SessionDeps,
  io: { toClient: (m: JSONRPCMessage) => void; toServer: (m: JSONRPCMessage) => void; onInitialized?: (r: Record<string, unknown>) => void },
  local: boolean,
): McpGuard | undefined {
  const a = policy.agents.get(agent);
  if (!a) return undefined;
  return new McpGuard({
    agent, server,
    access: accessFor(policy, agent, server, local),
    pins: deps.pins,
    engine: deps.engine,
    actions: a.actions,
    monitorMode: policy.doc.monitorMode,
    failMode: policy.doc.detectors?.failMode ?? 'closed',
    mcp: policy.doc.mcp,
    limiter: deps.limiter,
    audit: deps.audit,
    ...io,
  });
}
