// The gateway as `serve` has it: the real `buildApp` registers `mcpGateway` itself (shared deps,
// root hooks, root JSON parser and error handler) with no options, so policy,
// engine, authenticator and logger come from the shared deps. Drives the real
// @modelcontextprotocol/server-filesystem through it with the MCP SDK Client over Streamable HTTP,
// checks a path escape is refused, and that both the per-request and the per-call audit events
// are written through the app's logger. Starts the app on 127.0.0.1:0 and one server process.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createEngine } from '../../../detectors/engine/index.js';
import { createLogger } from '../../../src/audit/index.js';
import { generateKey } from '../../../src/auth/index.js';
import { mcpGateway } from '../../../src/mcp/http-gateway.js';
import { parsePolicy, PolicyHolder } from '../../../src/policy/index.js';
import { buildApp } from '../../../src/server/app.js';
import { FS_SERVER, tempDir } from './harness.js';

const tmp = tempDir('fw-mcp-app-');
const data = path.join(tmp.dir, 'data');
const key = generateKey();
const lines: string[] = [];
let app: FastifyInstance;
let client: Client;

beforeAll(async () => {
  mkdirSync(data);
  writeFileSync(path.join(data, 'notes.txt'), 'meeting at noon\n');
  const policy = parsePolicy(`
version: 1
upstreams: { openai: { baseUrl: "http://127.0.0.1:9/v1" } }
detectors: { timeoutMs: 10000 }
agents:
  files:
    keys: ["${key.hash}"]
    models: []
    mcp: { filesystem: { tools: { read_text_file: { args: { path: { prefix: "${data}" } } } } } }
mcpServers:
  filesystem: { command: "${process.execPath}", args: ["${FS_SERVER}", "${data}"] }
mcp: { pinFile: pins.json }
`, path.join(tmp.dir, 'policy.yaml'));
  const logger = createLogger({ stream: new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } }) });
  app = await buildApp({ policy: PolicyHolder.of(policy), logger, engine: createEngine(policy.engineOptions) });
  // buildApp registers the gateway itself; registering it again would clash on the route.
  if (!app.hasRoute({ method: 'POST', url: '/mcp/:server' })) await app.register(mcpGateway);
  await app.listen({ host: '127.0.0.1', port: 0 });
  client = new Client({ name: 'app-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp/filesystem`), {
    requestInit: { headers: { authorization: `Bearer ${key.key}` } },
  }));
});

afterAll(async () => {
  await client?.close().catch(() => {});
  await app?.close();
  tmp.cleanup();
});

describe('mcpGateway inside buildApp', () => {
  it('buildApp alone exposes /mcp/:server for POST, GET and DELETE (what serve listens with)', () => {
    for (const method of ['POST', 'GET', 'DELETE'] as const) expect(app.hasRoute({ method, url: '/mcp/:server' })).toBe(true);
  });

  it('serves an allowed call and refuses a climb out of the prefix', async () => {
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['read_text_file']);
    const r = await client.callTool({ name: 'read_text_file', arguments: { path: path.join(data, 'notes.txt') } });
    expect(JSON.stringify(r.content)).toContain('meeting at noon');
    const e = await client.callTool({ name: 'read_text_file', arguments: { path: `${data}/../../etc/passwd` } }).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(McpError);
    expect(((e as McpError).data as { code: string }).code).toBe('firewall_argument_not_allowed');
  });

  it('writes the per-call MCP audit event and the per-request event (route mcp, agent) through the app logger', async () => {
    await new Promise((r) => setTimeout(r, 200)); // pino writes asynchronously
    const events = lines.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.some((e) => e.event === 'mcp.call.completed' && e.tool === 'read_text_file' && e.agent === 'files')).toBe(true);
    expect(events.some((e) => e.event === 'mcp.call.denied' && e.code === 'firewall_argument_not_allowed')).toBe(true);
    expect(events.some((e) => e.route === 'mcp' && e.agent === 'files' && typeof e.status === 'number')).toBe(true);
    expect(lines.join('')).not.toContain(key.key);
  });
});
