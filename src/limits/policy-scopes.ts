/**
 * The scopes (agents, teams) whose usage a report shows, read from a compiled policy. Shared by
 * the admin endpoint and `llm-firewall usage`.
 */
import type { LimitsConfig, PolicyDocument } from '../policy/types.js';
import type { ScopeLimits } from './plan.js';

/** The part of a compiled policy this needs (structural, so tests can pass a literal). */
export interface PolicyForUsage {
  readonly doc: Pick<PolicyDocument, 'teams'>;
  readonly agents: ReadonlyMap<string, { readonly name: string; readonly doc: { team?: string }; readonly limits: LimitsConfig }>;
}

/** One scope per agent (its merged limits) and per team with aggregate limits; optionally one agent only. */
export function scopesFromPolicy(policy: PolicyForUsage, agent?: string): ScopeLimits[] {
  const scopes: ScopeLimits[] = [];
  const teams = new Set<string>();
  for (const a of policy.agents.values()) {
    if (agent !== undefined && a.name !== agent) continue;
    scopes.push({ scope: 'agent', name: a.name, limits: a.limits });
    if (a.doc.team) teams.add(a.doc.team);
  }
  for (const t of [...teams].sort()) {
    const limits = policy.doc.teams?.[t]?.limits;
    if (limits) scopes.push({ scope: 'team', name: t, limits });
  }
  return scopes;
}
