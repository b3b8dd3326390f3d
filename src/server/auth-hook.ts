/**
 * Ingress and authenticate hooks for API routes (the LLM plugin registers them; other front ends
 * such as the Anthropic routes can too). Order matters: a POST without a JSON content type is
 * refused before authentication, and authentication happens in `onRequest`, before any body is
 * read — an unauthenticated client never gets its body parsed.
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { deny } from '../errors.js';
import { sendDenial } from './render.js';

/** `application/json` with optional parameters, checked without regexes. */
export function isJsonContentType(ct: string | undefined): boolean {
  if (!ct) return false;
  const semi = ct.indexOf(';');
  const media = (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
  return media === 'application/json';
}

/** onRequest: POST bodies must be JSON (415 otherwise). */
export async function requireJsonOnPost(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.method === 'POST' && !isJsonContentType(request.headers['content-type'])) {
    // Close the connection: we answer without reading the body the client may still be sending.
    reply.header('connection', 'close');
    return void sendDenial(request, reply, deny('UNSUPPORTED_MEDIA_TYPE'));
  }
}

/** The subject CN of a client certificate that TLS verified, if any. */
function peerCertSubject(request: FastifyRequest): string | undefined {
  const sock = request.raw.socket as TLSSocket;
  if (!sock.encrypted || !sock.authorized) return undefined;
  const cn = sock.getPeerCertificate()?.subject?.CN;
  return typeof cn === 'string' ? cn : Array.isArray(cn) ? cn[0] : undefined;
}

/** onRequest: credentials → agent (401/429 otherwise). */
export async function authenticateRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const st = request.fw;
  const result = await request.server.fw.authenticator.authenticate(
    { headers: request.headers, remoteAddress: request.ip, peerCertSubject: peerCertSubject(request) },
    st.policy,
  );
  if (!result.ok) {
    if (request.method === 'POST') reply.header('connection', 'close');
    return void sendDenial(request, reply, result.denial, {
      headers: result.denial.error.status === 401 ? { 'www-authenticate': 'Bearer' } : undefined,
    });
  }
  st.agent = result.agent;
  st.authMethod = result.method;
  st.keyId = result.keyId;
}
