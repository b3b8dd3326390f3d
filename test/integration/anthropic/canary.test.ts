// Covers the canary on /v1/messages: with detectors.canary.enabled the firewall appends a random
// canary block to the system prompt (string system prompts become blocks, client blocks keep their
// order), and an answer that repeats it — JSON or streamed, even split across deltas — is blocked
// with firewall_blocked naming canary.leak. Starts: the Anthropic stub (echoing the canary back on
// request) and one firewall with the real engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { createEngine } from '../../../detectors/engine/index.js';
import { keysFor } from '../../helpers/policies.js';
import { startAnthropicStub, type AnthropicStub, type StubReply } from '../../helpers/anthropic-stub.js';
import { startAnthropicFirewall, type AnthropicTestFirewall } from './harness.js';

const keys = keysFor('bot');
let stub: AnthropicStub;
let fw: AnthropicTestFirewall;
let leak: 'none' | 'json' | 'split';

/** The canary the firewall planted, read from the last system block the upstream received. */
function canaryOf(body: Record<string, unknown>): string {
  const blocks = body.system as Array<{ text: string }>;
  const last = blocks.at(-1)!.text;
  const at = last.indexOf('fwc-');
  return last.slice(at, at + 20);
}

beforeAll(async () => {
  stub = await startAnthropicStub();
  stub.reply = (body): StubReply => {
    if (leak === 'none') return { text: ['All good.'] };
    const c = canaryOf(body);
    return leak === 'json' ? { text: [`My reference is ${c}.`] } : { text: ['Reference: ', c.slice(0, 7), c.slice(7), ' end.'] };
  };
  fw = await startAnthropicFirewall({
    env: { FW_TEST_ANTHROPIC_KEY: 'sk-ant-x' },
    engine: createEngine({}),
    policy: `version: 1
upstreams:
  anthropic: { baseUrl: "${stub.baseUrl}", kind: anthropic, apiKeyEnv: FW_TEST_ANTHROPIC_KEY }
detectors: { canary: { enabled: true } }
defaults: { actions: { response: { promptInjection: flag, secrets: redact, pii: redact, canary: block } } }
agents:
  bot: { keys: ["${keys.bot.hash}"], upstream: anthropic, models: ["claude-*"] }
`,
  });
});
afterAll(async () => {
  await fw?.close();
  await stub?.close();
});

const client = () => new Anthropic({ apiKey: keys.bot.key, baseURL: fw.origin, maxRetries: 0, timeout: 10_000 });
const msgs = [{ role: 'user' as const, content: 'What is the capital of France?' }];

describe('canary on /v1/messages', () => {
  it('appends the canary as the last system block, keeping a string system prompt as the first block', async () => {
    leak = 'none';
    await client().messages.create({ model: 'claude-haiku-4-5', max_tokens: 20, system: 'You are terse.', messages: msgs });
    const sys = (stub.requests.at(-1)!.body as { system: Array<{ type: string; text: string }> }).system;
    expect(sys).toHaveLength(2);
    expect(sys[0]).toEqual({ type: 'text', text: 'You are terse.' });
    expect(sys[1]!.text).toMatch(/fwc-[0-9a-f]{16}/);
  });

  it('blocks a JSON answer that repeats the canary', async () => {
    leak = 'json';
    const err = await client().messages.create({ model: 'claude-haiku-4-5', max_tokens: 20, messages: msgs }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { code: 'firewall_blocked', message: expect.stringContaining('canary.leak') } });
  });

  it('ends a stream whose deltas spell out the canary in pieces, before the whole canary is released', async () => {
    leak = 'split';
    const stream = await client().messages.create({ model: 'claude-haiku-4-5', max_tokens: 20, messages: msgs, stream: true });
    let text = '';
    const err = await (async () => {
      for await (const ev of stream) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    })().catch((e: unknown) => e);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { code: 'firewall_blocked' } });
    const planted = canaryOf(stub.requests.at(-1)!.body as Record<string, unknown>);
    expect(text).not.toContain(planted);
  });
});
