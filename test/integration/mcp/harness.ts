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

/** The wrapper driven with raw lines (for malformed input and exit codes). */
export interface RawWrap {
  send(line: string): void;
  /** Next JSON message on stdout (rejects after `ms`). */
  next(ms?: number): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  exited: Promise<{ code: number | null; stderr: string }>;
  kill(): void;
}

/** Spawn `mcp wrap` with pipes, no SDK client. */
export async function spawnWrapRaw(o: { policy: string; agent: string; server: string; serverArgv: string[] }): Promise<RawWrap> {
  const { spawn } = await import('node:child_process');
  const p = spawn(process.execPath, [BIN, 'mcp', 'wrap', '--agent', o.agent, '--server', o.server, '--policy', o.policy, '--', ...o.serverArgv], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const queue: Array<Record<string, unknown>> = [];
  const waiters: Array<(m: Record<string, unknown>) => void> = [];
  p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  p.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl); out = out.slice(nl + 1);
      const m = JSON.parse(line) as Record<string, unknown>; // stdout must carry protocol only
      const w = waiters.shift();
      if (w) w(m); else queue.push(m);
    }
  });
  const exited = new Promise<{ code: number | null; stderr: string }>((r) => p.on('exit', (code) => r({ code, stderr: err })));
  return {
    send: (line) => { p.stdin.write(`${line}\n`); },
    next: (ms = 45_000) => new Promise((resolve, reject) => {
      const q = queue.shift();
      if (q) { resolve(q); return; }
      const t = setTimeout(() => reject(new Error(`no message within ${ms} ms; stderr:\n${err.slice(-1500)}`)), ms);
      waiters.push((m) => { clearTimeout(t); resolve(m); });
    }),
    exited,
    kill: () => { p.kill('SIGKILL'); },
  };
}

/** The initialize request line a client sends first. */
export const INIT_LINE = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
