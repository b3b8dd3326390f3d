// The stdio wrap around the real @modelcontextprotocol/server-everything (from npm), driven by
// the MCP SDK Client: an allowed tool works end to end, a forbidden one (get-env, which would dump
// the server's environment) is invisible and refused, a numeric range constraint holds, and
// resources and prompts are filtered by their allowlists. Starts one wrapper (and the server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { connectWrap, EVERYTHING_SERVER, tempDir, writePolicy, type Wrapped } from './harness.js';

const tmp = tempDir('fw-mcp-every-');
let w: Wrapped;

beforeAll(async () => {
  const policy = writePolicy(tmp.dir, `
version: 1
upstreams: { openai: { baseUrl: "http://127.0.0.1:9/v1" } }
# A generous scan budget keeps a loaded CI machine from turning into fail-closed detector errors.
detectors: { timeoutMs: 10000 }
agents:
  demo:
    keys: []
    models: []
    # server-everything's docs trip the injection classifier; flag them instead of blocking.
    actions: { response: { promptInjection: flag } }
    mcp:
      everything:
        tools:
          echo: { args: { message: { maxLength: 200 } } }
          get-sum: { args: { a: { minimum: -1000, maximum: 1000 }, b: { minimum: -1000, maximum: 1000 } } }
        resources: ["demo://resource/static/document/how-it-works.md"]
        prompts: ["simple-prompt"]
mcp: { pinFile: pins.json }
audit: { destination: stderr }
`);
  w = await connectWrap({ policy, agent: 'demo', server: 'everything', serverArgv: [process.execPath, EVERYTHING_SERVER, 'stdio'] });
});
afterAll(async () => { await w?.close(); tmp.cleanup(); });

async function refusal(p: Promise<unknown>): Promise<McpError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(McpError);
  return e as McpError;
}

describe('mcp wrap around server-everything', () => {
  it('shows only echo and get-sum and runs them end to end', async () => {
    expect((await w.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['echo', 'get-sum']);
    expect(JSON.stringify((await w.client.callTool({ name: 'echo', arguments: { message: 'hi there' } })).content)).toContain('hi there');
    expect(JSON.stringify((await w.client.callTool({ name: 'get-sum', arguments: { a: 40, b: 2 } })).content)).toContain('42');
  });

  it('refuses get-env and arguments outside their limits', async () => {
    expect((await refusal(w.client.callTool({ name: 'get-env', arguments: {} }))).code).toBe(-32010);
    expect((await refusal(w.client.callTool({ name: 'get-sum', arguments: { a: 1e9, b: 1 } }))).code).toBe(-32011);
    expect((await refusal(w.client.callTool({ name: 'echo', arguments: { message: 'x'.repeat(201) } }))).code).toBe(-32011);
  });

  it('filters resources and prompts, and refuses those outside the allowlists', async () => {
    expect((await w.client.listResources()).resources.map((r) => r.uri)).toEqual(['demo://resource/static/document/how-it-works.md']);
    // Templates are filtered too: server-everything registers demo://resource/dynamic/{text,blob}/{index}
    // templates, which no expansion could turn into the one allowed URI, so none is listed.
    expect((await w.client.listResourceTemplates()).resourceTemplates).toEqual([]);
    const read = await w.client.readResource({ uri: 'demo://resource/static/document/how-it-works.md' });
    expect(read.contents).toHaveLength(1);
    expect((await refusal(w.client.readResource({ uri: 'demo://resource/static/document/architecture.md' }))).code).toBe(-32012);
    expect((await w.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['simple-prompt']);
    expect((await w.client.getPrompt({ name: 'simple-prompt' })).messages.length).toBeGreaterThan(0);
    expect((await refusal(w.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Oslo' } }))).code).toBe(-32012);
  });
});
