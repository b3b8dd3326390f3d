// The stdio wrap around test servers written with the MCP SDK (test/fixtures/mcp): a poisoned
// tool description is hidden (or flagged), a rug pull between two tools/list calls is blocked
// until `llm-firewall mcp pins approve`, secrets in arguments are blocked, injections in results
// are blocked, secrets/PII in results are redacted, and a server's sampling request carrying an
// injection never reaches the client. Starts one wrapper (and fixture server) per scenario.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateMessageRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { BIN, connectWrap, fixtureCommand, ROOT, tempDir, waitForAudit, writePolicy, type Wrapped } from './harness.js';

const run = promisify(execFile);
const tmp = tempDir('fw-mcp-fix-');
const open: Wrapped[] = [];
afterAll(async () => { await Promise.all(open.map((w) => w.close())); tmp.cleanup(); });

function policy(name: string, extra = ''): string {
  return writePolicy(tmp.dir, `
version: 1
upstreams: { openai: { baseUrl: "http://127.0.0.1:9/v1" } }
# The injection classifier gives clean JSON-ish text ~0.67 today; the attacks here score > 0.99.
# A generous scan budget keeps a loaded CI machine from turning into fail-closed detector errors.
detectors: { promptInjection: { threshold: 0.95 }, timeoutMs: 10000 }
agents:
  bot:
    keys: []
    models: []
    mcp:
      fixture: {}
mcp: { pinFile: ${name}-pins.json, callTimeoutMs: 10000${extra} }
audit: { destination: stderr }
`, `${name}.yaml`);
}

async function wrap(name: string, mode: string, extra = '', capabilities?: Record<string, unknown>): Promise<Wrapped> {
  const w = await connectWrap({ policy: policy(name, extra), agent: 'bot', server: 'fixture', serverArgv: fixtureCommand(mode), capabilities });
  open.push(w);
  return w;
}

async function refusal(p: Promise<unknown>): Promise<McpError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(McpError);
  return e as McpError;
}

describe('tool poisoning', () => {
  it('hides a tool whose description carries hidden instructions and refuses calls to it', async () => {
    const w = await wrap('poison-hide', 'poisoned');
    const { tools } = await w.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['add']);
    const e = await refusal(w.client.callTool({ name: 'fetch_weather', arguments: { city: 'Paris' } }));
    expect((e.data as { code: string }).code).toBe('firewall_blocked');
    expect((e.data as { rules: string[] }).rules.some((r) => r.startsWith('tool-poisoning.'))).toBe(true);
    const hidden = await waitForAudit(w.stderr, (x) => x.event === 'mcp.tool.hidden' && x.tool === 'fetch_weather');
    expect(hidden.decision).toBe('block');
  });

  it('shows but flags the poisoned tool when mcp.onPoisonedTool is flag', async () => {
    const w = await wrap('poison-flag', 'poisoned', ', onPoisonedTool: flag');
    const { tools } = await w.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['add', 'fetch_weather']);
    const flagged = await waitForAudit(w.stderr, (x) => x.event === 'mcp.tool.hidden' && x.tool === 'fetch_weather');
    expect(flagged.decision).toBe('flag');
  });
});

describe('rug-pull pins', () => {
  it('blocks a definition that changed between two tools/list calls until an operator approves it', async () => {
    const w = await wrap('rug', 'rugpull');
    const first = await w.client.listTools();
    expect(first.tools.map((t) => t.name)).toEqual(['add']);
    expect((await w.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).content).toEqual([{ type: 'text', text: '3' }]);
    // The server announces list_changed, then serves a different description.
    await waitForAudit(w.stderr, (x) => x.event === 'mcp.tool.changed' && x.tool === 'add');
    const second = await w.client.listTools();
    expect(second.tools).toEqual([]);
    const e = await refusal(w.client.callTool({ name: 'add', arguments: { a: 1, b: 2 } }));
    expect(e.code).toBe(-32014);
    expect((e.data as { code: string }).code).toBe('firewall_tool_changed');

    const pol = `${tmp.dir}/rug.yaml`;
    const listed = await run(process.execPath, [BIN, 'mcp', 'pins', 'list', '--policy', pol], { cwd: ROOT });
    expect(listed.stdout).toMatch(/pending \(1\):\n {2}fixture {2}add/);
    const approved = await run(process.execPath, [BIN, 'mcp', 'pins', 'approve', '--server', 'fixture', '--tool', 'add', '--policy', pol], { cwd: ROOT });
    expect(approved.stdout).toContain('approved 1 definition');
    // The running wrapper re-reads the pin file: the approved definition is usable again.
    const after = await w.client.callTool({ name: 'add', arguments: { a: 2, b: 2 } }).catch((e: Error) => {
      throw new Error(`${e.message}\npins: ${readFileSync(`${tmp.dir}/rug-pins.json`, 'utf8')}\nstderr: ${w.stderr().slice(-3000)}`);
    });
    expect(after.content).toEqual([{ type: 'text', text: '4' }]);
  });
});

describe('content checks on arguments and results', () => {
  it('blocks a call whose arguments carry a secret, naming the rule but not the secret', async () => {
    const w = await wrap('content', 'content');
    const token = `ghp_${'Zq8Xw2Lm4Np6Rt0Vb3Yc5Hd7Jf9Kg1Ms2Qa4'}`;
    const e = await refusal(w.client.callTool({ name: 'echo', arguments: { text: `use ${token}` } }));
    expect((e.data as { code: string }).code).toBe('firewall_blocked');
    expect((e.data as { rules: string[] }).rules).toContain('secrets.github-pat');
    expect(JSON.stringify({ m: e.message, d: e.data })).not.toContain(token);
    expect(w.stderr()).not.toContain(token);
  });

  it('blocks a tool result that carries an indirect prompt injection', async () => {
    const w = open.at(-1)!;
    const e = await refusal(w.client.callTool({ name: 'fetch_page', arguments: { text: 'docs' } }));
    expect((e.data as { code: string }).code).toBe('firewall_blocked');
    expect((e.data as { rules: string[] }).rules.some((r) => r.startsWith('prompt-injection.'))).toBe(true);
  });

  it('redacts a secret and an email in a tool result and passes clean results unchanged', async () => {
    const w = open.at(-1)!;
    const r = await w.client.callTool({ name: 'leak', arguments: {} });
    const text = (r.content as Array<{ text: string }>)[0]!.text;
    expect(text).not.toContain('AKIAQ7ZX3WMB5KJ2TD4L');
    expect(text).not.toContain('jane.doe@example.com');
    expect(text).toContain('Config dump:');
    const clean = await w.client.callTool({ name: 'echo', arguments: { text: 'plain words' } });
    expect((clean.content as Array<{ text: string }>)[0]!.text).toBe('{"text":"plain words"}');
  });

  it('answers a server sampling request that carries an injection itself, never asking the client', async () => {
    const w = await wrap('sampling', 'content', '', { sampling: {} });
    let asked = 0;
    w.client.setRequestHandler(CreateMessageRequestSchema, async () => {
      asked++;
      return { role: 'assistant', model: 'test', content: { type: 'text', text: 'ok' } };
    });
    const r = await w.client.callTool({ name: 'ask_model', arguments: {} }).then((x) => x, (x: unknown) => x);
    expect(asked).toBe(0);
    // The fixture's tool fails because its sampling request was refused.
    expect(r instanceof McpError || (r as { isError?: boolean }).isError === true).toBe(true);
    await waitForAudit(w.stderr, (x) => x.event === 'mcp.server_request.denied' && x.method === 'sampling/createMessage');
  });
});
