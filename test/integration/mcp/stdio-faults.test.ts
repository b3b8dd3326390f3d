// Faults through the stdio wrap, driven with raw JSON-RPC lines so malformed input can be sent:
// malformed JSON, non-JSON-RPC, oversized lines, unknown methods, a server that hangs, writes
// garbage, sends an oversized answer, or crashes (every pending call answered, then exit 1 with
// a message), a server command that does not exist, and an agent missing from the policy.
// Starts the wrapper around test/fixtures/mcp/fixture-server.ts (mode `faults`).
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureCommand, INIT_LINE, spawnWrapRaw, tempDir, writePolicy, type RawWrap } from './harness.js';

const tmp = tempDir('fw-mcp-faults-');
const pol = writePolicy(tmp.dir, `
version: 1
upstreams: { openai: { baseUrl: "http://127.0.0.1:9/v1" } }
agents:
  bot: { keys: [], models: [], mcp: { fixture: {} } }
mcp: { pinFile: pins.json, callTimeoutMs: 1500, maxMessageBytes: 1048576 }
audit: { destination: stderr }
`);
const live: RawWrap[] = [];
afterAll(() => { for (const w of live) w.kill(); tmp.cleanup(); });

const call = (id: number, name: string) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

describe('stdio wrap faults', () => {
  it('answers bad input precisely, survives a hang, garbage and an oversize answer, and exits 1 when the server crashes', async () => {
    const w = await spawnWrapRaw({ policy: pol, agent: 'bot', server: 'fixture', serverArgv: fixtureCommand('faults') });
    live.push(w);
    w.send(INIT_LINE);
    expect((await w.next()).result.serverInfo.name).toBe('fixture-faults');
    w.send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));

    w.send('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(await w.next()).toMatchObject({ id: null, error: { code: -32700, data: { code: 'firewall_invalid_json' } } });
    w.send('{"hello":"world"}');
    expect(await w.next()).toMatchObject({ id: null, error: { code: -32600, data: { code: 'firewall_invalid_request' } } });
    w.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'ok', arguments: { pad: 'x'.repeat(1_200_000) } } }));
    expect(await w.next()).toMatchObject({ id: null, error: { code: -32022, data: { code: 'firewall_message_too_large' } } });
    w.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'debug/dumpEverything' }));
    expect(await w.next()).toMatchObject({ id: 3, error: { code: -32601, data: { code: 'firewall_method_not_allowed' } } });

    const t0 = Date.now();
    w.send(call(4, 'hang'));
    expect(await w.next()).toMatchObject({ id: 4, error: { code: -32021, data: { code: 'firewall_mcp_timeout' } } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);

    w.send(call(5, 'garbage'));
    expect(await w.next()).toMatchObject({ id: 5, error: { code: -32023, data: { code: 'firewall_upstream_bad_response' } } });
    w.send(call(6, 'huge'));
    expect(await w.next()).toMatchObject({ id: 6, error: { code: -32022, data: { code: 'firewall_message_too_large' } } });
    w.send(call(7, 'ok'));
    expect(await w.next()).toMatchObject({ id: 7, result: { content: [{ type: 'text', text: 'ok' }] } });

    w.send(call(8, 'crash'));
    expect(await w.next()).toMatchObject({ id: 8, error: { code: -32020, data: { code: 'firewall_mcp_server_unavailable' } } });
    const end = await w.exited;
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('the MCP server fixture exited with code 3; exiting');
  }, 120_000); // two process startups and a deliberate timeout, on a shared 2-core machine

  it('answers pending requests and exits 1 with a message when the server command does not exist', async () => {
    const w = await spawnWrapRaw({ policy: pol, agent: 'bot', server: 'fixture', serverArgv: ['/nonexistent/mcp-server-binary'] });
    live.push(w);
    w.send(INIT_LINE);
    const m = await Promise.race([w.next().catch(() => undefined), w.exited.then(() => undefined)]);
    // The spawn may fail before or after initialize arrives; either way no silent hang.
    if (m) expect(m).toMatchObject({ id: 0, error: { data: { code: 'firewall_mcp_server_unavailable' } } });
    const end = await w.exited;
    expect(end.code).toBe(1);
    expect(end.stderr).toContain('could not start "/nonexistent/mcp-server-binary": ENOENT');
  });

  it('refuses to start for an agent that is not in the policy (exit 2, message on stderr)', async () => {
    const w = await spawnWrapRaw({ policy: pol, agent: 'nobody', server: 'fixture', serverArgv: fixtureCommand('faults') });
    live.push(w);
    const end = await w.exited;
    expect(end.code).toBe(2);
    expect(end.stderr).toContain('agent "nobody" is not in the policy');
  });
});
