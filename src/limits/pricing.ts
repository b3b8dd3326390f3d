/**
 * USD cost from the policy's `pricing` table (USD per 1M tokens: input, cachedInput,
 * cacheWriteInput, output).
 * Money is kept as integer nano-dollars (1e-9 USD) everywhere in the stores: Redis INCRBY and
 * Lua numbers stay exact up to 2^53 nano-USD (about 9 million USD per window), and no rounding
 * error accumulates over millions of requests.
 */
import type { PriceConfig } from '../policy/types.js';
import type { Usage } from './types.js';
import { lookupByModel } from './glob.js';

/** Nano-dollars per dollar. */
export const NANO_PER_USD = 1e9;

/**
 * The price of a model: exact name, then the most specific glob, then the longest key that is a
 * prefix of the model name (so `gpt-4o-mini` prices `gpt-4o-mini-2024-07-18`).
 */
export function findPrice(pricing: Readonly<Record<string, PriceConfig>> | undefined, model: string): PriceConfig | undefined {
  const hit = lookupByModel(pricing, model);
  if (hit || !pricing) return hit;
  let best: string | undefined;
  for (const key of Object.keys(pricing)) {
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : pricing[best];
}

/** Upper-bound cost of a reservation (cache discounts are unknown before the call): nano-USD, rounded up. */
export function reserveNanoUsd(price: PriceConfig, promptTokens: number, maxOutputTokens: number): number {
  return toNano(promptTokens * price.input + maxOutputTokens * price.output);
}

/**
 * Actual cost of a call: nano-USD, rounded up (`price × tokens / 1e6` USD). `inputTokens` includes
 * the cache reads (`cachedInputTokens`, at `cachedInput`) and cache writes
 * (`cacheWriteInputTokens`, at `cacheWriteInput`); both default to the input price. A count larger
 * than what is left of the input is clamped, so a malformed report never prices tokens twice.
 */
export function usageNanoUsd(price: PriceConfig, u: Usage): number {
  const cached = Math.max(0, Math.min(u.cachedInputTokens ?? 0, u.inputTokens));
  const written = Math.max(0, Math.min(u.cacheWriteInputTokens ?? 0, u.inputTokens - cached));
  const cachedPrice = price.cachedInput ?? price.input;
  const writePrice = price.cacheWriteInput ?? price.input;
  return toNano((u.inputTokens - cached - written) * price.input + cached * cachedPrice + written * writePrice + u.outputTokens * price.output);
}

/** `tokens × USD-per-1M` → nano-USD, rounded up; the inner round drops float noise (0.1+0.2). */
function toNano(tokenTimesPrice: number): number {
  return Math.ceil(Math.round(tokenTimesPrice * (NANO_PER_USD / 1e6) * 1e6) / 1e6);
}
