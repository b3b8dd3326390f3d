/**
 * Compile a validated policy document into the frozen runtime object every stage reads:
 * allowlist matchers, the key-hash index, per-agent merged actions and limits, upstreams with
 * their keys read from the environment once, and the detector engine options.
 */
import { createHash } from 'node:crypto';
import { RE2 } from 're2';
import type { EngineOptions } from '../../detectors/engine/api.js';
import type {
  ActionsConfig, AgentConfig, LimitsConfig, PolicyDocument, UpstreamConfig,
} from './types.js';
import { compileGlobs } from './glob.js';
import type { SchemaProblem } from './validate.js';

/** An agent with its decisions precompiled. */
export interface CompiledAgent {
  readonly name: string;
  readonly doc: AgentConfig;
  /** Name of the upstream this agent's LLM calls go to (undefined when the policy has none). */
  readonly upstream: string | undefined;
  modelAllowed(model: string): boolean;
  toolAllowed(tool: string): boolean;
  /** Defaults merged with the agent's overrides. */
  readonly actions: ActionsConfig;
  /** Defaults ← team ← agent, field by field. */
  readonly limits: LimitsConfig;
}

/** An upstream ready to call: the provider key is read from its env var at load time. */
export interface CompiledUpstream {
  readonly name: string;
  readonly config: UpstreamConfig;
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  /** The provider key, or undefined when `apiKeyEnv` is unset/empty. Never log this object's key. */
  readonly apiKey: string | undefined;
}

/** A key hash the auth stage looks presented keys up in. */
export interface KeyEntry {
  readonly agent: string;
  /** The 32-byte sha256 digest from the policy, compared with timingSafeEqual. */
  readonly digest: Buffer;
}

/** The runtime policy. Deep-frozen; a reload builds a new one and swaps it in. */
export interface CompiledPolicy {
  readonly doc: PolicyDocument;
  /** sha256 of the file content, first 12 hex digits. */
  readonly revision: string;
  readonly source: string;
  readonly agents: ReadonlyMap<string, CompiledAgent>;
  readonly upstreams: ReadonlyMap<string, CompiledUpstream>;
  /** hex digest → key entry. */
  readonly keyIndex: ReadonlyMap<string, KeyEntry>;
  /** JWT claim value → agent name (agent names and their `jwtSubjects`). */
  readonly jwtSubjects: ReadonlyMap<string, string>;
  /** mTLS client certificate subject CN → agent name. */
  readonly certSubjects: ReadonlyMap<string, string>;
  readonly engineOptions: EngineOptions;
}

/** Options applied on top of the file (CLI flags). */
export interface CompileOptions {
  /** Replace every upstream's baseUrl (`serve --upstream-url`). */
  upstreamUrl?: string;
  /** Environment to read upstream keys from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

function mergeActions(base: ActionsConfig, over: Partial<ActionsConfig> | undefined): ActionsConfig {
  return {
    request: { ...base.request, ...(over?.request ?? {}) },
    response: { ...base.response, ...(over?.response ?? {}) },
  };
}

function mergeLimits(...layers: Array<LimitsConfig | undefined>): LimitsConfig {
  const out: LimitsConfig = {};
  for (const l of layers) if (l) Object.assign(out, l);
  return out;
}

/** Freeze an object graph; Buffers, Maps and functions are left as they are (Maps are typed readonly). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (Buffer.isBuffer(value) || value instanceof Map || value instanceof Set) return value;
  for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  return Object.freeze(value);
}

/** Cross-field checks the JSON Schema cannot express. */
function semanticProblems(doc: PolicyDocument): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const upstreamNames = Object.keys(doc.upstreams);
  for (const [name, agent] of Object.entries(doc.agents)) {
    if (agent.upstream !== undefined && !upstreamNames.includes(agent.upstream)) {
      problems.push({ pointer: `/agents/${name}/upstream`, expected: `must name an entry of /upstreams (have: ${upstreamNames.join(', ') || 'none'})` });
    }
    if (agent.team !== undefined && !(doc.teams && agent.team in doc.teams)) {
      problems.push({ pointer: `/agents/${name}/team`, expected: `must name an entry of /teams` });
    }
    for (const [i, g] of [...agent.models, ...(agent.tools ?? [])].entries()) {
      if ((g.match(/\{/g)?.length ?? 0) !== (g.match(/\}/g)?.length ?? 0)) {
        const field = i < agent.models.length ? `models/${i}` : `tools/${i - agent.models.length}`;
        problems.push({ pointer: `/agents/${name}/${field}`, expected: 'glob has unbalanced braces' });
      }
    }
  }
  const seenKeys = new Map<string, string>();
  for (const [name, agent] of Object.entries(doc.agents)) {
    for (const [i, k] of agent.keys.entries()) {
      const other = seenKeys.get(k);
      if (other !== undefined && other !== name) {
        problems.push({ pointer: `/agents/${name}/keys/${i}`, expected: `key hash is already used by agent "${other}"` });
      }
      seenKeys.set(k, name);
    }
  }
  for (const [i, rule] of doc.detectors.customRules.entries()) {
    try {
      new RE2(rule.pattern, 'u');
    } catch (err) {
      problems.push({ pointer: `/detectors/customRules/${i}/pattern`, expected: `must be a valid RE2 pattern (rule ${rule.id}: ${(err as Error).message})` });
    }
  }
  return problems;
}

/** Compile; returns problems instead of a policy when cross-field checks fail. */
export function compilePolicy(
  doc: PolicyDocument, content: string, source: string, opts: CompileOptions = {},
): { policy: CompiledPolicy } | { problems: SchemaProblem[] } {
  const problems = semanticProblems(doc);
  if (problems.length > 0) return { problems };
  const env = opts.env ?? process.env;

  const upstreams = new Map<string, CompiledUpstream>();
  for (const [name, cfg] of Object.entries(doc.upstreams)) {
    const baseUrl = (opts.upstreamUrl ?? cfg.baseUrl).replace(/\/+$/, '');
    const key = cfg.apiKeyEnv ? env[cfg.apiKeyEnv] : undefined;
    const up = { name, config: cfg, baseUrl } as CompiledUpstream;
    // Non-enumerable so that logging or serialising the policy never prints the provider key.
    Object.defineProperty(up, 'apiKey', { value: key === '' ? undefined : key, enumerable: false });
    upstreams.set(name, up);
  }
  const defaultUpstream = doc.upstreams.openai ? 'openai' : Object.keys(doc.upstreams)[0];

  const agents = new Map<string, CompiledAgent>();
  const keyIndex = new Map<string, KeyEntry>();
  const jwtSubjects = new Map<string, string>();
  const certSubjects = new Map<string, string>();
  for (const [name, a] of Object.entries(doc.agents)) {
    const models = compileGlobs(a.models, false);
    const tools = compileGlobs(a.tools, true);
    const team = a.team ? doc.teams?.[a.team] : undefined;
    agents.set(name, {
      name,
      doc: a,
      upstream: a.upstream ?? defaultUpstream,
      modelAllowed: (m: string) => models.matches(m),
      toolAllowed: (t: string) => tools.matches(t),
      actions: mergeActions(doc.defaults.actions, a.actions),
      limits: mergeLimits(doc.defaults.limits, team?.limits, a.limits),
    });
    for (const k of a.keys) {
      const hex = k.slice('sha256:'.length);
      keyIndex.set(hex, { agent: name, digest: Buffer.from(hex, 'hex') });
    }
    jwtSubjects.set(name, name);
    for (const s of a.jwtSubjects ?? []) jwtSubjects.set(s, name);
    for (const s of a.clientCertSubjects ?? []) certSubjects.set(s, name);
  }

  const d = doc.detectors;
  const engineOptions: EngineOptions = {
    promptInjection: { enabled: d.promptInjection.enabled, threshold: d.promptInjection.threshold },
    pii: { enabled: d.pii.enabled, entities: [...d.pii.entities], nlp: d.pii.nlp, names: d.pii.names },
    secrets: { enabled: d.secrets.enabled },
    customRules: d.customRules.map((r) => ({
      id: r.id, kind: r.kind, pattern: r.pattern, action: r.action, severity: r.severity,
      directions: [...r.directions], ...(r.description ? { description: r.description } : {}),
    })),
    timeoutMs: d.timeoutMs,
    ...(d.disabledRules.length ? { disabledRules: [...d.disabledRules] } : {}),
  };

  const policy: CompiledPolicy = {
    doc,
    revision: createHash('sha256').update(content).digest('hex').slice(0, 12),
    source,
    agents,
    upstreams,
    keyIndex,
    jwtSubjects,
    certSubjects,
    engineOptions,
  };
  for (const a of agents.values()) deepFreeze(a);
  for (const u of upstreams.values()) Object.freeze(u);
  return { policy: deepFreeze(policy) };
}
