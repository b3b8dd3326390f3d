/**
 * The limits stage call site for the LLM surface: count the prompt and reserve before forwarding
 * (`limiter.admit`), then settle with the upstream's reported usage — or release when the call
 * failed or the client went away. A ticket settles or releases exactly once, whatever path ends
 * the request. Skipped entirely when the app has no limiter.
 */
import type { FastifyRequest } from 'fastify';
import type { Denial } from '../errors.js';
import { admitRequestFor } from '../limits/index.js';
import type { Limiter, Reservation, Usage } from '../limits/types.js';
import type { LimitsConfig } from '../policy/types.js';
import type { LlmRoute } from './routes-meta.js';

/** A held reservation. */
export interface LimitsTicket {
  /** `x-ratelimit-*` headers for the client. */
  readonly headers: Record<string, string>;
  /** Output tokens reserved for this call (the client's max tokens, else the policy default). */
  readonly maxOutputTokens: number;
  /** Prompt tokens counted at admission (settles a stream the upstream reported no usage for). */
  readonly promptTokens: number;
  settle(usage: Usage | undefined): void;
  release(usage?: Usage): void;
}

export type LimitsOutcome =
  | { ok: true; ticket: LimitsTicket | undefined; headers: Record<string, string> }
  | { ok: false; denial: Denial; headers: Record<string, string> };

/** Reserve for this call. `body` is what will be forwarded. */
export async function admitLimits(request: FastifyRequest, limiter: Limiter | undefined, route: LlmRoute, body: unknown, model: string): Promise<LimitsOutcome> {
  if (!limiter) return { ok: true, ticket: undefined, headers: {} };
  const st = request.fw;
  const agent = st.agent!;
  // Nothing to enforce for this agent (no limits on it, its team or the defaults): skip the
  // token count and the store round trip.
  if (!hasLimits(agent.limits) && !(agent.doc.team && hasLimits(st.policy.doc.teams?.[agent.doc.team]?.limits))) {
    return { ok: true, ticket: undefined, headers: {} };
  }
  const admit = admitRequestFor({
    route, body, model,
    agent: agent.name,
    limits: agent.limits,
    team: agent.doc.team,
    teams: st.policy.doc.teams,
    keyId: st.keyId,
    encodings: st.policy.doc.encodings,
    // This request's policy prices, so a hot reload's new prices apply from the next request.
    pricing: st.policy.doc.pricing,
  });
  const result = await limiter.admit(admit);
  if (!result.ok) return { ok: false, denial: result.denial, headers: result.headers };
  const ticket = ticketFor(request, limiter, result.reservation, result.headers, admit.maxOutputTokens, admit.promptTokens);
  return { ok: true, ticket, headers: result.headers };
}

/**
 * Give back what an admission reserved when a later stage refused the request before it was
 * forwarded (the proxy starts admission before inspection). Releases only a reservation that
 * was actually made: a denied admission reserved nothing. The request itself still counts
 * against requests-per-second/minute, as any request that reached the firewall's limits does.
 */
/** An admission in flight, of either front end (OpenAI routes or `/v1/messages`). */
type PendingAdmission = Promise<{ ok: true; ticket: LimitsTicket | undefined } | { ok: false }>;

function abandonAdmission(admission: PendingAdmission): void {
  // An admission error needs no answer here: the client already gets the other stage's refusal.
  admission.then((o) => { if (o.ok) o.ticket?.release(); }, () => undefined);
}

/**
 * Run request inspection while `admission` is in flight: when inspection refuses the request
 * (a denial) or throws (a crashed detector), what the admission reserved is given back.
 */
export function inspectDuringAdmission<R extends { denial?: unknown }>(admission: PendingAdmission, inspect: () => R): R {
  let r: R;
  try {
    r = inspect();
  } catch (err) {
    abandonAdmission(admission);
    throw err;
  }
  if (r.denial) abandonAdmission(admission);
  return r;
}

function hasLimits(l: LimitsConfig | undefined): boolean {
  return !!l && (l.requestsPerSecond !== undefined || l.requestsPerMinute !== undefined || l.tokensPerMinute !== undefined || (l.budgets?.length ?? 0) > 0);
}

function ticketFor(request: FastifyRequest, limiter: Limiter, reservation: Reservation, headers: Record<string, string>, maxOutputTokens: number, promptTokens: number): LimitsTicket {
  let done = false;
  const log = (err: unknown) => request.server.fw.logger.warn({ event: 'limits.settle_failed', requestId: request.id, reason: (err as Error).message }, 'settling a reservation failed');
  return {
    headers,
    maxOutputTokens,
    promptTokens,
    settle(usage) {
      if (done) return;
      done = true;
      if (usage) {
        request.fw.usage = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
        limiter.settle(reservation, usage).catch(log);
      } else {
        // No usage reported: keep the reservation as spent (the safe estimate) by settling it whole.
        limiter.settle(reservation, { inputTokens: reservation.reservedTokens, outputTokens: 0 }).catch(log);
      }
    },
    release(usage) {
      if (done) return;
      done = true;
      limiter.release(reservation, usage).catch(log);
    },
  };
}

/**
 * For streamed chat/completions calls with a limiter, ask the upstream for the final usage chunk.
 * Returns whether the client asked for it itself (then the chunk is relayed, else hidden).
 */
export function requestStreamUsage(route: LlmRoute, body: Record<string, any>): { clientAsked: boolean; changed: boolean } {
  if (route !== 'chat' && route !== 'completions') return { clientAsked: true, changed: false };
  const clientAsked = body.stream_options?.include_usage === true;
  if (clientAsked) return { clientAsked, changed: false };
  body.stream_options = { ...(body.stream_options ?? {}), include_usage: true };
  return { clientAsked, changed: true };
}

/** Is this chat/completions stream event the usage-only chunk (`choices: []` with `usage`)? */
export function isUsageOnlyChunk(ev: Record<string, any>): boolean {
  return Array.isArray(ev.choices) && ev.choices.length === 0 && typeof ev.usage === 'object' && ev.usage !== null;
}
