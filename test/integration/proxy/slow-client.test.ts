// Covers: a streaming client that stops reading (the firewall's socket buffer fills up) and then
// leaves: the relay stops waiting for `drain`, the reservation is closed exactly once and the
// request's audit event says it was aborted. A recording limiter stands in for the real one (the
// contract calls are what is checked). Starts the upstream stub and the firewall on 127.0.0.1:0;
// a raw node:http client that never reads the body.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdmitRequest, AdmitResult, Limiter, Reservation, Usage } from '../../../src/limits/types.js';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

class RecordingLimiter implements Limiter {
  settles: Usage[] = [];
  releases: Reservation[] = [];
  async admit(_req: AdmitRequest): Promise<AdmitResult> {
    return { ok: true as const, reservation: { id: 'r1', reservedTokens: 100_000, reservedUsd: 0 }, headers: {} };
  }
  async settle(_r: Reservation, u: Usage) { this.settles.push(u); }
  async release(r: Reservation) { this.releases.push(r); }
  async admitToolCall() { return { ok: true as const }; }
  async close() {}
}

const keys = keysFor('bot');
let stub: UpstreamStub;
let fw: TestFirewall;
const limiter = new RecordingLimiter();

beforeAll(async () => {
  stub = await startUpstreamStub();
  fw = await startFirewall({ env: { FW_TEST_UPSTREAM_KEY: 'sk-up' }, limiter, policy: policyYaml(stub.url, `  bot:
    keys: ["${keys.bot.hash}"]
    models: ["gpt-4o-mini"]
    limits: { requestsPerMinute: 1000 }`).replace('bodyMs: 2000', 'bodyMs: 20000') });
});
afterAll(async () => { await fw?.close(); await stub?.close(); });

describe('a client that stops reading and leaves', () => {
  it('closes the reservation exactly once (no wait for a drain that never comes) and audits the request as aborted', async () => {
    // ~16 MB of text, far more than the socket buffers hold, sent as fast as possible; a max_tokens
    // far above it so the output cap does not end the stream first.
    const piece = 'lorem ipsum dolor sit amet '.repeat(600);
    stub.set({ chunks: Array.from({ length: 1000 }, () => piece) });
    const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, max_tokens: 10_000_000, messages: [{ role: 'user', content: 'Write a lot.' }] });
    const u = new URL(fw.baseURL);
    const req = httpRequest({ host: u.hostname, port: u.port, path: '/v1/chat/completions', method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.bot.key}` } });
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => { req.once('response', resolve); req.once('error', reject); req.end(body); });
    expect(res.statusCode).toBe(200);
    res.pause(); // never read: the firewall's writes back up until write() returns false
    await new Promise((r) => setTimeout(r, 500));
    req.destroy();
    // The relay must not wait for a `drain` that never comes: the ticket is closed, exactly once
    // (released when the upstream read fails on the abort, settled when the upstream had already
    // sent everything — either way with what was spent).
    await until(() => limiter.releases.length + limiter.settles.length > 0, 5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(limiter.releases.length + limiter.settles.length).toBe(1);
    await until(() => fw.audits().some((a) => a.route === 'chat'), 5000);
    expect(fw.audits().find((a) => a.route === 'chat')).toMatchObject({ event: 'request.aborted', agent: 'bot' });
  });
});
