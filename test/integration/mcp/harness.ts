/**
 * Test harness for the MCP gateway: writes a policy to a temp dir, starts `llm-firewall mcp wrap`
 * (the real CLI, via bin/llm-firewall.mjs) around a server command, and connects the MCP SDK
 * `Client` to it over stdio. Collects the wrapper's stderr (audit events, messages).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = path.join(ROOT, 'bin/llm-firewall.mjs');
export const FS_SERVER = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
export const EVERYTHING_SERVER = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const FIXTURE_SERVER = path.join(ROOT, 'test/fixtures/mcp/fixture-server.ts');
/** argv to run the fixture server in a mode (tsx loader, no build step). */
export const fixtureCommand = (mode: string): string[] => [process.execPath, '--import', 'tsx', FIXTURE_SERVER, mode];

/** A temp dir removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Write a policy YAML file and return its path. */
export function writePolicy(dir: string, yaml: string, name = 'policy.yaml'): string {
  const p = path.join(dir, name);
  writeFileSync(p, yaml);
  return p;
}

/** A connected client through the wrapper. */
export interface Wrapped {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  close: () => Promise<void>;
}

/** Start `mcp wrap` around `serverArgv` and connect an SDK Client. */
export async function connectWrap(o: {
  policy: string; agent: string; server: string; serverArgv: string[]; capabilities?: Record<string, unknown>;
}): Promise<Wrapped> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', 'wrap', '--agent', o.agent, '--server', o.server, '--policy', o.policy, '--', ...o.serverArgv],
    cwd: ROOT,
    stderr: 'pipe',
    env: { ...process.env } as Record<string, string>,
  });
  let err = '';
  transport.stderr?.on('data', (c: Buffer) => { err += c.toString('utf8'); });
  const client = new Client({ name: 'firewall-test', version: '1.0.0' }, { capabilities: (o.capabilities ?? {}) as never });
  await client.connect(transport);
  return { client, transport, stderr: () => err, close: async () => { await client.close(); } };
}

/** Parse the JSON audit lines out of the wrapper's stderr. */
export function auditEvents(stderr: string): Array<Record<string, unknown>> {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => { try { return JSON.parse(l); } catch { return {}; } });
}

/** Wait until an audit event matching `pred` shows up on stderr (pipes are not ordered with stdout). */
export async function waitForAudit(stderr: () => string, pred: (e: Record<string, unknown>) => boolean, ms = 3000): Promise<Record<string, unknown>> {
  const until = Date.now() + ms;
  for (;;) {
    const hit = auditEvents(stderr()).find(pred);
    if (hit) return hit;
    if (Date.now() > until) throw new Error(`no matching audit event in:\n${stderr().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
