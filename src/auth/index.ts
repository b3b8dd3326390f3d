/** The authenticate stage: API keys, JWT, mutual TLS → agent; failed-attempt throttle; key tools. */
export { authenticate, createAuthenticator } from './authenticate.js';
export type { AuthRequest, AuthResult, AuthMethod, Authenticator } from './authenticate.js';
export { generateKey, hashKey, lookupKey, KEY_PREFIX } from './keys.js';
export { verifyJwt, looksLikeJwt } from './jwt.js';
export type { JwtOutcome } from './jwt.js';
export { FailedAttemptThrottle } from './throttle.js';
