/**
 * Request ids: honour a client's `x-request-id` when it is short and made of safe characters
 * (it is echoed in a response header and written to logs), otherwise generate one. Checked
 * character by character: no regex runs on header content.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Longest client request id honoured. */
export const MAX_REQUEST_ID = 128;

/** Is `id` safe to echo: 1–128 of [A-Za-z0-9._:-]? */
export function isSafeRequestId(id: string): boolean {
  if (id.length === 0 || id.length > MAX_REQUEST_ID) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95 || c === 58;
    if (!ok) return false;
  }
  return true;
}

/** fastify `genReqId`. */
export function requestIdOf(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  return typeof h === 'string' && isSafeRequestId(h) ? h : `req_${randomUUID().replaceAll('-', '')}`;
}
