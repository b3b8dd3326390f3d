// Covers: the `llm-firewall` CLI as a user runs it — `keys create` output, `policy check` exit
// codes and pointed messages, and `serve` as a real child process: prints its URL and policy
// revision, answers /healthz, /readyz and /metrics (limiter counters included), mounts the MCP
// gateway (/mcp/<server>), serves the openai SDK, and on SIGTERM lets an
// in-flight streamed request finish and exits 0.
// Starts: the upstream stub, and `node bin/llm-firewall.mjs …` child processes.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/llm-firewall.mjs');
let stub: UpstreamStub;
let dir: string;
let child: ChildProcess | undefined;

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OPENAI_API_KEY: '' } });

beforeAll(async () => {
  stub = await startUpstreamStub();
  dir = mkdtempSync(join(tmpdir(), 'fw-cli-'));
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await stub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('llm-firewall CLI', () => {
  it('keys create prints a 256-bit fwk_ key once and its sha256 policy line', () => {
    const r = cli('keys', 'create', '--agent', 'support-bot');
    expect(r.status).toBe(0);
    const key = /key:\s+(fwk_[A-Za-z0-9_-]{43})\n/.exec(r.stdout)?.[1];
    expect(key).toBeDefined();
    expect(r.stdout).toMatch(/- "sha256:[0-9a-f]{64}"/);
  });

  it('policy check exits 0 for the shipped default and 1 with every pointed message for a bad file', () => {
    const ok = cli('policy', 'check', 'policies/default.yaml');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^ok: policies\/default\.yaml \(revision [0-9a-f]{12}/);
    expect(ok.stdout).toContain('OPENAI_API_KEY is not set');
    const bad = cli('policy', 'check', 'test/fixtures/policies/invalid/several-errors.yaml');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(5);
    expect(bad.stderr).toContain('test/fixtures/policies/invalid/several-errors.yaml: /server/port: must be integer');
    expect(ok.stdout).not.toContain('detectors.pii.entities');
    // A misspelt PII type is valid YAML and schema, but would detect nothing: it gets a warning.
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, `version: 1\nupstreams:\n  openai: { baseUrl: "http://127.0.0.1:9/v1" }\ndetectors:\n  pii: { entities: [EMAIL, EMAILS, CREDIT_CARD] }\nagents:\n  a: { keys: [], models: ["*"] }\n`);
    const warned = cli('policy', 'check', typo);
    expect(warned.status).toBe(0);
    expect(warned.stdout).toContain('warning: detectors.pii.entities: no detector produces EMAILS; known types: EMAIL,');
  });

  it('serve runs, reports URL and revision, serves the SDK and probes, and exits 0 on SIGTERM after finishing an in-flight stream', async () => {
    const keyOut = cli('keys', 'create', '--agent', 'assistant').stdout;
    const key = /key:\s+(\S+)/.exec(keyOut)![1];
    const hash = /"(sha256:[0-9a-f]{64})"/.exec(keyOut)![1];
    const policy = join(dir, 'p.yaml');
    writeFileSync(policy, `version: 1
server: { host: 127.0.0.1, port: 0, shutdownGraceMs: 5000 }
upstreams:
  openai: { baseUrl: https://api.openai.com/v1, apiKeyEnv: FW_CLI_TEST_KEY }
mcpServers:
  files: { command: "${process.execPath}", args: ["-e", "process.exit(0)"] }
agents:
  assistant: { keys: ["${hash}"], models: ["gpt-4o-mini"] }
audit: { destination: stderr, level: info }
`);
    child = spawn(process.execPath, [BIN, 'serve', '--policy', policy, '--upstream-url', stub.url], { cwd: ROOT, env: { ...process.env, FW_CLI_TEST_KEY: 'sk-cli' } });
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += d; });
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 20_000);
      child!.stderr!.on('data', () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+) .* revision ([0-9a-f]{12})/.exec(stderr);
        if (m) { clearTimeout(t); resolve(m[1]); }
      });
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ready', store: 'ok' });
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/llmfw_requests_total\{agent="assistant",route="chat",decision="allow",status="200"\} 1/);
    expect(metrics).toContain('llmfw_upstream_duration_seconds_bucket');
    // The limiter's counters share the app's registry.
    expect(metrics).toContain('llmfw_limits_denied_total');
    expect(metrics).toContain('llmfw_store_errors_total');
    // The MCP gateway is mounted: an unauthenticated initialize gets a JSON-RPC refusal, not a 404.
    const mcp = await fetch(`${url}/mcp/files`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    expect(mcp.status).toBe(401);
    expect(await mcp.json()).toMatchObject({ jsonrpc: '2.0', error: { data: { code: 'firewall_unauthenticated' } } });

    stub.set({ chunks: ['one', ' two', ' three'], chunkDelayMs: 300 });
    const inFlight = (async () => {
      let t = '';
      for await (const c of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })) t += c.choices[0]?.delta?.content ?? '';
      return t;
    })();
    await stub.waitFor((r) => r.json?.stream === true);
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await inFlight).toBe('one two three');
    expect(await exited).toBe(0);
    expect(stderr).toContain('"event":"server.stopped"');
    expect(stderr).not.toContain(key);
  }, 90_000); // a cold `serve` (tsx compile, detector packs, tiktoken) is slow on a busy 2-core box

  it('serve hot-reloads a policy together with its detector engine and says when a start-only setting changed', async () => {
    const keyOut = cli('keys', 'create', '--agent', 'assistant').stdout;
    const key = /key:\s+(\S+)/.exec(keyOut)![1];
    const hash = /"(sha256:[0-9a-f]{64})"/.exec(keyOut)![1];
    const policy = join(dir, 'reload.yaml');
    const text = (extra: string, level: string) => `version: 1
server: { host: 127.0.0.1, port: 0 }
upstreams:
  openai: { baseUrl: https://api.openai.com/v1, apiKeyEnv: FW_CLI_TEST_KEY }
agents:
  assistant: { keys: ["${hash}"], models: ["gpt-4o-mini"] }
audit: { destination: stderr, level: ${level} }
${extra}`;
    writeFileSync(policy, text('', 'info'));
    const proc = spawn(process.execPath, [BIN, 'serve', '--policy', policy, '--upstream-url', stub.url], { cwd: ROOT, env: { ...process.env, FW_CLI_TEST_KEY: 'sk-cli' } });
    let stderr = '';
    proc.stderr!.on('data', (d) => { stderr += d; });
    const waitFor = (re: RegExp, what: string) => new Promise<RegExpExecArray>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${what}: ${stderr.slice(-2000)}`)), 30_000);
      const check = () => { const m = re.exec(stderr); if (m) { clearTimeout(t); proc.stderr!.off('data', check); resolve(m); } };
      proc.stderr!.on('data', check);
      check();
    });
    try {
      const url = (await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+) /, 'serve did not start'))[1];
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
      const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'status of project falcon?' }] });
      await expect(ask()).resolves.toBeDefined();
      // The reload adds a custom rule (compiled into the new engine) and changes a start-only setting.
      writeFileSync(policy, text('detectors:\n  customRules:\n    - { id: custom.project-falcon, pattern: "(?i)project\\\\s+falcon", action: block }\n', 'debug'));
      await waitFor(/"event":"policy.reloaded"/, 'no reload');
      await expect(ask()).rejects.toMatchObject({ status: 403, code: 'firewall_blocked' });
      // Written by the serve command's own logger, which flushes to stderr independently of the
      // policy holder's 'policy.reloaded' line: wait for it rather than expect it already there.
      await waitFor(/"event":"policy\.restart_needed"/, 'no restart_needed warning');
    } finally {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
