// Covers: every bad input from the issue — malformed JSON, non-JSON content type, bodies over the
// limit (declared and chunked), missing model/messages, wrong types, deep and huge nesting,
// invalid UTF-8, malformed HTTP / header injection, unknown routes — each answered with an
// OpenAI-shaped 4xx (and an audit event), the upstream untouched, and the server still serving.
// Starts: the upstream stub and the firewall on 127.0.0.1:0 (bodyLimit 64 KiB, maxJsonDepth 16).
import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('bot');
let stub: UpstreamStub;
let fw: TestFirewall;

beforeAll(async () => {
  stub = await startUpstreamStub();
  fw = await startFirewall({ env: { FW_TEST_UPSTREAM_KEY: 'sk-up' }, policy: policyYaml(stub.url, `  bot:
    keys: ["${keys.bot.hash}"]
    models: ["gpt-4o-mini"]`) });
});
afterAll(async () => { await fw?.close(); await stub?.close(); });

async function send(path: string, body: BodyInit | undefined, headers: Record<string, string> = {}, method = 'POST') {
  const res = await fetch(`${fw.origin}${path}`, {
    method, body, headers: { authorization: `Bearer ${keys.bot.key}`, 'content-type': 'application/json', ...headers },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: res.status, json: await res.json() as { error: Record<string, unknown> }, id: res.headers.get('x-request-id') };
}

/** Send raw bytes over a socket; resolve with the whole answer text. */
function raw(bytes: string | Buffer): Promise<string> {
  const url = new URL(fw.origin);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(url.port), url.hostname, () => sock.write(bytes));
    let out = '';
    sock.on('data', (d) => { out += d.toString('latin1'); });
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
    sock.setTimeout(3000, () => { sock.destroy(); resolve(out); });
  });
}

const chat = '/v1/chat/completions';
const nested = (depth: number) => `{"model":"gpt-4o-mini","messages":[],"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;

describe('bad input gets an OpenAI-shaped 4xx and never reaches the upstream', () => {
  it.each([
    ['malformed JSON', '{"model": "gpt-4o-mini", "messages": [', {}, 400, 'firewall_invalid_json'],
    ['an empty JSON body', '', {}, 400, 'firewall_invalid_json'],
    ['a text/plain content type', '{"model":"gpt-4o-mini","messages":[]}', { 'content-type': 'text/plain' }, 415, 'firewall_unsupported_media_type'],
    ['a form content type', 'model=gpt-4o-mini', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'firewall_unsupported_media_type'],
    ['a body over the limit', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] }), {}, 413, 'firewall_body_too_large'],
    ['a missing model', '{"messages":[]}', {}, 400, 'firewall_invalid_request'],
    ['missing messages', '{"model":"gpt-4o-mini"}', {}, 400, 'firewall_invalid_request'],
    ['a numeric model', '{"model":4,"messages":[]}', {}, 400, 'firewall_invalid_request'],
    ['messages as a string', '{"model":"gpt-4o-mini","messages":"hi"}', {}, 400, 'firewall_invalid_request'],
    ['a message without a role', '{"model":"gpt-4o-mini","messages":[{"content":"hi"}]}', {}, 400, 'firewall_invalid_request'],
    ['stream as a string', '{"model":"gpt-4o-mini","messages":[],"stream":"yes"}', {}, 400, 'firewall_invalid_request'],
    ['tools as an object', '{"model":"gpt-4o-mini","messages":[],"tools":{}}', {}, 400, 'firewall_invalid_request'],
    ['a JSON array body', '[1,2,3]', {}, 400, 'firewall_invalid_request'],
    ['a JSON string body', '"hello"', {}, 400, 'firewall_invalid_request'],
    ['nesting one level too deep (17 > 16)', nested(16), {}, 400, 'firewall_json_too_deep'],
    ['huge nesting (60 KB of brackets)', nested(30_000), {}, 400, 'firewall_json_too_deep'],
  ])('%s is refused with its status and code', async (_name, body, headers, status, code) => {
    const before = stub.requests.length;
    const r = await send(chat, body as string, headers as Record<string, string>);
    expect(r.status).toBe(status);
    expect(r.json).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', code, param: null } });
    expect(r.id).toBeTruthy();
    expect(stub.requests.length).toBe(before);
    await until(() => fw.audits().some((a) => a.requestId === r.id));
    expect(fw.audits().find((a) => a.requestId === r.id)).toMatchObject({ status, code, event: 'request.denied' });
  });

  it('nesting exactly at the limit is accepted', async () => {
    expect((await send(chat, nested(15))).status).toBe(200); // 1 object + 15 arrays = 16 levels
  });

  it('invalid UTF-8 bytes → 400 firewall_invalid_utf8', async () => {
    const body = Buffer.concat([Buffer.from('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}]}')]);
    const r = await send(chat, body);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('firewall_invalid_utf8');
  });

  it('a chunked body over the limit (no Content-Length) → 413', async () => {
    const big = new TextEncoder().encode('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"' + 'y'.repeat(80_000) + '"}]}');
    const stream = new ReadableStream({ start(c) { for (let i = 0; i < big.length; i += 8192) c.enqueue(big.slice(i, i + 8192)); c.close(); } });
    const r = await send(chat, stream);
    expect(r.status).toBe(413);
  });

  it('a model name that is too long or carries control characters is refused, not echoed into headers', async () => {
    const r = await send(chat, JSON.stringify({ model: 'x'.repeat(300), messages: [] }));
    expect(r.status).toBe(400);
    const r2 = await send(chat, JSON.stringify({ model: 'gpt-4o-mini\r\nSet-Cookie: a=b', messages: [] }));
    expect(r2.status).toBe(403);
    expect(r2.json.error.code).toBe('firewall_model_not_allowed');
  });

  it('an unknown route → 404 firewall_not_found', async () => {
    const r = await send('/v1/fine_tuning/jobs', '{}');
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('firewall_not_found');
    const r2 = await send('/v1/chat/completions', undefined, {}, 'GET');
    expect(r2.status).toBe(404);
  });

  it('a header with a bare CR (response-splitting attempt) gets a JSON 400 and no injected header', async () => {
    const out = await raw('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: abc\rSet-Cookie: evil=1\r\n\r\n');
    expect(out.startsWith('HTTP/1.1 400')).toBe(true);
    expect(out.toLowerCase()).not.toContain('set-cookie');
    const body = JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4));
    expect(body.error.code).toBe('firewall_invalid_request');
  });

  it('garbage instead of HTTP gets a JSON 400', async () => {
    const out = await raw('\x16\x03\x01 not http at all\r\n\r\n');
    expect(out.startsWith('HTTP/1.1 400')).toBe(true);
  });

  it('an oversized header block gets a 4xx and the server survives', async () => {
    const out = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);
    expect(out.startsWith('HTTP/1.1 4')).toBe(true);
  });

  it('keeps serving after all of the above (real SDK call succeeds)', async () => {
    const c = new OpenAI({ baseURL: fw.baseURL, apiKey: keys.bot.key, maxRetries: 0 });
    await expect(c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] })).resolves.toBeDefined();
    expect((await fetch(`${fw.origin}/healthz`)).status).toBe(200);
  });
});
