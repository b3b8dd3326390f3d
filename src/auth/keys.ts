/**
 * Agent API keys: generation and hashing. The policy stores only `sha256:<hex>` of each key, so a
 * leaked policy file grants nothing; keys are 256 random bits, so an unsalted fast hash is enough
 * (there is no dictionary to attack).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CompiledPolicy } from '../policy/index.js';

/** Prefix of keys made by `keys create`; lets secret scanners (and people) recognise them. */
export const KEY_PREFIX = 'fwk_';

/** A new key and the line to paste into the policy. */
export function generateKey(): { key: string; hash: string } {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashKey(key) };
}

/** `sha256:<64 hex>` of a key, as the policy stores it. */
export function hashKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * Find the agent a presented key belongs to. The key is hashed first, so the index lookup never
 * sees attacker-chosen bytes; the digest is then compared in constant time anyway
 * (defence in depth, as hono bearer-auth does).
 * @returns agent name and key id (the first 12 hex digits of the hash, safe to log), or undefined.
 */
export function lookupKey(key: string, policy: CompiledPolicy): { agent: string; keyId: string } | undefined {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  const hex = digest.toString('hex');
  const entry = policy.keyIndex.get(hex);
  if (!entry || entry.digest.length !== digest.length || !timingSafeEqual(entry.digest, digest)) return undefined;
  return { agent: entry.agent, keyId: hex.slice(0, 12) };
}
