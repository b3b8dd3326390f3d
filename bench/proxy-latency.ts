/**
 * End-to-end latency the firewall adds (issue 2 benchmark). One run, three processes: the
 * loopback upstream stub and the firewall (`llm-firewall serve`) each in a child process, and
 * autocannon here, so the load generator never shares an event loop with what it measures.
 *
 * The same load — a 4 KB chat request, 32 connections, a fixed duration per phase — goes to the
 * stub directly and through the firewall, non-streaming and streaming, for two policies:
 *   bare: auth + model allowlist + audit (detectors off, no limits)
 *   full: the default pipeline (detector engine on, in-memory rate limits and budgets)
 * Latencies are taken from autocannon's per-response hrtime (float ms, not its 1 ms histogram).
 * Prints p50/p99 and the differences against direct, and the throughput ratio; writes JSON to
 * bench/results/.
 *
 *   npm run bench:proxy                 # 5 s per phase
 *   BENCH_SECONDS=3 npm run bench:proxy
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- autocannon ships no type declarations
import autocannon from 'autocannon';
import { generateKey } from '../src/auth/index.js';

const ROOT = join(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;

// ---- child: the stub ---------------------------------------------------------------------
if (process.argv.includes('--stub')) {
  const { startUpstreamStub } = await import('../test/helpers/upstream-stub.js');
  const stub = await startUpstreamStub({ chunks: ['The', ' quick', ' brown', ' fox', ' jumps', '.'] });
  // Keep the request log from growing without bound during the run.
  setInterval(() => { stub.requests.length = 0; }, 1000).unref();
  process.stdout.write(`${stub.url}\n`);
  await new Promise(() => undefined);
}

function waitForLine(child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`timeout waiting for ${re}: ${buf.slice(-500)}`)), 60_000);
    child[stream]!.on('data', (d) => {
      buf += d;
      const m = re.exec(buf);
      if (m) { clearTimeout(t); resolve(m); }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code}: ${buf.slice(-500)}`)));
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Phase { name: string; p50: number; p90: number; p99: number; rps: number; requests: number; errors: number; non2xx: number }

async function load(name: string, url: string, key: string, body: string): Promise<Phase> {
  const times: number[] = [];
  const instance = autocannon({
    url, method: 'POST', connections: CONNECTIONS, duration: SECONDS, body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  });
  instance.on('response', (_c: unknown, status: number, _bytes: number, ms: number) => { if (status < 300) times.push(ms); });
  const r = await instance;
  times.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(times, 50), p90: percentile(times, 90), p99: percentile(times, 99),
    rps: r.requests.average, requests: r.requests.total, errors: r.errors, non2xx: r.non2xx,
  };
}

async function startFirewall(stubUrl: string, policy: string, dir: string, label: string): Promise<{ url: string; child: ChildProcess }> {
  const file = join(dir, `${label}.yaml`);
  writeFileSync(file, policy);
  const child = spawn(process.execPath, [join(ROOT, 'bin/llm-firewall.mjs'), 'serve', '--policy', file, '--upstream-url', stubUrl], {
    cwd: ROOT, env: { ...process.env, BENCH_UPSTREAM_KEY: 'sk-bench' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  const m = await waitForLine(child, 'stderr', /listening on (http:\/\/[^ ]+) /);
  return { url: m[1], child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

if (!process.argv.includes('--stub')) {
  const dir = mkdtempSync(join(tmpdir(), 'fw-bench-'));
  const children: ChildProcess[] = [];
  try {
    const stubChild = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/proxy-latency.ts'), '--stub'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(stubChild);
    const stubUrl = (await waitForLine(stubChild, 'stdout', /(http:\/\/\S+)\n/))[1];
    const { key, hash } = generateKey();
    const agent = `agents:\n  bench:\n    keys: ["${hash}"]\n    models: ["gpt-4o-mini"]\n`;
    const base = `version: 1\nserver: { host: 127.0.0.1, port: 0 }\nupstreams:\n  openai: { baseUrl: "${stubUrl}", apiKeyEnv: BENCH_UPSTREAM_KEY }\naudit: { destination: "${join(dir, 'audit.log')}", level: info }\n`;
    const bare = `${base}detectors: { promptInjection: { enabled: false }, pii: { enabled: false }, secrets: { enabled: false } }\n${agent}`;
    const full = `${base}${agent}    limits: { requestsPerMinute: 100000000, tokensPerMinute: 2000000000 }\n`;

    // ~4 KB of ordinary prose (no secrets or PII, so nothing is blocked or rewritten).
    const prose = 'The firewall sits between agents and the model provider and decides who may call what. ';
    const content = prose.repeat(Math.ceil(4000 / prose.length)).slice(0, 4000);
    const body = (stream: boolean) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }], ...(stream ? { stream: true } : {}) });

    const fwBare = await startFirewall(stubUrl, bare, dir, 'bare');
    children.push(fwBare.child);
    const fwFull = await startFirewall(stubUrl, full, dir, 'full');
    children.push(fwFull.child);

    const targets = [
      ['direct', `${stubUrl}/chat/completions`],
      ['firewall-bare', `${fwBare.url}/v1/chat/completions`],
      ['firewall-full', `${fwFull.url}/v1/chat/completions`],
    ] as const;
    // Warm up every path (JIT, pools, tiktoken, detector packs) before measuring.
    for (const [, url] of targets) for (const s of [false, true]) {
      const w = autocannon({ url, method: 'POST', connections: 8, amount: 400, body: body(s), headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
      await w;
    }
    const phases: Phase[] = [];
    for (const stream of [false, true]) {
      for (const [name, url] of targets) {
        const p = await load(`${name}${stream ? ' (stream)' : ''}`, url, key, body(stream));
        phases.push(p);
        process.stderr.write(`  measured ${p.name}: p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms, ${p.rps.toFixed(0)} req/s\n`);
      }
    }

    const rows = phases.map((p) => {
      const direct = phases.find((d) => d.name === (p.name.includes('stream') ? 'direct (stream)' : 'direct'))!;
      return { ...p, addedP50: p.p50 - direct.p50, addedP99: p.p99 - direct.p99, throughputRatio: p.rps / direct.rps };
    });
    const f = (n: number) => n.toFixed(3).padStart(8);
    console.log(`\nproxy latency — 4 KB chat request, ${CONNECTIONS} connections, ${SECONDS} s per phase, node ${process.version}, ${cpus().length} CPUs`);
    console.log('phase                        p50 ms   p99 ms  +p50 ms  +p99 ms    req/s  ratio  errors');
    for (const r of rows) {
      console.log(`${r.name.padEnd(26)} ${f(r.p50)} ${f(r.p99)} ${f(r.addedP50)} ${f(r.addedP99)} ${r.rps.toFixed(0).padStart(8)}  ${r.throughputRatio.toFixed(2)}  ${r.errors + r.non2xx}`);
    }
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const out = join(ROOT, 'bench/results', `proxy-latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, seconds: SECONDS, connections: CONNECTIONS, requestBytes: body(false).length, rows }, null, 2));
    console.log(`\nwritten ${out}`);
  } finally {
    for (const c of children.reverse()) await stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
}
