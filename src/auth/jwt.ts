/**
 * JWT bearer tokens (`auth.jwt`): signature against a JWKS URL, a PEM public key file or an HMAC
 * secret from env; `iss`, `aud`, `exp`/`nbf` (with clock tolerance) via jose; then a claim names
 * the agent. Key material is prepared once per compiled policy (WeakMap) so a reload picks up a
 * new key file and the JWKS cache survives between requests.
 */
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, errors as joseErrors, importSPKI, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { CompiledPolicy } from '../policy/index.js';
import type { JwtConfig } from '../policy/types.js';

type KeyLike = JWTVerifyGetKey | Uint8Array | CryptoKey;

const keys = new WeakMap<CompiledPolicy, Promise<KeyLike>>();

/** Does this bearer token look like a compact JWS (three base64url parts)? Checked without regexes. */
export function looksLikeJwt(token: string): boolean {
  if (token.length > 16_384) return false;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0].length === 0 || parts[1].length === 0) return false;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
      if (!ok) return false;
    }
  }
  return true;
}

async function prepareKey(cfg: JwtConfig): Promise<KeyLike> {
  if (cfg.jwksUrl) return createRemoteJWKSet(new URL(cfg.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  if (cfg.publicKeyFile) {
    const pem = readFileSync(cfg.publicKeyFile, 'utf8');
    const alg = cfg.algorithms?.[0] ?? 'RS256';
    return importSPKI(pem, alg);
  }
  const secret = cfg.secretEnv ? process.env[cfg.secretEnv] : undefined;
  if (!secret) throw new Error(`JWT secret env var ${cfg.secretEnv ?? '(unset)'} is empty`);
  return new TextEncoder().encode(secret);
}

/** Outcome of verifying a token: the agent it names, or a reason safe to show the client. */
export type JwtOutcome = { ok: true; agent: string } | { ok: false; reason: string };

/** Verify `token` under `policy.doc.auth.jwt`. Never throws. */
export async function verifyJwt(token: string, policy: CompiledPolicy): Promise<JwtOutcome> {
  const cfg = policy.doc.auth.jwt;
  if (!cfg) return { ok: false, reason: 'JWT bearer tokens are not enabled in the policy.' };
  let key = keys.get(policy);
  if (!key) {
    key = prepareKey(cfg);
    keys.set(policy, key);
    // A failed key load (missing file/env) is retried on the next request rather than cached.
    key.catch(() => keys.delete(policy));
  }
  let payload: Record<string, unknown>;
  try {
    const k = await key;
    const options = {
      issuer: cfg.issuer, audience: cfg.audience, algorithms: cfg.algorithms, clockTolerance: cfg.clockToleranceSec,
    };
    const result = typeof k === 'function' ? await jwtVerify(token, k, options) : await jwtVerify(token, k, options);
    payload = result.payload as Record<string, unknown>;
  } catch (err) {
    return { ok: false, reason: `The bearer token was rejected (${describeJoseError(err)}).` };
  }
  const claim = payload[cfg.agentClaim];
  const agent = typeof claim === 'string' ? policy.jwtSubjects.get(claim) : undefined;
  if (!agent) return { ok: false, reason: `The token's "${cfg.agentClaim}" claim names no agent.` };
  return { ok: true, agent };
}

/** A short reason from jose's error code; never the token or the key. */
function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim ${err.claim} ${err.reason}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no matching key in the JWKS';
  if (err instanceof joseErrors.JOSEError) return err.code;
  return 'key unavailable';
}
