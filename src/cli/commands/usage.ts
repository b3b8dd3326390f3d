/**
 * `llm-firewall usage [--policy FILE] [--redis-url URL] [--json]`: current usage per agent and
 * team, read from the shared store (Redis: `--redis-url`, else `REDIS_URL`, else the policy's
 * `store.redisUrl`). With the in-memory store the counters live inside the running firewall, so
 * this command cannot see them: it says so and exits 2 (use `GET /admin/usage` instead).
 * Exit codes: 0 shown, 1 bad policy or store unreachable, 2 no shared store configured.
 */
import { loadPolicyFile } from '../../policy/index.js';
import { createLimiter, type UsageRow } from '../../limits/index.js';
import { scopesFromPolicy } from '../../limits/policy-scopes.js';

/** Render rows as an aligned text table. */
export function usageTable(rows: UsageRow[]): string {
  const fmt = (r: UsageRow, v: number) => (r.metric === 'usd' ? `$${v.toFixed(4)}` : String(v));
  const head = ['SCOPE', 'NAME', 'LIMIT', 'USED', 'RESERVED', 'MAX', 'REMAINING', 'RESETS IN'];
  const body = rows.map((r) => [r.scope, r.name, r.limit, fmt(r, r.used), fmt(r, r.reserved), fmt(r, r.max), fmt(r, r.remaining), `${r.resetSeconds}s`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body].map((cols) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** The `usage` command. */
export async function run(opts: Record<string, unknown>): Promise<number> {
  const policyPath = String(opts.policy ?? 'policies/default.yaml');
  let policy;
  try {
    policy = await loadPolicyFile(policyPath);
  } catch (err) {
    process.stderr.write(`llm-firewall usage: ${(err as Error).message}\n`);
    return 1;
  }
  const url = (typeof opts.redisUrl === 'string' ? opts.redisUrl : undefined) ?? process.env.REDIS_URL ?? policy.doc.store.redisUrl ?? undefined;
  if (!url) {
    process.stderr.write('llm-firewall usage: no shared store is configured (store.redisUrl, REDIS_URL or --redis-url); '
      + 'with the in-memory store, usage lives inside the running firewall: ask GET /admin/usage with an admin key.\n');
    return 2;
  }
  const limiter = await createLimiter({ redisUrl: url, store: { ...policy.doc.store, failMode: 'closed' } });
  try {
    const rows = await limiter.usage(scopesFromPolicy(policy));
    if (opts.json) process.stdout.write(`${JSON.stringify({ store: 'redis', at: new Date().toISOString(), usage: rows }, null, 2)}\n`);
    else process.stdout.write(`${rows.length ? usageTable(rows) : 'No limits are configured for any agent.'}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`llm-firewall usage: the store is unreachable (${(err as Error).message.replace(/redis:\/\/[^@\s]*@/g, 'redis://***@')})\n`);
    return 1;
  } finally {
    await limiter.close();
  }
}
