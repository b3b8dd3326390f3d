/**
 * End-to-end latency the firewall adds (issue 2 benchmark). One run, three processes: the
 * loopback upstream stub and the firewall (`llm-firewall serve`) each in a child process, and
 * autocannon here, so the load generator never shares an event loop with what it measures.
 *
 * The same load — a 4 KB chat request over 32 connections, a fixed duration per phase — goes to
 * the stub directly and through the firewall, non-streaming and streaming, for two policies:
 *   bare: auth + model allowlist + audit (detectors off, no limits)
 *   full: the default pipeline (detector engine on, in-memory rate limits and budgets)
 * in two load modes, because they answer different questions:
 *   fixed rate  — BENCH_RATE requests per second over 32 connections, dispatched evenly by an
 *                 open-loop sender (bench/paced-load.ts; latency from dispatch, so queueing is
 *                 never hidden), below what any target saturates at: the latency a request
 *                 gains by passing through the firewall (the issue's "added p50/p99").
 *   saturated   — closed loop, each connection sends its next request as soon as the last one
 *                 is answered: the throughput ratio. On a 2-core machine that also runs the
 *                 stub and the load generator, the latency here is mostly queueing (32 requests
 *                 waiting for one busy core), so it grows with CPU per request, not with what
 *                 one request waits for; it is reported, not hidden.
 * Saturated latencies are autocannon's per-response hrtime (float ms, not its 1 ms histogram).
 * Prints p50/p99, the differences against direct and the throughput ratio, plus the CPU the
 * firewall process spent per request; writes JSON to bench/results/.
 *
 *   npm run bench:proxy                         # 5 s per phase, median of 3 rounds
 *   BENCH_RATE=500 BENCH_SECONDS=3 BENCH_ROUNDS=1 npm run bench:proxy
 *   BENCH_MODES=fixed npm run bench:proxy       # only the fixed-rate phases (or: saturated)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- autocannon ships no type declarations
import autocannon from 'autocannon';
import { generateKey } from '../src/auth/index.js';
import { pacedLoad } from './paced-load.js';

const ROOT = join(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 32;
/** Offered load of the fixed-rate phases, requests per second over all connections. */
const RATE = Number(process.env.BENCH_RATE ?? 400);
const MODES = (process.env.BENCH_MODES ?? 'fixed,saturated').split(',').map((m) => m.trim()) as Array<'fixed' | 'saturated'>;

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

/** CPU time (user + system, ms) a process has used, from /proc (Linux); undefined elsewhere. */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime in 1/100 s (CLK_TCK 100)
  } catch { return undefined; }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Phase {
  name: string; p50: number; p90: number; p99: number; rps: number; requests: number; errors: number; non2xx: number;
  /** CPU ms per request spent in the firewall process (undefined for direct phases). */
  firewallCpuMs?: number;
  /** CPU ms per request spent in the stub process. */
  stubCpuMs?: number;
}

async function load(name: string, url: string, key: string, body: string, pids: { stub?: number; firewall?: number }, rate?: number): Promise<Phase> {
  let times: number[] = [];
  const fw0 = cpuMsOf(pids.firewall);
  const st0 = cpuMsOf(pids.stub);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  let rps: number; let requests: number; let errors: number; let non2xx = 0;
  if (rate) {
    const u = new URL(url);
    const r = await pacedLoad({ origin: u.origin, path: u.pathname, body, headers, rate, seconds: SECONDS, connections: CONNECTIONS });
    times = r.times; rps = r.rps; requests = r.times.length + r.errors; errors = r.errors;
  } else {
    const instance = autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: SECONDS, body, headers });
    instance.on('response', (_c: unknown, status: number, _bytes: number, ms: number) => { if (status < 300) times.push(ms); });
    const r = await instance;
    times.sort((a, b) => a - b);
    rps = r.requests.average; requests = r.requests.total; errors = r.errors; non2xx = r.non2xx;
  }
  const fw1 = cpuMsOf(pids.firewall);
  const st1 = cpuMsOf(pids.stub);
  const n = Math.max(1, requests);
  return {
    name,
    firewallCpuMs: fw0 !== undefined && fw1 !== undefined ? (fw1 - fw0) / n : undefined,
    stubCpuMs: st0 !== undefined && st1 !== undefined ? (st1 - st0) / n : undefined,
    p50: percentile(times, 50), p90: percentile(times, 90), p99: percentile(times, 99),
    rps, requests, errors, non2xx,
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
      ['direct', `${stubUrl}/chat/completions`, undefined],
      ['firewall-bare', `${fwBare.url}/v1/chat/completions`, fwBare.child.pid],
      ['firewall-full', `${fwFull.url}/v1/chat/completions`, fwFull.child.pid],
    ] as const;
    // Warm up every path (JIT, pools, tiktoken, detector packs, heap growth) before measuring:
    // with 400 requests the first round still carried warm-up pauses in its p99.
    for (const [, url] of targets) for (const s of [false, true]) {
      const w = autocannon({ url, method: 'POST', connections: 8, amount: 3000, body: body(s), headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
      await w;
    }
    // Several rounds, alternating the order of the targets, and the median of each measure: the
    // machine is shared, so a single phase can land on a noisy moment.
    const rounds: Phase[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      const phasesOfRound: Phase[] = [];
      for (const mode of MODES) for (const stream of [false, true]) {
        for (const [name, url, fwPid] of order) {
          const label = `${name}${stream ? ' (stream)' : ''} @${mode === 'fixed' ? `${RATE}/s` : 'max'}`;
          const p = await load(label, url, key, body(stream), { stub: stubChild.pid, firewall: fwPid }, mode === 'fixed' ? RATE : undefined);
          phasesOfRound.push(p);
          process.stderr.write(`  round ${round + 1}/${ROUNDS} ${p.name}: p50 ${p.p50.toFixed(3)} ms, p99 ${p.p99.toFixed(3)} ms, ${p.rps.toFixed(0)} req/s\n`);
        }
      }
      rounds.push(phasesOfRound);
    }
    const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    const phases: Phase[] = rounds[0].map((p0) => {
      const same = rounds.map((r) => r.find((p) => p.name === p0.name)!);
      return {
        name: p0.name,
        p50: median(same.map((p) => p.p50)), p90: median(same.map((p) => p.p90)), p99: median(same.map((p) => p.p99)),
        rps: median(same.map((p) => p.rps)),
        firewallCpuMs: same[0].firewallCpuMs === undefined ? undefined : median(same.map((p) => p.firewallCpuMs!)),
        stubCpuMs: same[0].stubCpuMs === undefined ? undefined : median(same.map((p) => p.stubCpuMs!)),
        requests: same.reduce((a, p) => a + p.requests, 0), errors: same.reduce((a, p) => a + p.errors, 0), non2xx: same.reduce((a, p) => a + p.non2xx, 0),
      };
    }).sort((a, b) => Number(a.name.includes('@max')) - Number(b.name.includes('@max')) || Number(a.name.includes('stream')) - Number(b.name.includes('stream')) || targets.findIndex(([n]) => a.name.startsWith(n)) - targets.findIndex(([n]) => b.name.startsWith(n)));

    const rows = phases.map((p) => {
      const direct = phases.find((d) => d.name === p.name.replace(/^firewall-(bare|full)/, 'direct'))!;
      return { ...p, addedP50: p.p50 - direct.p50, addedP99: p.p99 - direct.p99, throughputRatio: p.rps / direct.rps };
    });
    const f = (n: number) => n.toFixed(3).padStart(8);
    console.log(`\nproxy latency — 4 KB chat request, ${CONNECTIONS} connections, ${SECONDS} s per phase, median of ${ROUNDS} rounds, node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)}`);
    console.log(`@${RATE}/s: fixed offered load (added latency); @max: closed loop at saturation (throughput ratio; latency there is mostly queueing)`);
    console.log('phase                                p50 ms   p99 ms  +p50 ms  +p99 ms    req/s  ratio  fw CPU ms/req  stub CPU ms/req  errors');
    const c = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(3)).padStart(13);
    for (const r of rows) {
      console.log(`${r.name.padEnd(34)} ${f(r.p50)} ${f(r.p99)} ${f(r.addedP50)} ${f(r.addedP99)} ${r.rps.toFixed(0).padStart(8)}  ${r.throughputRatio.toFixed(2)}  ${c(r.firewallCpuMs)}  ${c(r.stubCpuMs).padStart(15)}  ${r.errors + r.non2xx}`);
    }
    console.log('(fw CPU ms/req: CPU time the firewall process used per request — independent of how busy the machine is)');
    const behind = rows.filter((r) => r.name.includes(`@${RATE}/s`) && r.rps < 0.95 * RATE);
    if (behind.length > 0) {
      console.log(`WARNING: ${behind.map((r) => r.name).join(', ')} did not keep up with ${RATE} req/s: their latency includes queueing (busy machine? try a lower BENCH_RATE)`);
    }
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const out = join(ROOT, 'bench/results', `proxy-latency-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, loadAverage: loadavg(), rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, rate: RATE, modes: MODES, requestBytes: body(false).length, rows }, null, 2));
    console.log(`\nwritten ${out}`);
  } finally {
    for (const c of children.reverse()) await stop(c);
    rmSync(dir, { recursive: true, force: true });
  }
}
