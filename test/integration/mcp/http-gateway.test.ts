// The HTTP gateway (`mcpGateway` fastify plugin) on 127.0.0.1:0, driven by the MCP SDK Client
// over Streamable HTTP. Upstreams: the real @modelcontextprotocol/server-everything (spawned per
// session, and separately in its legacy HTTP+SSE mode), the poisoned fixture server (spawned),
// and a remote Streamable HTTP server built with the SDK's McpServer on its own loopback port.
// Covers agent keys (401 without, another agent's session refused), Host/Origin allowlist (403),
// tool/resource/prompt allowlists, numeric argument ranges, poisoning over HTTP, per-tool rate
// limits with the real limiter, and body faults.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createEngine } from '../../../detectors/engine/index.js';
import { generateKey } from '../../../src/auth/index.js';
import { createLimiter, type FirewallLimiter } from '../../../src/limits/index.js';
import { Registry } from 'prom-client';
import { mcpGateway } from '../../../src/mcp/http-gateway.js';
import { parsePolicy } from '../../../src/policy/index.js';
import { EVERYTHING_SERVER, fixtureCommand, tempDir } from './harness.js';

const tmp = tempDir('fw-mcp-http-');
const alice = generateKey();
const bob = generateKey();
let app: FastifyInstance;
let base: string;
let remote: http.Server;
let legacy: ChildProcess | undefined;

/** server-everything in its legacy HTTP+SSE mode on a free port (spec 2024-11-05). */
async function startLegacy(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  legacy = spawn(process.execPath, [EVERYTHING_SERVER, 'sse'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('legacy SSE server did not start')), 20_000);
    legacy!.stderr!.on('data', (c: Buffer) => { if (c.toString().includes('running on port')) { clearTimeout(t); resolve(); } });
  });
  return `http://127.0.0.1:${port}/sse`;
}
const clients: Client[] = [];
let limiter: FirewallLimiter;

/** A remote Streamable HTTP MCP server (stateless) with one tool. */
async function startRemote(): Promise<string> {
  remote = http.createServer(async (req, res) => {
    const server = new McpServer({ name: 'remote-calc', version: '1.0.0' });
    server.registerTool('multiply', { description: 'Multiplies two numbers.', inputSchema: { a: z.number(), b: z.number() } },
      async ({ a, b }) => ({ content: [{ type: 'text', text: String(a * b) }] }));
    const t = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => { void t.close(); void server.close(); });
    await server.connect(t);
    let body = '';
    for await (const c of req) body += c;
    await t.handleRequest(req, res, body ? JSON.parse(body) : undefined);
  });
  await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(remote.address() as AddressInfo).port}/mcp`;
}

beforeAll(async () => {
  const remoteUrl = await startRemote();
  const legacyUrl = await startLegacy();
  const yaml = `
version: 1
upstreams: { openai: { baseUrl: "http://127.0.0.1:9/v1" } }
detectors: { timeoutMs: 10000 }
agents:
  alice:
    keys: ["${alice.hash}"]
    models: []
    # server-everything's own docs trip the injection classifier; flag (allow + audit) instead of block.
    actions: { response: { promptInjection: flag } }
    mcp:
      everything:
        tools:
          echo: { callsPerMinute: 1000 }
          get-sum: { args: { a: { minimum: 0, maximum: 100 }, b: { minimum: 0, maximum: 100 } }, denyUnknownArgs: true }
        resources: ["demo://resource/static/document/"]
        prompts: ["simple-*"]
      fixture: {}
      remote: { tools: { multiply: { callsPerMinute: 2 } } }
      legacy: { tools: { echo: {} } }
  bob:
    keys: ["${bob.hash}"]
    models: []
    mcp:
      everything: { tools: { echo: {} } }
mcpServers:
  everything: { command: "${process.execPath}", args: ["${EVERYTHING_SERVER}", "stdio"] }
  fixture: { command: "${process.execPath}", args: ${JSON.stringify(fixtureCommand('poisoned').slice(1))} }
  remote: { url: "${remoteUrl}" }
  legacy: { url: "${legacyUrl}", transport: sse }
mcp: { pinFile: pins.json, callTimeoutMs: 15000, maxMessageBytes: 65536 }
`;
  const policy = parsePolicy(yaml, `${tmp.dir}/policy.yaml`);
  // The real limiter (in-memory store): per agent/server/tool sliding window.
  limiter = await createLimiter({ env: {}, metricsRegistry: new Registry() });
  app = Fastify({ logger: false });
  await app.register(mcpGateway, { policy, engine: createEngine(policy.engineOptions), limiter });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await app?.close();
  await limiter?.close();
  await new Promise((r) => remote?.close(r));
  legacy?.kill();
  tmp.cleanup();
});

async function connect(server: string, key: string): Promise<Client> {
  const c = new Client({ name: 'http-test', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp/${server}`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  clients.push(c);
  return c;
}

async function refusal(p: Promise<unknown>): Promise<McpError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(McpError);
  return e as McpError;
}

const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
const post = (server: string, body: string, headers: Record<string, string> = {}) => fetch(`${base}/mcp/${server}`, {
  method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
});

describe('HTTP gateway in front of server-everything', () => {
  let c: Client;
  beforeAll(async () => { c = await connect('everything', alice.key); });

  it('lists only the allowed tools and runs an allowed call end to end', async () => {
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['echo', 'get-sum']);
    const r = await c.callTool({ name: 'echo', arguments: { message: 'through the gateway' } });
    expect(JSON.stringify(r.content)).toContain('through the gateway');
  });

  it('refuses a forbidden tool (get-env would dump the environment) and an out-of-range argument', async () => {
    const e = await refusal(c.callTool({ name: 'get-env', arguments: {} }));
    expect((e.data as { code: string }).code).toBe('firewall_tool_not_allowed');
    const r = await refusal(c.callTool({ name: 'get-sum', arguments: { a: 1, b: 1000 } }));
    expect((r.data as { code: string }).code).toBe('firewall_argument_not_allowed');
    expect(r.message).toContain('"b"');
    expect(JSON.stringify((await c.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } })).content)).toContain('5');
  });

  it('filters resources and prompts by the allowlists and refuses reads outside them', async () => {
    const { resources } = await c.listResources();
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.every((r) => r.uri.startsWith('demo://resource/static/document/'))).toBe(true);
    const ok = await c.readResource({ uri: resources[0]!.uri });
    expect(ok.contents.length).toBe(1);
    const e = await refusal(c.readResource({ uri: 'demo://resource/dynamic/text/1' }));
    expect((e.data as { code: string }).code).toBe('firewall_resource_not_allowed');
    const { prompts } = await c.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['simple-prompt']);
    await refusal(c.getPrompt({ name: 'args-prompt', arguments: { city: 'x' } }));
  });

  it('keeps agents apart: another agent sees its own allowlist and cannot use this session', async () => {
    const b = await connect('everything', bob.key);
    expect((await b.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    const sid = (clients[0]!.transport as StreamableHTTPClientTransport).sessionId!;
    const res = await post('everything', JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }), { authorization: `Bearer ${bob.key}`, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' });
    expect(res.status).toBe(404);
    expect((await res.json()).error.data.code).toBe('firewall_session_not_found');
  });
});

describe('HTTP gateway ingress', () => {
  it('answers 401 with a JSON-RPC error without a key, and never spawns a server', async () => {
    const res = await post('everything', JSON.stringify(INIT));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect((await res.json()).error.data.code).toBe('firewall_unauthenticated');
  });

  it('refuses a foreign Host or Origin (DNS rebinding) with 403', async () => {
    const r1 = await new Promise<{ status: number; body: string }>((resolve) => {
      const req = http.request(`${base}/mcp/everything`, { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json', authorization: `Bearer ${alice.key}` } }, (res) => {
        let b = ''; res.on('data', (c) => { b += c; }); res.on('end', () => resolve({ status: res.statusCode!, body: b }));
      });
      req.end(JSON.stringify(INIT));
    });
    expect(r1.status).toBe(403);
    expect(JSON.parse(r1.body).error.data.code).toBe('firewall_host_not_allowed');
    const r2 = await post('everything', JSON.stringify(INIT), { authorization: `Bearer ${alice.key}`, origin: 'http://evil.example' });
    expect(r2.status).toBe(403);
  });

  it('answers malformed JSON with -32700, an oversized body with firewall_message_too_large, an unknown server with 404', async () => {
    const bad = await post('everything', '{"jsonrpc":', { authorization: `Bearer ${alice.key}` });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe(-32700);
    const big = await post('everything', JSON.stringify({ ...INIT, pad: 'x'.repeat(70_000) }), { authorization: `Bearer ${alice.key}` });
    expect(big.status).toBe(413);
    expect((await big.json()).error.data.code).toBe('firewall_message_too_large');
    const unknown = await post('nope', JSON.stringify(INIT), { authorization: `Bearer ${alice.key}` });
    expect(unknown.status).toBe(404);
  });

  it('refuses a server the agent has no entry for', async () => {
    const res = await post('fixture', JSON.stringify(INIT), { authorization: `Bearer ${bob.key}` });
    expect(res.status).toBe(403);
    expect((await res.json()).error.data.rules).toEqual(['mcp.server-allowlist']);
  });
});

describe('HTTP gateway upstreams', () => {
  it('hides a poisoned tool served by a spawned stdio fixture', async () => {
    const c = await connect('fixture', alice.key);
    expect((await c.listTools()).tools.map((t) => t.name)).toEqual(['add']);
    const e = await refusal(c.callTool({ name: 'fetch_weather', arguments: { city: 'Oslo' } }));
    expect((e.data as { code: string }).code).toBe('firewall_blocked');
  });

  it('relays to a remote Streamable HTTP server and applies the per-tool rate limit', async () => {
    const c = await connect('remote', alice.key);
    expect((await c.listTools()).tools.map((t) => t.name)).toEqual(['multiply']);
    expect((await c.callTool({ name: 'multiply', arguments: { a: 6, b: 7 } })).content).toEqual([{ type: 'text', text: '42' }]);
    await c.callTool({ name: 'multiply', arguments: { a: 1, b: 1 } });
    const e = await refusal(c.callTool({ name: 'multiply', arguments: { a: 1, b: 2 } }));
    expect(e.code).toBe(-32015);
    expect((e.data as { code: string }).code).toBe('firewall_rate_limited');
  });

  it('relays to a legacy HTTP+SSE server (server-everything sse mode)', async () => {
    const c = await connect('legacy', alice.key);
    expect((await c.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    expect(JSON.stringify((await c.callTool({ name: 'echo', arguments: { message: 'over sse' } })).content)).toContain('over sse');
    await refusal(c.callTool({ name: 'get-env', arguments: {} }));
  });
});
