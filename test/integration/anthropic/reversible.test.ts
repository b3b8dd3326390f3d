// Covers reversible redaction on /v1/messages (defaults.redaction.reversible: true): an e-mail in
// the prompt reaches the upstream only as a typed placeholder, and when the model's answer uses the
// placeholder the client gets the original back — in a JSON answer and in a stream where the
// placeholder is split across deltas. Starts: the Anthropic stub (echoing the placeholder) and one
// firewall with the real engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { createEngine } from '../../../detectors/engine/index.js';
import { keysFor } from '../../helpers/policies.js';
import { startAnthropicStub, type AnthropicStub, type StubReply } from '../../helpers/anthropic-stub.js';
import { startAnthropicFirewall, type AnthropicTestFirewall } from './harness.js';

const keys = keysFor('bot');
const EMAIL = 'jane.doe@example.com';
let stub: AnthropicStub;
let fw: AnthropicTestFirewall;

/** The first `[…]` placeholder in the last user message the upstream received. */
function placeholderIn(body: Record<string, unknown>): string {
  const msgs = body.messages as Array<{ content: string }>;
  const text = msgs.at(-1)!.content;
  return text.slice(text.indexOf('['), text.indexOf(']') + 1);
}

beforeAll(async () => {
  stub = await startAnthropicStub();
  stub.reply = (body): StubReply => {
    const ph = placeholderIn(body);
    return { text: ['I will write to ', ph.slice(0, 3), ph.slice(3), ' today.'] };
  };
  fw = await startAnthropicFirewall({
    env: { FW_TEST_ANTHROPIC_KEY: 'sk-ant-x' },
    engine: createEngine({}),
    policy: `version: 1
upstreams:
  anthropic: { baseUrl: "${stub.baseUrl}", kind: anthropic, apiKeyEnv: FW_TEST_ANTHROPIC_KEY }
defaults:
  redaction: { reversible: true }
  actions:
    request: { promptInjection: block, secrets: block, pii: redact }
    response: { promptInjection: flag, secrets: redact, pii: redact }
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
const msgs = [{ role: 'user' as const, content: `Please email the report to ${EMAIL} today.` }];

describe('reversible redaction on /v1/messages', () => {
  it('sends a placeholder upstream and restores the original in a JSON answer', async () => {
    const m = await client().messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: msgs });
    const sent = JSON.stringify(stub.requests.at(-1)!.body);
    expect(sent).not.toContain(EMAIL);
    expect(placeholderIn(stub.requests.at(-1)!.body as Record<string, unknown>)).toMatch(/^\[[A-Z_]+_1\]$/);
    expect((m.content[0] as { text: string }).text).toBe(`I will write to ${EMAIL} today.`);
  });

  it('restores a placeholder split across streamed deltas', async () => {
    const final = await client().messages.stream({ model: 'claude-haiku-4-5', max_tokens: 50, messages: msgs }).finalMessage();
    expect((final.content[0] as { text: string }).text).toBe(`I will write to ${EMAIL} today.`);
  });
});
