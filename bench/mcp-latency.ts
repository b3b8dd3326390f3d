/**
 * Tool-call latency of one MCP server reached three ways, in one run:
 *   direct   — MCP SDK Client over stdio to @modelcontextprotocol/server-everything;
 *   wrap     — the same through `llm-firewall mcp wrap` (allowlist, argument checks, pins;
 *              run twice: with content scanning on and with the detectors disabled);
 *   direct HTTP — server-everything's own Streamable HTTP mode (the gateway's baseline);
 *   gateway  — through the HTTP gateway (fastify on 127.0.0.1, Streamable HTTP, in this
 *              process), upstream a spawned stdio server-everything; scan on and off.
 * First, the in-process cost of the firewall's own work per call (no pipes), which is stable on a
 * loaded machine. Then each config makes `CALLS` sequential `echo` calls after `WARMUP`; rounds alternate the order
 * and the median of the per-round p50s is reported (STYLE §7). Target: wrap p50 overhead ≤ 0.5 ms.
 *
 *   npm run bench:mcp            (CALLS=400 ROUNDS=2 by default; env overrides)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createEngine } from '../detectors/engine/index.js';
import { generateKey } from '../src/auth/index.js';
import { mcpGateway } from '../src/mcp/http-gateway.js';
import { parsePolicy } from '../src/policy/index.js';
import { parseLine } from '../src/mcp/framing.js';
import type { McpGuard } from '../src/mcp/guard.js';
import { MemoryPinStore } from '../src/mcp/pins.js';
import { createGuard } from '../src/mcp/session.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const EVERYTHING = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const CALLS = Number(process.env.CALLS ?? 400);
const WARMUP = Number(process.env.WARMUP ?? 50);
const ROUNDS = Number(process.env.ROUNDS ?? 2);

const dir = mkdtempSync(path.join(tmpdir(), 'fw-bench-mcp-'));
const key = generateKey();
const policyText = (scan: boolean) => `
version: 1
upstreams: { openai: { baseUrl: "http://127.0.0.1:9/v1" } }
detectors:
  promptInjection: { enabled: ${scan} }
  pii: { enabled: ${scan} }
  secrets: { enabled: ${scan} }
agents:
  bench:
    keys: ["${key.hash}"]
    models: []
    mcp:
      everything: { tools: { echo: { args: { message: { maxLength: 1000 } } } } }
mcpServers:
  everything: { command: "${process.execPath}", args: ["${EVERYTHING}", "stdio"] }
mcp: { pinFile: pins.json }
audit: { destination: ${path.join(dir, 'audit.log')} }
`;
for (const scan of [true, false]) writeFileSync(path.join(dir, `policy-${scan ? 'scan' : 'noscan'}.yaml`), policyText(scan));

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function measure(client: Client): Promise<number[]> {
  const args = { name: 'echo', arguments: { message: 'hello firewall' } };
  for (let i = 0; i < WARMUP; i++) await client.callTool(args);
  const out: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await client.callTool(args);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function stdioClient(args: string[]): Promise<Client> {
  const c = new Client({ name: 'bench', version: '1' });
  await c.connect(new StdioClientTransport({ command: process.execPath, args, cwd: ROOT, stderr: 'ignore' }));
  return c;
}

async function gateway(scan: boolean): Promise<{ client: Client; close: () => Promise<void> }> {
  const policy = parsePolicy(policyText(scan), path.join(dir, `policy-${scan ? 'scan' : 'noscan'}.yaml`));
  const app = Fastify({ logger: false });
  await app.register(mcpGateway, { policy, engine: createEngine(policy.engineOptions), audit: () => {} });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const c = new Client({ name: 'bench', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp/everything`), { requestInit: { headers: { authorization: `Bearer ${key.key}` } } }));
  return { client: c, close: async () => { await c.close(); await app.close(); } };
}

const configs: Record<string, () => Promise<{ client: Client; close: () => Promise<void> }>> = {
  direct: async () => { const c = await stdioClient([EVERYTHING, 'stdio']); return { client: c, close: () => c.close() }; },
  'wrap (scan on)': async () => {
    const c = await stdioClient(['bin/llm-firewall.mjs', 'mcp', 'wrap', '--agent', 'bench', '--server', 'everything', '--policy', path.join(dir, 'policy-scan.yaml'), '--', process.execPath, EVERYTHING, 'stdio']);
    return { client: c, close: () => c.close() };
  },
  'wrap (scan off)': async () => {
    const c = await stdioClient(['bin/llm-firewall.mjs', 'mcp', 'wrap', '--agent', 'bench', '--server', 'everything', '--policy', path.join(dir, 'policy-noscan.yaml'), '--', process.execPath, EVERYTHING, 'stdio']);
    return { client: c, close: () => c.close() };
  },
  'direct HTTP': async () => {
    // server-everything's own Streamable HTTP mode: the baseline for the gateway.
    const { spawn } = await import('node:child_process');
    const port = 20000 + Math.floor(Math.random() * 20000);
    const proc = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((r) => proc.stderr!.on('data', (c: Buffer) => { if (c.toString().includes('listening')) r(); }));
    const c = new Client({ name: 'bench', version: '1' });
    await c.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    return { client: c, close: async () => { await c.close(); proc.kill(); } };
  },
  'gateway (scan on)': () => gateway(true),
  'gateway (scan off)': () => gateway(false),
};

// In-process cost of the firewall's own work per tools/call (parse, guard, scans, serialise),
// without pipes or processes, so it is not drowned by scheduling noise on a busy machine.
async function inProcessCost(scan: boolean): Promise<{ p50: number; p99: number }> {
  const policy = parsePolicy(policyText(scan), path.join(dir, `policy-${scan ? 'scan' : 'noscan'}.yaml`));
  const engine = createEngine(policy.engineOptions);
  let guard!: McpGuard;
  let answered: () => void = () => {};
  guard = createGuard(policy, 'bench', 'everything', { engine, pins: new MemoryPinStore(), audit: () => {} }, {
    toClient: (m) => { JSON.stringify(m); answered(); },
    toServer: (m) => {
      const line = JSON.stringify(m);
      const req = parseLine(line);
      if (!req.ok || !('method' in req.message)) return;
      const id = (req.message as { id: number }).id;
      const result = req.message.method === 'tools/list'
        ? { tools: [{ name: 'echo', description: 'Echoes back the input string.', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } }] }
        : { content: [{ type: 'text', text: 'Echo: hello firewall' }] };
      const back = parseLine(JSON.stringify({ jsonrpc: '2.0', id, result }));
      if (back.ok) void guard.fromServer(back.message);
    },
  }, true)!;
  const one = (id: number) => new Promise<void>((resolve) => {
    answered = resolve;
    const p = parseLine(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hello firewall' } } }));
    if (p.ok) void guard.fromClient(p.message);
  });
  for (let i = 0; i < 200; i++) await one(i);
  const xs: number[] = [];
  for (let i = 0; i < 2000; i++) { const t = performance.now(); await one(1000 + i); xs.push(performance.now() - t); }
  guard.close();
  xs.sort((a, b) => a - b);
  return { p50: pct(xs, 50), p99: pct(xs, 99) };
}
for (const scan of [false, true]) {
  const r = await inProcessCost(scan);
  console.log(`in-process firewall work per tools/call (scan ${scan ? 'on' : 'off'}): p50 ${(r.p50 * 1000).toFixed(0)} µs, p99 ${(r.p99 * 1000).toFixed(0)} µs`);
}

const p50s: Record<string, number[]> = {};
const last: Record<string, number[]> = {};
const names = Object.keys(configs);
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const { client, close } = await configs[name]!();
    const xs = await measure(client);
    await close();
    (p50s[name] ??= []).push(pct(xs, 50));
    last[name] = xs;
  }
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const base = median(p50s.direct!);
const baseHttp = median(p50s['direct HTTP']!);
console.log(`MCP tool-call latency (server-everything echo), ${CALLS} calls x ${ROUNDS} rounds, node ${process.version}`);
console.log('config               p50 ms   p95 ms   p99 ms   p50 overhead (wrap vs direct stdio, gateway vs direct HTTP)');
for (const name of names) {
  const xs = last[name]!;
  const m = median(p50s[name]!);
  const ref = name.startsWith('gateway') ? baseHttp : base;
  const over = name.startsWith('direct') ? '-' : `${m - ref >= 0 ? '+' : ''}${(m - ref).toFixed(3)} ms`;
  console.log(`${name.padEnd(20)} ${m.toFixed(3).padStart(7)}  ${pct(xs, 95).toFixed(3).padStart(7)}  ${pct(xs, 99).toFixed(3).padStart(7)}   ${over}`);
}
rmSync(dir, { recursive: true, force: true });
