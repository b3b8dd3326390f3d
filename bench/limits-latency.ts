/**
 * Latency the limits stage adds (issue 4 benchmark), in one run:
 *
 * 1. Direct: `limiter.admit` + `settle` for a typical agent (requests/minute, tokens/minute, a
 *    token budget per day and a USD budget per month: 4 rules), timed with tinybench, for no
 *    limits, the in-memory store and Redis on loopback. Token counting of a small chat body is
 *    timed on its own.
 * 2. Through the proxy: `llm-firewall serve` three times (limits off / in memory / Redis) in front
 *    of the loopback stub, each in its own process; this process sends sequential chat requests
 *    (one at a time, so latency is not queueing) and records per-request hrtime. The three
 *    configurations run in rotating order for ROUNDS rounds; the report is the median p50/p99 of
 *    the rounds and the difference against "limits off".
 *
 * 3. Under load: autocannon with 16 connections for BENCH_LOAD_SECONDS per configuration
 *    (throughput and latency when requests overlap).
 *
 * Needs `redis-server` on PATH (a private one is started on a free port and stopped at the end).
 *
 *   npm run bench:limits
 *   BENCH_REQUESTS=500 BENCH_ROUNDS=3 npm run bench:limits
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
// @ts-expect-error -- autocannon ships no type declarations
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { Registry } from 'prom-client';
import { generateKey } from '../src/auth/index.js';
import { createLimiter, countRequestTokens, type AdmitRequest } from '../src/limits/index.js';
import { startRedis } from '../test/helpers/redis.js';

const ROOT = join(import.meta.dirname, '..');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 3);

// ---- child: the stub ---------------------------------------------------------------------
if (process.argv.includes('--stub')) {
  const { startUpstreamStub } = await import('../test/helpers/upstream-stub.js');
  const stub = await startUpstreamStub({ usage: { input: 20, output: 6 } });
  setInterval(() => { stub.requests.length = 0; }, 1000).unref();
  process.stdout.write(`${stub.url}\n`);
  await new Promise(() => undefined);
}

// ---- child: one firewall (buildApp), limits off / memory / redis ----------------------------
// Built here rather than with `llm-firewall serve` because serve always creates a limiter; "off"
// must mean no limits stage at all (no counting, no reservation, no response parsing for usage).
if (process.argv.includes('--fw')) {
  const [mode, policyFile, stubUrl, redisUrl] = process.argv.slice(process.argv.indexOf('--fw') + 1);
  const { PolicyHolder } = await import('../src/policy/index.js');
  const { createLogger } = await import('../src/audit/index.js');
  const { buildApp } = await import('../src/server/app.js');
  const holder = await PolicyHolder.open(policyFile!, { upstreamUrl: stubUrl });
  const doc = holder.current().doc;
  const logger = createLogger({ destination: doc.audit.destination, level: doc.audit.level });
  const limiter = mode === 'off' ? undefined
    : await createLimiter({ store: doc.store, redisUrl: mode === 'redis' ? redisUrl : undefined, env: {}, pricing: doc.pricing, logger });
  const app = await buildApp({ policy: holder, logger, limiter });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stderr.write(`listening on ${url} \n`);
  await new Promise(() => undefined);
}

const LIMITS = {
  requestsPerMinute: 1_000_000_000, tokensPerMinute: 1_000_000_000_000,
  budgets: [{ window: 'day' as const, tokens: 1_000_000_000_000 }, { window: 'month' as const, usd: 1_000_000 }],
};
const PRICING = { 'gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 } };
const BODY = { model: 'gpt-4o-mini', max_tokens: 64, messages: [
  { role: 'system', content: 'You are a helpful assistant for a travel company. Answer briefly.' },
  { role: 'user', content: 'What is the best time of year to visit Lisbon, and what should I pack?' },
] };

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

function waitForLine(child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${re}: ${buf.slice(-400)}`)), 60_000);
    child[stream]!.on('data', (d) => {
      buf += d;
      const m = re.exec(buf);
      if (m) { clearTimeout(t); resolve(m); }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${buf.slice(-400)}`)));
  });
}

async function direct(redisUrl: string): Promise<Record<string, { p50: number; p99: number; mean: number }>> {
  const none = await createLimiter({ metricsRegistry: new Registry(), env: {}, pricing: PRICING });
  const mem = await createLimiter({ metricsRegistry: new Registry(), env: {}, pricing: PRICING });
  const red = await createLimiter({ redisUrl, store: { keyPrefix: 'llmfw:bench:' }, metricsRegistry: new Registry(), pricing: PRICING });
  const req = (limits: AdmitRequest['limits']): AdmitRequest => ({ agent: 'bench', model: 'gpt-4o-mini', promptTokens: 40, maxOutputTokens: 64, limits });
  const usage = { inputTokens: 40, outputTokens: 12 };
  const cycle = (l: typeof mem, limits: AdmitRequest['limits']) => async () => {
    const r = await l.admit(req(limits));
    if (!r.ok) throw new Error(`unexpected denial: ${r.denial.detail}`);
    await l.settle(r.reservation, usage);
  };
  const bench = new Bench({ time: 1500, warmupTime: 300 });
  let unique = 0;
  bench
    .add('count tokens (chat body seen before)', () => { countRequestTokens('chat', 'gpt-4o-mini', BODY); })
    .add('count tokens (chat body never seen)', () => {
      const u = ++unique;
      countRequestTokens('chat', 'gpt-4o-mini', { ...BODY, messages: [BODY.messages[0], { role: 'user', content: `${BODY.messages[1]!.content} #${u}` }] });
    })
    .add('admit+settle, no limits', cycle(none, {}))
    .add('admit+settle, memory (4 rules)', cycle(mem, LIMITS))
    .add('admit+settle, redis loopback (4 rules)', cycle(red, LIMITS))
    .add('admit only, redis loopback (4 rules)', async () => { await red.admit(req(LIMITS)); })
    // The floor: one round trip to the same redis-server (what the machine's scheduling costs).
    .add('redis PING round trip (reference)', async () => { await (red.store as unknown as { client: { ping(): Promise<string> } }).client.ping(); });
  await bench.run();
  const out: Record<string, { p50: number; p99: number; mean: number }> = {};
  for (const t of bench.tasks) {
    const r = t.result as unknown as { latency: { p50: number; p99: number; mean: number } };
    out[t.name] = { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean };
  }
  await Promise.all([none.close(), mem.close(), red.close()]);
  return out;
}

async function serve(mode: 'off' | 'memory' | 'redis', policyFile: string, stubUrl: string, redisUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const args = ['--import', 'tsx', join(ROOT, 'bench/limits-latency.ts'), '--fw', mode, policyFile, stubUrl, redisUrl];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, REDIS_URL: undefined, FW_BENCH_UPSTREAM_KEY: 'sk-bench' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const m = await waitForLine(child, 'stderr', /listening on (\S+) /);
  return { child, url: m[1]! };
}

/** Under concurrency: autocannon, 16 connections, per-response hrtime latencies (float ms). */
async function concurrent(url: string, key: string): Promise<{ rps: number; p50: number; p99: number; non2xx: number }> {
  const times: number[] = [];
  const instance = autocannon({ url: `${url}/v1/chat/completions`, method: 'POST', connections: 16, duration: LOAD_SECONDS,
    body: JSON.stringify(BODY), headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
  instance.on('response', (_c: unknown, status: number, _b: number, ms: number) => { if (status < 300) times.push(ms); });
  const r = await instance;
  times.sort((a, b) => a - b);
  return { rps: r.requests.average, p50: pct(times, 50), p99: pct(times, 99), non2xx: r.non2xx };
}

async function sequential(url: string, key: string, n: number): Promise<number[]> {
  const pool = new Pool(url, { connections: 1 });
  const body = JSON.stringify(BODY);
  const times: number[] = [];
  try {
    for (let i = 0; i < n + 50; i++) {
      const t0 = performance.now();
      const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', body,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      if (i >= 50) times.push(performance.now() - t0); // first 50 warm up
    }
  } finally {
    await pool.close();
  }
  return times.sort((a, b) => a - b);
}

const redis = await startRedis();
const dir = mkdtempSync(join(tmpdir(), 'llmfw-bench-limits-'));
const children: ChildProcess[] = [];
try {
  console.log(`direct limiter cost (tinybench, ~1.5 s per task)…`);
  const d = await direct(redis.url);

  const stub = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/limits-latency.ts'), '--stub'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(stub);
  const stubUrl = (await waitForLine(stub, 'stdout', /(http:\/\/\S+)\n/))[1]!;
  const agent = generateKey();
  const policy = (limits: boolean) => `version: 1
server: { host: 127.0.0.1, port: 0 }
upstreams: { openai: { baseUrl: "${stubUrl}", apiKeyEnv: FW_BENCH_UPSTREAM_KEY } }
store: { keyPrefix: "llmfw:benchproxy:" }
detectors: { promptInjection: { enabled: false }, pii: { enabled: false }, secrets: { enabled: false } }
audit: { destination: "${join(dir, 'audit.log')}", level: warn }
pricing: { gpt-4o-mini: { input: 0.15, cachedInput: 0.075, output: 0.6 } }
agents:
  bench:
    keys: ["${agent.hash}"]
    upstream: openai
    models: ["gpt-4o-mini"]
${limits ? `    limits: ${JSON.stringify(LIMITS)}` : ''}
`;
  writeFileSync(join(dir, 'policy.yaml'), policy(true));
  console.log('starting three firewalls (limits off / memory / redis)…');
  const file = join(dir, 'policy.yaml');
  const configs = [
    { name: 'limits off', fw: await serve('off', file, stubUrl, redis.url) },
    { name: 'memory', fw: await serve('memory', file, stubUrl, redis.url) },
    { name: 'redis', fw: await serve('redis', file, stubUrl, redis.url) },
  ];
  for (const c of configs) children.push(c.fw.child);
  const rounds: Record<string, { p50: number[]; p99: number[] }> = Object.fromEntries(configs.map((c) => [c.name, { p50: [], p99: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < configs.length; k++) {
      const c = configs[(r + k) % configs.length]!; // rotate the order each round
      const t = await sequential(c.fw.url, agent.key, REQUESTS);
      rounds[c.name]!.p50.push(pct(t, 50));
      rounds[c.name]!.p99.push(pct(t, 99));
    }
  }
  const load: Record<string, Awaited<ReturnType<typeof concurrent>>> = {};
  for (const c of configs) load[c.name] = await concurrent(c.fw.url, agent.key);
  const base = { p50: median(rounds['limits off']!.p50), p99: median(rounds['limits off']!.p99) };
  const proxy = configs.map((c) => {
    const p50 = median(rounds[c.name]!.p50);
    const p99 = median(rounds[c.name]!.p99);
    return { config: c.name, p50, p99, addedP50: p50 - base.p50, addedP99: p99 - base.p99 };
  });

  console.log('\n## Direct limiter cost (admit + settle, one agent, 4 rules)');
  console.log('| task | p50 | p99 | mean |\n| --- | --- | --- | --- |');
  for (const [name, v] of Object.entries(d)) console.log(`| ${name} | ${us(v.p50)} | ${us(v.p99)} | ${us(v.mean)} |`);
  console.log(`\n## Through the proxy (sequential chat requests, ${REQUESTS} per config per round, median of ${ROUNDS} rounds)`);
  console.log('| config | p50 | p99 | added p50 vs limits off | added p99 |\n| --- | --- | --- | --- | --- |');
  for (const p of proxy) console.log(`| ${p.config} | ${p.p50.toFixed(3)} ms | ${p.p99.toFixed(3)} ms | ${p.addedP50.toFixed(3)} ms | ${p.addedP99.toFixed(3)} ms |`);
  console.log(`\n## Under load (autocannon, 16 connections, ${LOAD_SECONDS} s per config, one round)`);
  console.log('| config | req/s | p50 | p99 | non-2xx |\n| --- | --- | --- | --- | --- |');
  for (const [name, v] of Object.entries(load)) console.log(`| ${name} | ${v.rps.toFixed(0)} | ${v.p50.toFixed(3)} ms | ${v.p99.toFixed(3)} ms | ${v.non2xx} |`);
  const redisAdded = proxy.find((p) => p.config === 'redis')!.addedP50;
  console.log(`\nTarget: Redis adds ≤ 0.5 ms p50 → ${redisAdded <= 0.5 ? 'met' : 'NOT met'} (${redisAdded.toFixed(3)} ms)`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const out = join(ROOT, 'bench/results', `limits-latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ node: process.version, loadavg: loadavg(), requests: REQUESTS, rounds: ROUNDS, direct: d, proxy, load, raw: rounds }, null, 2));
  console.log(`results: ${out} (load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
