// Covers: the LLM front end's pure pieces — request shape checks (no coercion), model/tool
// authorization incl. strip, called-tool extraction from responses and stream events, text slot
// extraction, SSE framing across arbitrary chunk boundaries, and the stream error frames.
// Starts nothing.
import { describe, expect, it } from 'vitest';
import { deny } from '../../../src/errors.js';
import { authorizeRequestTools, checkCalledTools, responseToolNames, streamEventToolNames } from '../../../src/llm/authorize.js';
import { checkRequestShape } from '../../../src/llm/request-shape.js';
import { errorFrames } from '../../../src/llm/respond-stream.js';
import { SseSplitter } from '../../../src/llm/sse.js';
import { requestSlots, responseSlots } from '../../../src/llm/text-slots.js';
import { parsePolicy } from '../../../src/policy/index.js';

const policy = parsePolicy(`version: 1
agents:
  strict: { models: ["gpt-*"], tools: ["get_*"] }
  stripper: { models: ["*"], tools: ["get_*"], onDisallowedTool: strip }
  open: { models: ["*"] }
`, 'inline.yaml');
const strict = policy.agents.get('strict')!;
const stripper = policy.agents.get('stripper')!;
const open = policy.agents.get('open')!;

describe('request shape', () => {
  it('accepts minimal valid bodies for every route and leaves them untouched', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: '0.5', extra: { a: 1 } };
    const copy = structuredClone(body);
    expect(checkRequestShape('chat', body)).toBeUndefined();
    expect(body).toEqual(copy);
    expect(checkRequestShape('responses', { model: 'm', input: 'x' })).toBeUndefined();
    expect(checkRequestShape('completions', { model: 'm', prompt: ['a'] })).toBeUndefined();
    expect(checkRequestShape('embeddings', { model: 'm', input: 'x' })).toBeUndefined();
  });
  it.each([
    ['chat', { messages: [] }, 'missing required field `model`'],
    ['chat', { model: '', messages: [] }, '`model` must be a non-empty string'],
    ['chat', { model: 'm', messages: [{ role: 1 }] }, '`messages[0].role` must be a string'],
    ['chat', { model: 'm', messages: [], tools: [{ type: 'function', function: {} }] }, '`tools[0].function.name` must be a non-empty string'],
    ['responses', { model: 'm', input: 5 }, '`input` must be a string or an array'],
    ['completions', { model: 'm' }, 'missing required field `prompt`'],
    ['embeddings', { model: 'm', input: 'x', stream: true }, 'embeddings cannot stream'],
  ] as const)('%s %j → %s', (route, body, msg) => {
    expect(checkRequestShape(route, body)?.detail).toBe(msg);
  });
});

describe('tool authorization', () => {
  const fn = (name: string) => ({ type: 'function', function: { name } });
  it('blocks a disallowed declared tool, naming it', () => {
    const r = authorizeRequestTools('chat', strict, { tools: [fn('get_a'), fn('rm')] });
    expect(r).toMatchObject({ ok: false, denial: { error: { code: 'firewall_tool_not_allowed' }, detail: '"rm"' } });
  });
  it('strips disallowed tools, their tool_choice, and parallel_tool_calls when none remain', () => {
    const body: Record<string, any> = { tools: [fn('rm')], tool_choice: { type: 'function', function: { name: 'rm' } }, parallel_tool_calls: true };
    expect(authorizeRequestTools('chat', stripper, body)).toEqual({ ok: true, stripped: ['rm'] });
    expect(body).toEqual({});
  });
  it('leaves non-function tools (built-ins) and agents without a tool list alone', () => {
    expect(authorizeRequestTools('responses', strict, { tools: [{ type: 'web_search' }] })).toEqual({ ok: true, stripped: [] });
    expect(authorizeRequestTools('chat', open, { tools: [fn('rm')] })).toEqual({ ok: true, stripped: [] });
  });
  it('finds called tools in responses and stream events', () => {
    expect(responseToolNames('chat', { choices: [{ message: { tool_calls: [{ function: { name: 'a' } }], function_call: { name: 'b' } } }] })).toEqual(['a', 'b']);
    expect(responseToolNames('responses', { output: [{ type: 'function_call', name: 'c' }, { type: 'message' }] })).toEqual(['c']);
    expect(streamEventToolNames('chat', { choices: [{ delta: { tool_calls: [{ function: { name: 'd' } }, { function: { arguments: '{}' } }] } }] })).toEqual(['d']);
    expect(streamEventToolNames('responses', { type: 'response.output_item.added', item: { type: 'function_call', name: 'e' } })).toEqual(['e']);
    expect(checkCalledTools(strict, ['get_x', 'wire_money'])?.detail).toBe('"wire_money"');
    expect(checkCalledTools(strict, ['get_x'])).toBeUndefined();
  });
});

describe('text slots', () => {
  it('takes user and tool text, skips assistant turns, and system only when asked', () => {
    const body = { messages: [
      { role: 'system', content: 'sys' }, { role: 'user', content: [{ type: 'text', text: 'u1' }, { type: 'image_url', image_url: {} }] },
      { role: 'assistant', content: 'a' }, { role: 'tool', content: 't' },
    ] };
    expect(requestSlots('chat', body, false).map((s) => [s.role, s.text])).toEqual([['user', 'u1'], ['tool', 't']]);
    expect(requestSlots('chat', body, true).map((s) => s.text)).toEqual(['sys', 'u1', 't']);
  });
  it('responses input items, function outputs and embeddings arrays; setters write back', () => {
    const body: Record<string, any> = { input: [{ role: 'user', content: 'hi' }, { type: 'function_call_output', output: 'res' }] };
    const slots = requestSlots('responses', body, false);
    expect(slots.map((s) => [s.role, s.text])).toEqual([['user', 'hi'], ['tool', 'res']]);
    slots[1].set('X');
    expect(body.input[1].output).toBe('X');
    expect(requestSlots('embeddings', { input: ['a', 'b'] }, false).map((s) => s.text)).toEqual(['a', 'b']);
    expect(responseSlots('chat', { choices: [{ message: { content: 'c', tool_calls: [{ function: { arguments: '{}' } }] } }] }).map((s) => s.role)).toEqual(['assistant', 'arguments']);
  });
});

describe('SSE framing', () => {
  const stream = 'data: {"a":1}\n\n: ping\n\nevent: x\r\ndata: l1\r\ndata: l2\r\n\r\ndata: [DONE]\n\n';
  it.each([1, 2, 3, 7, 13])('splits identically when bytes arrive in pieces of %i', (n) => {
    const s = new SseSplitter();
    const frames = [];
    const bytes = Buffer.from(stream);
    for (let i = 0; i < bytes.length; i += n) frames.push(...s.push(bytes.subarray(i, i + n)));
    expect(frames.map((f) => [f.event, f.data])).toEqual([[undefined, '{"a":1}'], [undefined, undefined], ['x', 'l1\nl2'], [undefined, '[DONE]']]);
    expect(frames.map((f) => f.raw).join('')).toBe(stream);
  });
  it('keeps multi-byte characters split across chunks intact', () => {
    const s = new SseSplitter();
    const b = Buffer.from('data: é€\n\n');
    expect([...s.push(b.subarray(0, 7)), ...s.push(b.subarray(7))][0].data).toBe('é€');
  });
  it('error frames end chat streams with [DONE] and carry an error object on responses', () => {
    const d = deny('BLOCKED', 'rule x', { rules: ['x'] });
    expect(errorFrames('chat', d, 0)).toBe('data: {"error":{"message":"Blocked by the firewall: rule x","type":"permission_error","code":"firewall_blocked","param":null}}\n\ndata: [DONE]\n\n');
    expect(errorFrames('responses', d, 4)).toContain('event: error\ndata: {"type":"error","sequence_number":4,"code":"firewall_blocked"');
  });
});
