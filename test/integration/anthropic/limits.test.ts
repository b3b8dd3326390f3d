// Covers the limits stage on /v1/messages with the real in-memory limiter, observed through a thin
// recording wrapper: reservation uses the client's max_tokens; settlement carries Anthropic's usage
// with cache reads and writes (JSON and streamed); a budget denial is a 429 rate_limit_error with
// firewall_budget_exceeded and retry-after; an upstream failure or a client abort releases instead
// of settling; a prompt the detectors block while its admission (started before inspection) is in
// flight gets its 403 and gives back what it reserved. Starts: the Anthropic stub, one firewall
// (buildApp + anthropicRoutes) with the real detector engine.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { createEngine } from '../../../detectors/engine/index.js';
import { createLimiter } from '../../../src/limits/index.js';
import type { AdmitRequest, Limiter, Reservation, Usage } from '../../../src/limits/types.js';
import { keysFor } from '../../helpers/policies.js';
import { startAnthropicStub, type AnthropicStub } from '../../helpers/anthropic-stub.js';
import { startAnthropicFirewall, until, type AnthropicTestFirewall } from './harness.js';

const keys = keysFor('spender', 'tight', 'guarded');
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** A synthetic GitHub app token (the secrets pack blocks it in prompts by default). */
const ghs = (seed: number) => `ghs_${Array.from({ length: 36 }, (_, i) => ALNUM[(i * 7 + seed * 13) % ALNUM.length]).join('')}`;
let stub: AnthropicStub;
let fw: AnthropicTestFirewall;
let inner: Limiter;
const calls: { admit: AdmitRequest[]; settle: Usage[]; release: Array<Usage | undefined> } = { admit: [], settle: [], release: [] };

/** The real limiter, with every call recorded. */
function recording(l: Limiter): Limiter {
  return {
    admit: (req) => { calls.admit.push(req); return l.admit(req); },
    settle: (r: Reservation, u: Usage) => { calls.settle.push(u); return l.settle(r, u); },
    release: (r: Reservation, u?: Usage) => { calls.release.push(u); return l.release(r, u); },
    admitToolCall: (req) => l.admitToolCall(req),
    close: () => l.close(),
  };
}

const client = (key: string) => new Anthropic({ apiKey: key, baseURL: fw.origin, maxRetries: 0, timeout: 10_000 });
const msgs = [{ role: 'user' as const, content: 'Hello there' }];

beforeAll(async () => {
  stub = await startAnthropicStub();
  inner = await createLimiter({});
  fw = await startAnthropicFirewall({
    env: { FW_TEST_ANTHROPIC_KEY: 'sk-ant-x' },
    limiter: recording(inner),
    engine: createEngine({}),
    policy: `version: 1
server: { host: 127.0.0.1, port: 0, bodyLimit: 262144, maxJsonDepth: 32 }
upstreams:
  anthropic: { baseUrl: "${stub.baseUrl}", kind: anthropic, apiKeyEnv: FW_TEST_ANTHROPIC_KEY, timeouts: { connectMs: 1000, headersMs: 1000, bodyMs: 1000 } }
agents:
  spender:
    keys: ["${keys.spender.hash}"]
    upstream: anthropic
    models: ["claude-*"]
    limits: { budgets: [ { window: day, tokens: 10000000 } ] }
  tight:
    keys: ["${keys.tight.hash}"]
    upstream: anthropic
    models: ["claude-*"]
    limits: { budgets: [ { window: day, tokens: 300 } ] }
  guarded:
    keys: ["${keys.guarded.hash}"]
    upstream: anthropic
    models: ["claude-*"]
    limits: { budgets: [ { window: day, tokens: 1000 } ] }
`,
  });
});
afterAll(async () => {
  await fw?.close();
  await inner?.close();
  await stub?.close();
});
beforeEach(() => {
  calls.admit.length = 0;
  calls.settle.length = 0;
  calls.release.length = 0;
  stub.requests.length = 0;
  stub.reply = {};
});

describe('limits on /v1/messages', () => {
  it('reserves the client max_tokens and settles a JSON answer with cache reads and writes kept apart', async () => {
    stub.reply = { usage: { input_tokens: 10, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 5 } };
    await client(keys.spender.key).messages.create({ model: 'claude-haiku-4-5', max_tokens: 333, messages: msgs });
    expect(calls.admit[0]).toMatchObject({ agent: 'spender', model: 'claude-haiku-4-5', maxOutputTokens: 333 });
    expect(calls.admit[0]!.promptTokens).toBeGreaterThan(0);
    await until(() => calls.settle.length === 1);
    expect(calls.settle[0]).toEqual({ inputTokens: 1110, cachedInputTokens: 1000, cacheWriteInputTokens: 100, outputTokens: 5 });
  });

  it('settles a streamed answer from message_start and the final message_delta', async () => {
    stub.reply = { text: ['a', 'b'], usage: { input_tokens: 20, cache_read_input_tokens: 7, output_tokens: 9 } };
    await client(keys.spender.key).messages.stream({ model: 'claude-haiku-4-5', max_tokens: 100, messages: msgs }).finalMessage();
    await until(() => calls.settle.length === 1);
    expect(calls.settle[0]).toEqual({ inputTokens: 27, cachedInputTokens: 7, outputTokens: 9 });
  });

  it('refuses a call whose reservation does not fit the budget: 429 rate_limit_error firewall_budget_exceeded with retry-after', async () => {
    const err = await client(keys.tight.key).messages.create({ model: 'claude-haiku-4-5', max_tokens: 5000, messages: msgs }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    expect(e.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', code: 'firewall_budget_exceeded' } });
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(stub.requests.filter((r) => r.url === '/v1/messages')).toHaveLength(0);
  });

  it('gives back what a blocked prompt reserved (admission runs during inspection) and never calls the upstream', async () => {
    for (let i = 0; i < 3; i++) {
      const err = await client(keys.guarded.key).messages.create({ model: 'claude-haiku-4-5', max_tokens: 600, messages: [{ role: 'user', content: `deploy with ${ghs(i)} please` }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { code: 'firewall_blocked' } });
    }
    expect(stub.requests.filter((r) => r.url === '/v1/messages')).toHaveLength(0);
    await until(() => calls.release.length === 3);
    expect(calls.admit.filter((a) => a.agent === 'guarded')).toHaveLength(3);
    expect(calls.settle).toHaveLength(0);
    // Each blocked call reserved > 600 of the 1,000-token budget: had one leaked, this would be refused.
    stub.reply = { usage: { input_tokens: 10, output_tokens: 5 } };
    const ok = await client(keys.guarded.key).messages.create({ model: 'claude-haiku-4-5', max_tokens: 600, messages: msgs });
    expect(ok.usage.output_tokens).toBe(5);
  });

  it('releases instead of settling when the upstream fails before answering', async () => {
    stub.reply = { fail: { resetBeforeHeaders: true } };
    await client(keys.spender.key).messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: msgs }).catch(() => undefined);
    await until(() => calls.release.length === 1);
    expect(calls.settle).toHaveLength(0);
  });

  it('releases when the client walks away mid-stream', async () => {
    stub.reply = { text: Array.from({ length: 50 }, (_, i) => `w${i} `), delayMs: 20 };
    const ac = new AbortController();
    const stream = await client(keys.spender.key).messages.create({ model: 'claude-haiku-4-5', max_tokens: 500, messages: msgs, stream: true }, { signal: ac.signal });
    let n = 0;
    for await (const ev of stream) {
      if (ev.type === 'content_block_delta' && ++n === 3) ac.abort();
    }
    await until(() => calls.release.length === 1);
    expect(calls.settle).toHaveLength(0);
  });
});
