/**
 * The limits stage's contract. The LLM and MCP front ends call `admit` before forwarding and
 * `settle` after; stores implement the counting (in memory, or Redis with one Lua round trip).
 */
import type { Denial } from '../errors.js';
import type { LimitsConfig, PriceConfig } from '../policy/types.js';

/** Actual usage of one call, as reported by the upstream or counted. */
export interface Usage {
  inputTokens: number;
  cachedInputTokens?: number;
  /**
   * Input tokens written to the provider's prompt cache (Anthropic `cache_creation_input_tokens`),
   * included in `inputTokens`; priced at `PriceConfig.cacheWriteInput` when the policy sets one.
   */
  cacheWriteInputTokens?: number;
  outputTokens: number;
}

export interface AdmitRequest {
  agent: string;
  team?: string;
  /** Hash id of the key used (per-key limits); never the key. */
  keyId?: string;
  model: string;
  /** Prompt tokens counted with tiktoken. */
  promptTokens: number;
  /** Output tokens to reserve (client max_tokens or the policy default cap). */
  maxOutputTokens: number;
  /** Limits that apply, merged from defaults, team and agent. */
  limits: LimitsConfig;
  /**
   * Limits on the whole team's aggregate (`teams.<team>.limits`), counted across all agents
   * of the team. Needs `team`.
   */
  teamLimits?: LimitsConfig;
  /** Limits on this key alone (`limits.perKey` of the agent). Needs `keyId`. */
  keyLimits?: LimitsConfig;
  /**
   * The price table of the policy this request runs under (`policy.doc.pricing`); overrides the
   * table the limiter was created with, so a hot reload of prices applies at once.
   */
  pricing?: Readonly<Record<string, PriceConfig>>;
}

/** A held reservation; settle or release it exactly once. */
export interface Reservation {
  readonly id: string;
  readonly reservedTokens: number;
  readonly reservedUsd: number;
}

export type AdmitResult =
  | { ok: true; reservation: Reservation; headers: Record<string, string> }
  | { ok: false; denial: Denial; headers: Record<string, string> };

export interface Limiter {
  admit(req: AdmitRequest): Promise<AdmitResult>;
  /** Replace the reservation by the actual usage (less, or more up to the reservation). */
  settle(reservation: Reservation, usage: Usage): Promise<void>;
  /** Give back what a failed or aborted call did not use. */
  release(reservation: Reservation, usage?: Usage): Promise<void>;
  /** Per-agent, per-tool MCP call limit. */
  admitToolCall(req: { agent: string; server: string; tool: string; callsPerMinute: number }): Promise<{ ok: true } | { ok: false; denial: Denial; headers: Record<string, string> }>;
  close(): Promise<void>;
}
