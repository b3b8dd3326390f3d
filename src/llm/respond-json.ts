/**
 * Relaying a non-streamed upstream answer. When no stage needs to look at it (no tool
 * allowlist, no limiter, no engine) the body is piped through as received; when only the limiter
 * does and the body is large or unsized, it is piped through too and settled from its tail
 * (`usage-tail.ts`). Otherwise it is read whole, checked (called tools), settled (usage),
 * inspected (response detectors), and sent as the original bytes unless a stage changed it.
 */
import { pipeline } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { deny } from '../errors.js';
import { usageFromResponse } from '../limits/index.js';
import { sendDenial } from '../server/render.js';
import { checkCalledTools, responseToolNames } from './authorize.js';
import { inspectResponse, type InspectContext } from './inspect-stage.js';
import type { LimitsTicket } from './limits-stage.js';
import type { LlmRoute } from './routes-meta.js';
import { readBounded } from './upstream-error.js';
import { usageTailStream } from './usage-tail.js';
import { upstreamError } from './upstream-client.js';

/** Non-inspected answers up to this size are collected and written at once. */
const SMALL_BODY = 256 << 10;

/** Largest upstream body the firewall reads whole to inspect it. */
export const MAX_INSPECTED_BODY = 64 << 20;

export interface JsonRelay {
  route: LlmRoute;
  res: Dispatcher.ResponseData;
  ticket?: LimitsTicket;
  inspect?: InspectContext;
}

/**
 * Which stages must read a non-streamed response: `whole` when the tool check or the response
 * detectors need the parsed body, `usage` when only settlement does, `none` otherwise.
 */
export function responseBodyNeed(request: FastifyRequest, r: Omit<JsonRelay, 'res'>): 'whole' | 'usage' | 'none' {
  const toolsChecked = request.fw.agent?.doc.tools !== undefined && (r.route === 'chat' || r.route === 'responses');
  if (toolsChecked || (r.inspect !== undefined && r.route !== 'embeddings')) return 'whole';
  return r.ticket !== undefined ? 'usage' : 'none';
}

const PASS_HEADERS = ['content-type', 'openai-processing-ms', 'openai-version'];

export async function relayJson(request: FastifyRequest, reply: FastifyReply, r: JsonRelay): Promise<FastifyReply> {
  const { res, ticket } = r;
  reply.code(res.statusCode);
  for (const h of PASS_HEADERS) { const v = res.headers[h]; if (typeof v === 'string') reply.header(h, v); }
  const need = responseBodyNeed(request, r);
  const len = res.headers['content-length'];
  if (need === 'usage' && ticket && (typeof len !== 'string' || Number(len) > SMALL_BODY)) {
    // Only settlement needs this (large or unsized) answer: stream it through and read the usage
    // from its tail instead of holding megabytes of embeddings to parse one small object.
    if (typeof len === 'string') reply.header('content-length', len);
    const tail = usageTailStream(r.route, (o) => {
      if (o === 'aborted') ticket.release();
      else ticket.settle(o.usage);
    });
    // pipeline: an upstream reset or a client that leaves tears down both sides (then released).
    return reply.send(pipeline(res.body, tail, () => undefined));
  }
  if (need === 'none') {
    // A small answer of known size is collected and written in one go (one syscall instead of a
    // piped stream's several); anything else streams through. Bytes are unchanged either way.
    if (typeof len === 'string' && Number(len) <= SMALL_BODY) {
      try {
        const buf = await readBounded(res.body, SMALL_BODY);
        if (buf) return reply.header('content-length', String(buf.length)).send(buf);
      } catch (err) {
        if (request.raw.destroyed) return reply.hijack();
        const fe = upstreamError(err);
        request.server.fw.metrics.upstreamErrors.inc({ upstream: request.fw.upstream ?? 'unknown', kind: fe.kind });
        return sendDenial(request, reply, { error: fe.entry, detail: fe.detail }, { decision: 'error' });
      }
    }
    if (typeof len === 'string') reply.header('content-length', len);
    return reply.send(res.body);
  }
  let buf: Buffer | undefined;
  try {
    buf = await readBounded(res.body, MAX_INSPECTED_BODY);
  } catch (err) {
    ticket?.release();
    if (request.raw.destroyed) return reply.hijack();
    const fe = upstreamError(err);
    request.server.fw.metrics.upstreamErrors.inc({ upstream: request.fw.upstream ?? 'unknown', kind: fe.kind });
    return sendDenial(request, reply, { error: fe.entry, detail: fe.detail }, { decision: 'error' });
  }
  let json: any;
  try {
    if (!buf) throw new Error('too large');
    json = JSON.parse(buf.toString('utf8'));
  } catch {
    ticket?.settle(undefined);
    // Fail closed: a body the stages cannot read is not relayed unread.
    return sendDenial(request, reply, deny('UPSTREAM_BAD_RESPONSE', buf ? 'invalid JSON' : 'body too large'), { decision: 'error' });
  }
  ticket?.settle(usageFromResponse(r.route, json));
  const agent = request.fw.agent!;
  const toolDenial = checkCalledTools(agent, responseToolNames(r.route, json));
  if (toolDenial) return sendDenial(request, reply, toolDenial, { decision: 'block' });
  if (r.inspect && r.route !== 'embeddings') {
    const out = inspectResponse(r.inspect, r.route, json);
    if (out.denial) return sendDenial(request, reply, out.denial, { decision: 'block' });
    if (out.changed) return reply.type('application/json').send(JSON.stringify(json));
  }
  return reply.header('content-length', String(buf!.length)).send(buf);
}
