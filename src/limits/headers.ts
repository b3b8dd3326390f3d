/**
 * OpenAI-style rate-limit headers (`x-ratelimit-{limit,remaining,reset}-{requests,tokens}`), so
 * SDKs and dashboards that read OpenAI's headers understand the firewall's limits too. Reset
 * durations use OpenAI's format: `20ms`, `1s`, `6m0s`, `1h2m3.5s`.
 */

/** One limit as reported in headers. */
export interface HeaderLimit { limit: number; remaining: number; resetMs: number }

/** Format a duration like OpenAI's headers. */
export function formatReset(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  if (t < 1000) return `${t}ms`;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = (t % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

/** The limit closest to refusing (lowest remaining share; on a tie the longer reset). */
export function tightest(limits: HeaderLimit[]): HeaderLimit | undefined {
  let best: HeaderLimit | undefined;
  for (const l of limits) {
    if (!best) { best = l; continue; }
    const a = l.remaining / l.limit;
    const b = best.remaining / best.limit;
    if (a < b || (a === b && l.resetMs > best.resetMs)) best = l;
  }
  return best;
}

/** Headers for the tightest request limit and the tightest token limit (either may be absent). */
export function rateLimitHeaders(requests: HeaderLimit[], tokens: HeaderLimit[]): Record<string, string> {
  const h: Record<string, string> = {};
  const r = tightest(requests);
  if (r) {
    h['x-ratelimit-limit-requests'] = String(r.limit);
    h['x-ratelimit-remaining-requests'] = String(r.remaining);
    h['x-ratelimit-reset-requests'] = formatReset(r.resetMs);
  }
  const t = tightest(tokens);
  if (t) {
    h['x-ratelimit-limit-tokens'] = String(t.limit);
    h['x-ratelimit-remaining-tokens'] = String(t.remaining);
    h['x-ratelimit-reset-tokens'] = formatReset(t.resetMs);
  }
  return h;
}
