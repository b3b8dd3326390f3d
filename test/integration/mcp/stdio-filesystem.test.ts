// The stdio wrap around the real @modelcontextprotocol/server-filesystem (from npm), driven by
// the MCP SDK Client: allowed calls work end to end, forbidden tools are invisible and refused
// without reaching the server, and path escapes (.., encoded, backslash, tilde, symlink) are
// refused. Starts one `llm-firewall mcp wrap` process (which spawns the server) for the file.
import { mkdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { auditEvents, connectWrap, waitForAudit, FS_SERVER, tempDir, writePolicy, type Wrapped } from './harness.js';

const tmp = tempDir('fw-mcp-fs-');
const data = path.join(tmp.dir, 'data');
const outside = path.join(tmp.dir, 'outside');
let w: Wrapped;

beforeAll(async () => {
  mkdirSync(data); mkdirSync(outside);
  writeFileSync(path.join(data, 'hello.txt'), 'hello from the data dir\n');
  writeFileSync(path.join(outside, 'secret.txt'), 'outside the prefix\n');
  symlinkSync(outside, path.join(data, 'escape'));
  const policy = writePolicy(tmp.dir, `
version: 1
upstreams: { openai: { baseUrl: "http://127.0.0.1:9/v1" } }
detectors: { timeoutMs: 10000 }
agents:
  files-agent:
    keys: []
    models: []
    mcp:
      filesystem:
        tools:
          read_text_file: { args: { path: { prefix: "${data}" } }, denyUnknownArgs: false }
          list_directory: { args: { path: { prefix: "${data}" } } }
          "list_allowed_*": {}
mcp: { pinFile: pins.json, callTimeoutMs: 10000 }
audit: { destination: stderr }
`);
  w = await connectWrap({ policy, agent: 'files-agent', server: 'filesystem', serverArgv: [process.execPath, FS_SERVER, data] });
});
afterAll(async () => { await w?.close(); tmp.cleanup(); });

async function refusal(p: Promise<unknown>): Promise<McpError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(McpError);
  return e as McpError;
}

describe('mcp wrap around server-filesystem', () => {
  it('lists only the allowed tools (exact names and globs)', async () => {
    const { tools } = await w.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['list_allowed_directories', 'list_directory', 'read_text_file']);
  });

  it('reads an allowed file end to end', async () => {
    const r = await w.client.callTool({ name: 'read_text_file', arguments: { path: path.join(data, 'hello.txt') } });
    expect(JSON.stringify(r.content)).toContain('hello from the data dir');
  });

  it('refuses a forbidden tool with firewall_tool_not_allowed and never creates the file', async () => {
    const target = path.join(data, 'created.txt');
    const e = await refusal(w.client.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } }));
    expect(e.code).toBe(-32010);
    expect((e.data as { code: string }).code).toBe('firewall_tool_not_allowed');
    expect(existsSync(target)).toBe(false);
  });

  it.each([
    ['a .. climb', () => `${data}/../outside/secret.txt`],
    ['a percent-encoded climb', () => `${data}/%2e%2e/outside/secret.txt`],
    ['a backslash climb', () => `${data}\\..\\outside\\secret.txt`],
    ['a home-directory path', () => '~/.ssh/id_rsa'],
    ['a sibling directory sharing the prefix text', () => `${data}-other/x.txt`],
    ['a symlink that leads outside', () => path.join(data, 'escape', 'secret.txt')],
  ])('refuses %s with firewall_argument_not_allowed', async (_name, p) => {
    const e = await refusal(w.client.callTool({ name: 'read_text_file', arguments: { path: p() } }));
    expect(e.code).toBe(-32011);
    const data_ = e.data as { code: string; rules: string[]; requestId: string };
    expect(data_.code).toBe('firewall_argument_not_allowed');
    expect(data_.rules).toEqual(['mcp.argument-constraint']);
    expect(data_.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes an audit event for refused and completed calls, without arguments', async () => {
    await w.client.callTool({ name: 'list_directory', arguments: { path: data } });
    const done = await waitForAudit(w.stderr, (e) => e.event === 'mcp.call.completed' && e.tool === 'list_directory');
    expect(done).toMatchObject({ agent: 'files-agent', server: 'filesystem', decision: 'allow' });
    expect(typeof done.latencyMs).toBe('number');
    expect(auditEvents(w.stderr()).some((e) => e.event === 'mcp.call.denied' && e.tool === 'write_file' && e.code === 'firewall_tool_not_allowed')).toBe(true);
    expect(w.stderr()).not.toContain('hello from the data dir');
  });
});
