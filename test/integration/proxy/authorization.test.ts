// Covers: per-agent model and function-tool allowlists through the firewall with the real
// openai SDK — model denial, a declared tool refused (block) or removed (strip) before the
// upstream sees it, and a disallowed tool call in the upstream's answer blocked (non-streamed:
// 403; streamed: the stream ends with an error event the SDK raises).
// Starts: the upstream stub and the firewall on 127.0.0.1:0.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('blocker', 'stripper');
let stub: UpstreamStub;
let fw: TestFirewall;
let blocker: OpenAI;
let stripper: OpenAI;
const fn = (name: string) => ({ type: 'function' as const, function: { name, parameters: { type: 'object', properties: {} } } });
const msgs = [{ role: 'user' as const, content: 'hi' }];

beforeAll(async () => {
  stub = await startUpstreamStub();
  fw = await startFirewall({
    env: { FW_TEST_UPSTREAM_KEY: 'sk-up' },
    policy: policyYaml(stub.url, `  blocker:
    keys: ["${keys.blocker.hash}"]
    models: ["gpt-4o-mini", "gpt-4.1-*"]
    tools: ["get_weather", "search_*"]
  stripper:
    keys: ["${keys.stripper.hash}"]
    models: ["gpt-4o-mini"]
    tools: ["get_weather"]
    onDisallowedTool: strip`),
  });
  blocker = new OpenAI({ baseURL: fw.baseURL, apiKey: keys.blocker.key, maxRetries: 0 });
  stripper = new OpenAI({ baseURL: fw.baseURL, apiKey: keys.stripper.key, maxRetries: 0 });
});
afterAll(async () => { await fw?.close(); await stub?.close(); });
beforeEach(() => stub.reset());

describe('model allowlist', () => {
  it('a model matching a glob is allowed', async () => {
    await expect(blocker.chat.completions.create({ model: 'gpt-4.1-mini', messages: msgs })).resolves.toBeDefined();
  });

  it('a model outside the allowlist gets 403 firewall_model_not_allowed and never reaches the upstream', async () => {
    const err = await blocker.chat.completions.create({ model: 'gpt-4o', messages: msgs }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.code).toBe('firewall_model_not_allowed');
    expect(stub.requests).toHaveLength(0);
    await until(() => fw.audits().some((a) => a.code === 'firewall_model_not_allowed'));
    expect(fw.audits().find((a) => a.code === 'firewall_model_not_allowed')).toMatchObject({ event: 'request.denied', decision: 'deny', rules: ['policy.model-allowlist'], status: 403 });
  });

  it('the model allowlist applies to every route', async () => {
    await expect(blocker.embeddings.create({ model: 'text-embedding-3-large', input: 'x' })).rejects.toMatchObject({ status: 403 });
    await expect(blocker.responses.create({ model: 'o3', input: 'x' })).rejects.toMatchObject({ status: 403 });
    await expect(blocker.completions.create({ model: 'davinci', prompt: 'x' })).rejects.toMatchObject({ status: 403 });
  });
});

describe('function-tool allowlist on requests', () => {
  it('allowed tools pass through', async () => {
    await blocker.chat.completions.create({ model: 'gpt-4o-mini', messages: msgs, tools: [fn('get_weather'), fn('search_web')] });
    expect(stub.requests[0].json.tools).toHaveLength(2);
  });

  it('a declared tool outside the allowlist is refused with 403 firewall_tool_not_allowed (block)', async () => {
    const err = await blocker.chat.completions.create({ model: 'gpt-4o-mini', messages: msgs, tools: [fn('get_weather'), fn('rm_rf')] }).catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.code).toBe('firewall_tool_not_allowed');
    expect(err.message).toContain('rm_rf');
    expect(stub.requests).toHaveLength(0);
  });

  it('legacy `functions` and responses-API function tools are checked too', async () => {
    const e1 = await fetch(`${fw.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.blocker.key}` }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: msgs, functions: [{ name: 'shell' }] }) });
    expect(e1.status).toBe(403);
    await expect(blocker.responses.create({ model: 'gpt-4o-mini', input: 'x', tools: [{ type: 'function', name: 'shell', parameters: {}, strict: false }] })).rejects.toMatchObject({ status: 403 });
  });

  it('with onDisallowedTool: strip the disallowed tool (and a tool_choice naming it) is removed before forwarding', async () => {
    await stripper.chat.completions.create({ model: 'gpt-4o-mini', messages: msgs, tools: [fn('get_weather'), fn('rm_rf')], tool_choice: { type: 'function', function: { name: 'rm_rf' } } });
    const sent = stub.requests[0].json;
    expect(sent.tools.map((t: any) => t.function.name)).toEqual(['get_weather']);
    expect(sent.tool_choice).toBeUndefined();
  });

  it('stripping every tool removes the tools field entirely', async () => {
    await stripper.chat.completions.create({ model: 'gpt-4o-mini', messages: msgs, tools: [fn('rm_rf')], tool_choice: 'auto' });
    expect(stub.requests[0].json).not.toHaveProperty('tools');
    expect(stub.requests[0].json).not.toHaveProperty('tool_choice');
  });
});

describe('function-tool allowlist on responses', () => {
  it('an allowed tool call in the answer reaches the client', async () => {
    stub.set({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] });
    const r = await blocker.chat.completions.create({ model: 'gpt-4o-mini', messages: msgs, tools: [fn('get_weather')] });
    expect(r.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
  });

  it('a disallowed tool call in a non-streamed answer is blocked with 403', async () => {
    stub.set({ toolCalls: [{ name: 'transfer_money', arguments: '{}' }] });
    await expect(blocker.chat.completions.create({ model: 'gpt-4o-mini', messages: msgs })).rejects.toMatchObject({ status: 403, code: 'firewall_tool_not_allowed' });
    await expect(blocker.responses.create({ model: 'gpt-4o-mini', input: 'x' })).rejects.toMatchObject({ status: 403, code: 'firewall_tool_not_allowed' });
  });

  it('a disallowed tool call in a streamed chat answer ends the stream with an error the SDK raises', async () => {
    stub.set({ toolCalls: [{ name: 'transfer_money', arguments: '{}' }] });
    const s = await blocker.chat.completions.create({ model: 'gpt-4o-mini', messages: msgs, stream: true });
    const seen: string[] = [];
    const err = await (async () => { for await (const c of s) seen.push(JSON.stringify(c)); })().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(String(err.message)).toContain('transfer_money');
    expect(seen.join('')).not.toContain('transfer_money');
  });

  it('a disallowed tool call in a streamed responses answer ends the stream with an error event', async () => {
    stub.set({ toolCalls: [{ name: 'transfer_money', arguments: '{}' }] });
    const s = await blocker.responses.create({ model: 'gpt-4o-mini', input: 'x', stream: true });
    const err = await (async () => { for await (const _e of s) { /* drain */ } })().catch((e) => e);
    expect(err).toBeDefined();
    expect(String(err.message)).toContain('transfer_money');
  });
});
