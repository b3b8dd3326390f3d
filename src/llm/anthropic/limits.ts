/**
 * The limits stage for Messages calls: reserve before forwarding (prompt estimate from
 * `tokens.ts` plus the client's `max_tokens`, which the Messages API requires), settle with the
 * reported usage — cache reads and writes included — or release when the call failed or the
 * client left. A ticket settles or releases exactly once, like the OpenAI routes' tickets; with
 * no usage reported, the whole reservation counts as spent (the safe estimate).
 */
import type { FastifyRequest } from 'fastify';
import type { Denial } from '../../errors.js';
import type { Limiter, Usage } from '../../limits/types.js';
import type { LimitsTicket } from '../limits-stage.js';
import { estimateMessagesTokens } from './tokens.js';
import type { MessagesRequest } from './validate.js';

export type MessagesLimitsOutcome =
  | { ok: true; ticket: LimitsTicket | undefined; headers: Record<string, string>; promptTokens: number }
  | { ok: false; denial: Denial; headers: Record<string, string> };

/** Reserve for this call. `body` is what will be forwarded. */
export async function admitMessages(request: FastifyRequest, limiter: Limiter | undefined, body: MessagesRequest): Promise<MessagesLimitsOutcome> {
  if (!limiter) return { ok: true, ticket: undefined, headers: {}, promptTokens: 0 };
  const st = request.fw;
  const agent = st.agent!;
  const team = agent.doc.team;
  const promptTokens = estimateMessagesTokens(body, st.policy.doc.encodings);
  const result = await limiter.admit({
    agent: agent.name,
    team,
    keyId: st.keyId,
    model: body.model,
    promptTokens,
    maxOutputTokens: body.max_tokens,
    limits: agent.limits,
    teamLimits: team ? st.policy.doc.teams?.[team]?.limits : undefined,
    // Per-key limits, as on the OpenAI routes (admitRequestFor).
    keyLimits: st.keyId ? agent.limits?.perKey : undefined,
    // This request's policy prices, so a hot reload's new prices apply from the next request.
    pricing: st.policy.doc.pricing,
  });
  if (!result.ok) return { ok: false, denial: result.denial, headers: result.headers };
  const reservation = result.reservation;
  let done = false;
  const log = (err: unknown) => request.server.fw.logger.warn({ event: 'limits.settle_failed', requestId: request.id, reason: (err as Error).message }, 'settling a reservation failed');
  const ticket: LimitsTicket = {
    headers: result.headers,
    maxOutputTokens: body.max_tokens,
    promptTokens,
    settle(usage: Usage | undefined) {
      if (done) return;
      done = true;
      if (usage) {
        st.usage = { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
        limiter.settle(reservation, usage).catch(log);
      } else {
        limiter.settle(reservation, { inputTokens: reservation.reservedTokens, outputTokens: 0 }).catch(log);
      }
    },
    release(usage?: Usage) {
      if (done) return;
      done = true;
      limiter.release(reservation, usage).catch(log);
    },
  };
  return { ok: true, ticket, headers: result.headers, promptTokens };
}
