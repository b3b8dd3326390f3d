/**
 * Builds the limiter's `AdmitRequest` for one LLM call from the policy and the request body, so
 * the front end makes one call: count the prompt, read the client's output cap (or the policy
 * default, or {@link DEFAULT_MAX_OUTPUT_TOKENS}), and collect agent, team and per-key limits.
 */
import type { LimitsConfig, PriceConfig } from '../policy/types.js';
import type { AdmitRequest } from './types.js';
import { countRequestTokens, type LlmRoute } from './token-count.js';
import { DEFAULT_MAX_OUTPUT_TOKENS, maxOutputTokensOf } from './usage.js';

/** What {@link admitRequestFor} needs; every field comes from the compiled policy or the auth result. */
export interface AdmitInput {
  route: LlmRoute;
  body: unknown;
  model: string;
  agent: string;
  /** The agent's merged limits (defaults + agent). */
  limits: LimitsConfig | undefined;
  team?: string;
  /** `policy.doc.teams`, for the team's aggregate limits. */
  teams?: Readonly<Record<string, { limits?: LimitsConfig }>>;
  keyId?: string;
  /** Limits for each key of the agent; default: the merged limits' `perKey`. */
  keyLimits?: LimitsConfig;
  /** `policy.doc.encodings`. */
  encodings?: Readonly<Record<string, string>>;
  /** `policy.doc.pricing` (else the table the limiter was created with). */
  pricing?: Readonly<Record<string, PriceConfig>>;
}

/** The `AdmitRequest` for one call. */
export function admitRequestFor(i: AdmitInput): AdmitRequest {
  const limits = i.limits ?? {};
  return {
    agent: i.agent,
    team: i.team,
    keyId: i.keyId,
    model: i.model,
    promptTokens: countRequestTokens(i.route, i.model, i.body, i.encodings),
    maxOutputTokens: maxOutputTokensOf(i.route, i.body) ?? limits.defaultMaxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    limits,
    teamLimits: i.team ? i.teams?.[i.team]?.limits : undefined,
    keyLimits: i.keyId ? (i.keyLimits ?? limits.perKey) : undefined,
    pricing: i.pricing,
  };
}
