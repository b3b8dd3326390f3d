// Covers the Messages authorize stage (src/llm/anthropic/preflight.ts: model and tool allowlists,
// block vs strip), the choice of the Anthropic upstream and the headers sent to it
// (src/llm/anthropic/upstream.ts), the canary placement (inspect.ts) and the prompt-token estimate
// (tokens.ts). Uses a compiled policy from YAML; starts nothing.
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../src/policy/index.js';
import { authorizeMessages, checkCalledTool } from '../../../src/llm/anthropic/preflight.js';
import { anthropicUpstreamFor, anthropicUpstreamHeaders } from '../../../src/llm/anthropic/upstream.js';
import { plantCanary } from '../../../src/llm/anthropic/inspect.js';
import { estimateMessagesTokens, IMAGE_TOKENS } from '../../../src/llm/anthropic/tokens.js';
import type { MessagesRequest } from '../../../src/llm/anthropic/validate.js';

const policy = parsePolicy(`version: 1
upstreams:
  openai: { baseUrl: "http://127.0.0.1:1/v1", apiKeyEnv: OA_KEY }
  claude: { baseUrl: "http://127.0.0.1:2/v1", kind: anthropic, apiKeyEnv: AN_KEY, headers: { X-Org: acme } }
agents:
  strict: { keys: [], upstream: openai, models: ["claude-haiku-*"], tools: ["get_*"] }
  lenient: { keys: [], upstream: claude, models: ["claude-*"], tools: ["get_*"], onDisallowedTool: strip }
  anytool: { keys: [], upstream: claude, models: ["claude-*"] }
`, 'inline.yaml', { env: { OA_KEY: 'sk-oa', AN_KEY: 'sk-ant' } });
const agent = (n: string) => policy.agents.get(n)!;
const req = (extra: Partial<MessagesRequest> = {}): MessagesRequest => ({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...extra });
const tool = (name: string) => ({ name, input_schema: { type: 'object' } });

describe('authorizeMessages', () => {
  it('refuses a model outside the allowlist with the model rule id', () => {
    const r = authorizeMessages(agent('strict'), req({ model: 'claude-opus-4-1' }));
    expect(r).toMatchObject({ ok: false, denial: { error: { code: 'firewall_model_not_allowed' }, rules: ['policy.model-allowlist'] } });
  });

  it('blocks a declared tool outside the allowlist, and a tool_choice forcing one', () => {
    expect(authorizeMessages(agent('strict'), req({ tools: [tool('get_time'), tool('rm')] }))).toMatchObject({ ok: false, denial: { error: { code: 'firewall_tool_not_allowed' } } });
    expect(authorizeMessages(agent('strict'), req({ tools: [tool('get_time')], tool_choice: { type: 'tool', name: 'rm' } }))).toMatchObject({ ok: false });
  });

  it('strips disallowed tools in place, drops a tool_choice naming one, and removes an emptied tools array', () => {
    const body = req({ tools: [tool('get_time'), tool('rm')], tool_choice: { type: 'tool', name: 'rm' } });
    expect(authorizeMessages(agent('lenient'), body)).toEqual({ ok: true, stripped: ['rm'] });
    expect(body.tools!.map((t) => t.name)).toEqual(['get_time']);
    expect(body.tool_choice).toBeUndefined();
    const only = req({ tools: [tool('rm')], tool_choice: { type: 'any' } });
    authorizeMessages(agent('lenient'), only);
    expect(only.tools).toBeUndefined();
    expect(only.tool_choice).toBeUndefined();
  });

  it('refuses the MCP connector (mcp_servers) for an agent with a tool allowlist, whose remote tools cannot be checked up front', () => {
    const r = authorizeMessages(agent('strict'), req({ mcp_servers: [{ type: 'url', url: 'https://mcp.example/sse', name: 'x' }] }));
    expect(r).toMatchObject({ ok: false, denial: { error: { code: 'firewall_tool_not_allowed' } } });
    expect(authorizeMessages(agent('anytool'), req({ mcp_servers: [{ type: 'url', url: 'https://mcp.example/sse', name: 'x' }] })).ok).toBe(true);
  });

  it('lets any tool through for an agent without a tools list, and checks called tools the same way', () => {
    expect(authorizeMessages(agent('anytool'), req({ tools: [tool('anything')] }))).toEqual({ ok: true, stripped: [] });
    expect(checkCalledTool(agent('anytool'), 'anything')).toBeUndefined();
    expect(checkCalledTool(agent('strict'), 'rm')?.error.code).toBe('firewall_tool_not_allowed');
  });
});

describe('anthropic upstream', () => {
  it('uses the agent upstream when it is anthropic-kind, else the first anthropic-kind upstream', () => {
    expect(anthropicUpstreamFor(policy, 'claude')?.name).toBe('claude');
    expect(anthropicUpstreamFor(policy, 'openai')?.name).toBe('claude');
  });

  it('sends the upstream key as x-api-key, a default version, client anthropic-* headers, never client credentials', () => {
    const up = anthropicUpstreamFor(policy, 'claude')!;
    const h = anthropicUpstreamHeaders(up, 'req_1', { authorization: 'Bearer fwk_agent', 'x-api-key': 'fwk_agent', 'anthropic-beta': 'b1', cookie: 'c' }, true);
    expect(h).toMatchObject({ 'x-api-key': 'sk-ant', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'b1', 'x-org': 'acme', 'x-request-id': 'req_1', 'content-type': 'application/json' });
    expect(h.authorization).toBeUndefined();
    expect(h.cookie).toBeUndefined();
    expect(anthropicUpstreamHeaders(up, 'r', { 'anthropic-version': '2024-01-01' }, false)['anthropic-version']).toBe('2024-01-01');
  });
});

describe('plantCanary and estimateMessagesTokens', () => {
  it('appends the canary after existing system blocks so cached prefixes stay intact', () => {
    const body = req({ system: [{ type: 'text', text: 'a', cache_control: { type: 'ephemeral' } }] });
    const c = plantCanary(body);
    expect(body.system).toHaveLength(2);
    expect((body.system as Array<{ text: string }>)[0]).toEqual({ type: 'text', text: 'a', cache_control: { type: 'ephemeral' } });
    expect((body.system as Array<{ text: string }>)[1]!.text).toContain(c);
  });

  it('estimates more tokens for more text and adds the documented image cost', () => {
    const small = estimateMessagesTokens(req());
    const big = estimateMessagesTokens(req({ messages: [{ role: 'user', content: 'word '.repeat(500) }] }));
    expect(big).toBeGreaterThan(small + 400);
    const img = estimateMessagesTokens(req({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }] }));
    expect(img).toBeGreaterThanOrEqual(IMAGE_TOKENS);
  });
});
