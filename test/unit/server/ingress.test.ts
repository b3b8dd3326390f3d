// Covers: ingress helpers as pure functions (JSON depth scan, UTF-8/JSON parsing errors, request
// ids, content-type check) and buildApp through fastify inject (no socket): health probes, a
// failing readiness check, 404 shape, POST without a body. Starts an in-process app only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../../src/audit/index.js';
import { FirewallError } from '../../../src/errors.js';
import { parsePolicy, PolicyHolder } from '../../../src/policy/index.js';
import { buildApp } from '../../../src/server/app.js';
import { isJsonContentType } from '../../../src/server/auth-hook.js';
import { jsonDepthExceeds, parseJsonBody } from '../../../src/server/json-body.js';
import { isSafeRequestId } from '../../../src/server/request-id.js';

describe('JSON body', () => {
  it('depth scan ignores brackets inside strings and escaped quotes', () => {
    expect(jsonDepthExceeds(Buffer.from('{"a":"[[[[[[\\"[[["}'), 2)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('[[[]]]'), 2)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('[[[]]]'), 3)).toBe(false);
  });

  it('reports empty, invalid UTF-8, too deep and malformed bodies with their catalogue entries', () => {
    const code = (b: Buffer) => { try { parseJsonBody(b, 4); return 'ok'; } catch (e) { return (e as FirewallError).entry.code; } };
    expect(code(Buffer.alloc(0))).toBe('firewall_invalid_json');
    expect(code(Buffer.from([0x7b, 0xff, 0x7d]))).toBe('firewall_invalid_utf8');
    expect(code(Buffer.from('[[[[[1]]]]]'))).toBe('firewall_json_too_deep');
    expect(code(Buffer.from('{"a":}'))).toBe('firewall_invalid_json');
    expect(code(Buffer.from('{"a":1}'))).toBe('ok');
  });

  it('a malformed-JSON message never quotes the client text (V8 would)', () => {
    expect(() => parseJsonBody(Buffer.from('{"secret-value": oops}'), 8)).toThrow('The request body is not valid JSON: syntax error');
    expect(() => parseJsonBody(Buffer.from('{"a":'), 8)).toThrow('The request body is not valid JSON: unexpected end of input');
  });
});

describe('request ids and content types', () => {
  it.each([['abc-123', true], ['a'.repeat(128), true], ['a'.repeat(129), false], ['', false], ['a b', false], ['a\r\nb', false], ['ü', false]])('%s safe=%s', (id, ok) => {
    expect(isSafeRequestId(id)).toBe(ok);
  });
  it.each([['application/json', true], ['application/json; charset=utf-8', true], ['Application/JSON', true], ['application/jsonp', false], ['text/json', false], [undefined, false]])('%s json=%s', (ct, ok) => {
    expect(isJsonContentType(ct)).toBe(ok);
  });
});

describe('buildApp via inject', () => {
  let app: FastifyInstance;
  let notReady = false;
  beforeAll(async () => {
    const policy = parsePolicy('version: 1\nagents: { a: { models: [m] } }\n', 'inline.yaml');
    const logger = createLogger({ stream: new Writable({ write: (_c, _e, cb) => cb() }) });
    app = await buildApp({ policy: PolicyHolder.of(policy), logger, ready: async () => ({ ok: !notReady }) });
  });
  afterAll(async () => { await app.close(); });

  it('healthz answers ok and readyz reflects the store check', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    notReady = true;
    const r = await app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ status: 'not_ready', store: 'unavailable' });
    notReady = false;
  });

  it('unknown routes get the OpenAI 404 shape with a request id header', async () => {
    const r = await app.inject({ url: '/nope?x=1', method: 'DELETE' });
    expect(r.statusCode).toBe(404);
    expect(r.headers['x-request-id']).toMatch(/^req_/);
    expect(r.json()).toEqual({ error: { message: 'Unknown route DELETE /nope.', type: 'invalid_request_error', code: 'firewall_not_found', param: null } });
  });

  it('a POST without a content type is 415 before authentication', async () => {
    const r = await app.inject({ url: '/v1/chat/completions', method: 'POST', payload: 'x', headers: { 'content-type': '' } });
    expect(r.statusCode).toBe(415);
  });

  it('an unauthenticated POST is 401 before its body is parsed', async () => {
    const r = await app.inject({ url: '/v1/chat/completions', method: 'POST', payload: '{not json', headers: { 'content-type': 'application/json' } });
    expect(r.statusCode).toBe(401);
  });
});
