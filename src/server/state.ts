/**
 * Per-request state the stages fill in and the audit event is written from, plus the fastify
 * type augmentation that attaches it (`request.fw`) and the shared deps (`app.fw`).
 */
import type { Logger } from 'pino';
import type { Engine } from '../../detectors/engine/api.js';
import type { Limiter } from '../limits/types.js';
import type { CompiledAgent, CompiledPolicy, PolicyHolder } from '../policy/index.js';
import type { Authenticator } from '../auth/index.js';
import type { Decision, FirewallMetrics } from '../audit/index.js';
import type { UpstreamClients } from '../llm/upstream-client.js';

/** What the app is built from. Only `policy` and `logger` are required. */
export interface AppDeps {
  policy: PolicyHolder;
  logger: Logger;
  /** Detector engine; request/response inspection is skipped when absent. */
  engine?: Engine;
  /** Limiter; rate limits and budgets are skipped when absent. */
  limiter?: Limiter;
  metrics?: FirewallMetrics;
  authenticator?: Authenticator;
  /** Upstream connection pools (one per origin); created when absent. */
  upstreams?: UpstreamClients;
  /** Extra readiness check (e.g. the limits store is reachable). */
  ready?: () => Promise<{ ok: boolean; detail?: string }>;
}

/** The shared deps after defaults are filled in. */
export interface SharedDeps extends AppDeps {
  metrics: FirewallMetrics;
  authenticator: Authenticator;
  upstreams: UpstreamClients;
}

/** What the firewall learned and decided about one request. */
export interface RequestState {
  readonly startedAt: number;
  /** The policy this request runs under from start to end (hot reload never changes it mid-request). */
  readonly policy: CompiledPolicy;
  /** Audit route label: chat, responses, completions, embeddings, models, health, not_found, … */
  route: string;
  agent?: CompiledAgent;
  authMethod?: string;
  keyId?: string;
  model?: string;
  stream?: boolean;
  decision: Decision;
  rules: string[];
  code?: string;
  upstream?: string;
  upstreamLatencyMs?: number;
  findings: Array<{ rule: string; type: string; start: number; end: number; direction: string }>;
  usage?: { inputTokens: number; outputTokens: number };
  /** Event name override (`request.aborted`, `request.failed`). */
  event?: string;
  /** Skip the audit event (health and metrics probes). */
  quiet?: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    fw: SharedDeps;
  }
  interface FastifyRequest {
    fw: RequestState;
    /** The exact request body bytes (what was scanned is what is forwarded). */
    rawBody?: Buffer;
  }
}
