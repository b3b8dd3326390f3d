/**
 * `llm-firewall usage` as a real child process (bin/llm-firewall.mjs) against a real
 * redis-server spawned for this file: JSON and table output after admissions made by a limiter
 * sharing the same Redis, the exit code 2 message without a shared store, and exit 1 when Redis
 * is unreachable. Kills redis-server and removes the temp policy in teardown.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLimiter } from '../../../src/limits/index.js';
import { redisTestsEnabled, startRedis, type RedisServer } from '../../helpers/redis.js';

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/llm-firewall.mjs', ...args], { env: { ...process.env, REDIS_URL: undefined, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const policyText = (redisUrl: string | null) => `
version: 1
store: { redisUrl: ${redisUrl ? `"${redisUrl}"` : 'null'}, keyPrefix: "llmfw:cli:" }
pricing: { gpt-4o-mini: { input: 0.15, output: 0.6 } }
agents:
  bot:
    keys: []
    models: ["gpt-4o-mini"]
    limits:
      requestsPerMinute: 10
      budgets: [ { window: month, usd: 5 } ]
`;

describe.skipIf(!redisTestsEnabled())('llm-firewall usage (LLMFW_SKIP_REDIS_TESTS=1 skips)', () => {
  let server: RedisServer;
  let dir: string;

  beforeAll(async () => {
    server = await startRedis();
    dir = await mkdtemp(join(tmpdir(), 'llmfw-usage-'));
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints the usage the firewall instances recorded in Redis, as JSON and as a table', async () => {
    const file = join(dir, 'redis.yaml');
    await writeFile(file, policyText(server.url));
    const limiter = await createLimiter({ redisUrl: server.url, store: { keyPrefix: 'llmfw:cli:' }, pricing: { 'gpt-4o-mini': { input: 0.15, output: 0.6 } }, metricsRegistry: new Registry() });
    const limits = { requestsPerMinute: 10, budgets: [{ window: 'month' as const, usd: 5 }] };
    for (let i = 0; i < 3; i++) {
      const r = await limiter.admit({ agent: 'bot', model: 'gpt-4o-mini', promptTokens: 1000, maxOutputTokens: 1000, limits });
      if (r.ok) await limiter.settle(r.reservation, { inputTokens: 1000, outputTokens: 500 });
    }
    await limiter.close();

    const json = await cli(['usage', '--policy', file, '--json']);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    const body = JSON.parse(json.out) as { usage: Array<{ limit: string; used: number }> };
    expect(body.usage.find((u) => u.limit === 'requestsPerMinute')!.used).toBe(3);
    expect(body.usage.find((u) => u.limit === 'usd/month')!.used).toBeCloseTo(3 * (1000 * 0.15 + 500 * 0.6) / 1e6, 9);

    const table = await cli(['usage', '--policy', file]);
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^SCOPE\s+NAME\s+LIMIT\s+USED/);
    expect(table.out).toMatch(/agent\s+bot\s+requestsPerMinute\s+3\s+0\s+10\s+7/);
  });

  it('explains and exits 2 when no shared store is configured', async () => {
    const file = join(dir, 'memory.yaml');
    await writeFile(file, policyText(null));
    const r = await cli(['usage', '--policy', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no shared store is configured.*GET \/admin\/usage/);
  });

  it('exits 1 with a clear message when Redis cannot be reached', async () => {
    const file = join(dir, 'memory.yaml');
    const r = await cli(['usage', '--policy', file, '--redis-url', 'redis://127.0.0.1:1']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/the store is unreachable/);
  });
});
