/**
 * The authenticate stage: credentials → agent. API keys come from `Authorization: Bearer` or
 * `x-api-key`; a bearer token shaped like a JWT is verified as one when `auth.jwt` is set; with no
 * credential header, a verified mutual-TLS client certificate's subject CN can name the agent.
 * Every failure counts against the client address; too many get 429 `firewall_auth_throttled`.
 * Pure of fastify: the server passes headers, address and certificate subject in.
 */
import { deny, type Denial } from '../errors.js';
import type { CompiledAgent, CompiledPolicy } from '../policy/index.js';
import { lookupKey } from './keys.js';
import { looksLikeJwt, verifyJwt } from './jwt.js';
import { FailedAttemptThrottle } from './throttle.js';

/** What the stage needs from a request. */
export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  remoteAddress?: string;
  /** Subject CN of a client certificate that TLS already verified. */
  peerCertSubject?: string;
}

export type AuthMethod = 'api-key' | 'jwt' | 'mtls';

export type AuthResult =
  | { ok: true; agent: CompiledAgent; method: AuthMethod; keyId?: string }
  | { ok: false; denial: Denial };

/** An authenticator owns its failed-attempt state; make one per server. */
export interface Authenticator {
  authenticate(req: AuthRequest, policy: CompiledPolicy): Promise<AuthResult>;
  readonly throttle: FailedAttemptThrottle;
}

function single(v: string | string[] | undefined): string | undefined | null {
  if (Array.isArray(v)) return v.length === 1 ? v[0] : null; // repeated credential headers: refuse
  return v;
}

type Credential = { kind: 'bearer' | 'x-api-key'; value: string } | { kind: 'none' } | { kind: 'malformed'; why: string };

function credentialOf(headers: AuthRequest['headers']): Credential {
  const auth = single(headers.authorization);
  const apiKey = single(headers['x-api-key']);
  if (auth === null || apiKey === null) return { kind: 'malformed', why: 'Credential headers must not be repeated.' };
  if (auth !== undefined && auth !== '') {
    const sp = auth.indexOf(' ');
    const scheme = sp > 0 ? auth.slice(0, sp).toLowerCase() : '';
    const value = sp > 0 ? auth.slice(sp + 1).trim() : '';
    if (scheme !== 'bearer' || value === '') return { kind: 'malformed', why: 'Authorization must be "Bearer <key>".' };
    return { kind: 'bearer', value };
  }
  if (apiKey !== undefined && apiKey !== '') return { kind: 'x-api-key', value: apiKey.trim() };
  return { kind: 'none' };
}

/** Make an authenticator with its own throttle (`clock` for tests). */
export function createAuthenticator(clock: () => number = Date.now): Authenticator {
  const throttle = new FailedAttemptThrottle(clock);

  async function attempt(req: AuthRequest, policy: CompiledPolicy): Promise<AuthResult> {
    const cred = credentialOf(req.headers);
    const agentNamed = (name: string | undefined) => (name ? policy.agents.get(name) : undefined);
    if (cred.kind === 'malformed') return { ok: false, denial: deny('UNAUTHENTICATED', cred.why) };
    if (cred.kind === 'none') {
      if (req.peerCertSubject !== undefined) {
        const agent = agentNamed(policy.certSubjects.get(req.peerCertSubject));
        if (agent) return { ok: true, agent, method: 'mtls' };
        return { ok: false, denial: deny('UNAUTHENTICATED', 'The client certificate subject maps to no agent.') };
      }
      return { ok: false, denial: deny('UNAUTHENTICATED', 'Send an agent key as "Authorization: Bearer <key>" or "x-api-key".') };
    }
    if (cred.kind === 'bearer' && policy.doc.auth.jwt && looksLikeJwt(cred.value)) {
      const r = await verifyJwt(cred.value, policy);
      if (!r.ok) return { ok: false, denial: deny('UNAUTHENTICATED', r.reason) };
      const agent = agentNamed(r.agent);
      return agent ? { ok: true, agent, method: 'jwt' } : { ok: false, denial: deny('UNAUTHENTICATED', 'The token names no agent.') };
    }
    if (cred.value.length > 4096) return { ok: false, denial: deny('UNAUTHENTICATED', 'The API key is not recognised.') };
    const hit = lookupKey(cred.value, policy);
    const agent = agentNamed(hit?.agent);
    if (!hit || !agent) return { ok: false, denial: deny('UNAUTHENTICATED', 'The API key is not recognised.') };
    return { ok: true, agent, method: 'api-key', keyId: hit.keyId };
  }

  return {
    throttle,
    async authenticate(req, policy) {
      const address = req.remoteAddress ?? 'unknown';
      const { max, windowSeconds } = policy.doc.auth.failedAttempts;
      const wait = throttle.retryAfter(address, max);
      if (wait > 0) return { ok: false, denial: deny('AUTH_THROTTLED', undefined, { retryAfter: wait }) };
      const result = await attempt(req, policy);
      if (!result.ok) throttle.fail(address, windowSeconds);
      return result;
    },
  };
}

const shared = createAuthenticator();

/**
 * Authenticate with a process-wide throttle (the contract other front ends call). Servers that
 * want their own state use `createAuthenticator()`.
 */
export function authenticate(req: AuthRequest, policy: CompiledPolicy): Promise<AuthResult> {
  return shared.authenticate(req, policy);
}
