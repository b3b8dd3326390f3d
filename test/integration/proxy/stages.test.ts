// Covers: the limits and inspect stage call sites wired to the REAL detector engine and the REAL
// in-memory limiter — a secret in a prompt blocked (rule id named, secret never echoed), PII
// redacted before the upstream sees it, a secret in the answer redacted (non-streamed, and
// streamed when split across chunks), reversible redaction restoring the client's own value,
// canary leak blocked, monitor mode flagging instead of blocking, rate limit 429 with headers,
// and the usage chunk requested upstream but hidden from a client that did not ask for it.
// Starts: the upstream stub and four firewalls on 127.0.0.1:0.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../detectors/engine/index.js';
import { createLimiter } from '../../../src/limits/index.js';
import { parsePolicy } from '../../../src/policy/index.js';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('bot');
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ghs = () => `ghs_${Array.from({ length: 36 }, (_, i) => ALNUM[(i * 7 + Date.now()) % ALNUM.length]).join('')}`;
let stub: UpstreamStub;
let fw: TestFirewall;
let fwMonitor: TestFirewall;
let fwReversible: TestFirewall;
let fwReversibleOnly: TestFirewall;
let fwLimited: TestFirewall;
let fwNames: TestFirewall;
const limiters: Array<{ close(): Promise<void> }> = [];

const agent = (extra = '') => `  bot:
    keys: ["${keys.bot.hash}"]
    models: ["gpt-4o-mini"]${extra}`;
const policyText = (extra: string, agentExtra = '') => policyYaml(stub.url, agent(agentExtra), `defaults:
  actions:
    request:  { promptInjection: block, secrets: block, pii: redact }
    response: { secrets: redact, pii: redact, canary: block }
${extra}`);

async function start(text: string, withLimiter = false): Promise<TestFirewall> {
  const env = { FW_TEST_UPSTREAM_KEY: 'sk-up' };
  const engine = createEngine(parsePolicy(text, 'inline.yaml', { env }).engineOptions);
  const limiter = withLimiter ? await createLimiter({ store: { redisUrl: null, failMode: 'closed', keyPrefix: 't:' }, env: {} }) : undefined;
  if (limiter) limiters.push(limiter);
  return startFirewall({ env, policy: text, engine, limiter });
}
const sdk = (f: TestFirewall) => new OpenAI({ baseURL: f.baseURL, apiKey: keys.bot.key, maxRetries: 0 });
const user = (content: string) => [{ role: 'user' as const, content }];

beforeAll(async () => {
  stub = await startUpstreamStub();
  fw = await start(policyText('detectors: { canary: { enabled: true } }'));
  fwMonitor = await start(policyText('monitorMode: true'));
  fwReversible = await start(policyText('  redaction: { reversible: true }'));
  fwReversibleOnly = await start(policyYaml(stub.url, agent(), `defaults:
  actions:
    request:  { promptInjection: block, secrets: block, pii: redact }
    response: { secrets: allow, pii: allow, promptInjection: allow, canary: allow }
  redaction: { reversible: true }
`));
  fwLimited = await start(policyText('', `
    limits: { requestsPerMinute: 3 }`), true);
  fwNames = await start(policyYaml(stub.url, agent(), `detectors:
  pii: { entities: [EMAIL, PERSON], names: all }
defaults:
  actions:
    request:  { pii: redact, piiEntities: { PERSON: flag } }
    response: { pii: redact, piiEntities: { PERSON: flag } }
`));
});
afterAll(async () => {
  for (const f of [fw, fwMonitor, fwReversible, fwReversibleOnly, fwLimited, fwNames]) await f?.close();
  for (const l of limiters) await l.close();
  await stub?.close();
});
beforeEach(() => stub.reset());

describe('inspect stage (real engine)', () => {
  it('a secret in the prompt is blocked with 403 naming the rule, never the secret, and never reaches the upstream', async () => {
    const secret = ghs();
    const err = await sdk(fw).chat.completions.create({ model: 'gpt-4o-mini', messages: user(`deploy with ${secret} please`) }).catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.code).toBe('firewall_blocked');
    expect(err.message).toContain('secrets.github-app-token');
    expect(err.message).not.toContain(secret);
    expect(stub.requests).toHaveLength(0);
    await until(() => fw.audits().some((a) => a.code === 'firewall_blocked'));
    const ev = fw.audits().find((a) => a.code === 'firewall_blocked')!;
    expect(ev).toMatchObject({ decision: 'block', rules: ['secrets.github-app-token'] });
    expect(ev.findings[0]).toMatchObject({ rule: 'secrets.github-app-token', direction: 'request' });
    expect(fw.logText()).not.toContain(secret);
  });

  it('PII in the prompt is redacted to a typed placeholder before the upstream sees it', async () => {
    await sdk(fw).chat.completions.create({ model: 'gpt-4o-mini', messages: user('mail jane.doe@acme-corp.io about it') });
    const sent = stub.requests[0].json.messages.find((m: any) => m.role === 'user').content;
    expect(sent).not.toContain('jane.doe@acme-corp.io');
    expect(sent).toMatch(/\[EMAIL_1\]/);
  });

  it('a per-entity action flags a person name while the e-mail beside it is redacted, in the prompt and in a streamed answer', async () => {
    const prompt = 'Write a short thank-you note to Maria Gonzalez and send it to maria.gonzalez@example.com today.';
    stub.set({ chunks: ['Sure. Dear Mar', 'ia Gonz', 'alez, thank you. I will write to maria.gon', 'zalez@exam', 'ple.com.'] });
    const stream = await sdk(fwNames).chat.completions.create({ model: 'gpt-4o-mini', messages: user(prompt), stream: true });
    let answer = '';
    for await (const c of stream) answer += c.choices[0]?.delta?.content ?? '';
    const sent = stub.requests[0].json.messages.find((m: any) => m.role === 'user').content;
    expect(sent).toContain('Maria Gonzalez');
    expect(sent).not.toContain('maria.gonzalez@example.com');
    expect(sent).toMatch(/\[EMAIL_1\]/);
    expect(answer).toContain('Dear Maria Gonzalez');
    expect(answer).not.toContain('maria.gonzalez@example.com');
    await until(() => fwNames.audits().length > 0);
    const ev = fwNames.audits().at(-1)!;
    expect(ev.decision).toBe('redact');
    const types = (dir: string) => ev.findings.filter((f: any) => f.direction === dir).map((f: any) => f.type);
    expect(types('request')).toEqual(expect.arrayContaining(['PERSON', 'EMAIL']));
    expect(types('response')).toEqual(expect.arrayContaining(['PERSON', 'EMAIL']));
    expect(JSON.stringify(ev)).not.toContain('Gonzalez');
  });

  it('a secret in a non-streamed answer is redacted for the client', async () => {
    const secret = ghs();
    stub.set({ chunks: [`the token is ${secret} ok`] });
    const r = await sdk(fw).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi') });
    expect(r.choices[0].message.content).not.toContain(secret);
    expect(r.choices[0].message.content).toContain('the token is');
  });

  it.each([1, 5, 17, 30])('a secret split across streamed chunks at offset %i never reaches the client', async (cut) => {
    const secret = ghs();
    const text = `here: ${secret} done`;
    const at = text.indexOf(secret) + cut;
    stub.set({ chunks: [text.slice(0, at), text.slice(at)] });
    let got = '';
    for await (const c of await sdk(fw).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), stream: true })) got += c.choices[0]?.delta?.content ?? '';
    expect(got).not.toContain(secret);
    expect(got.startsWith('here: ')).toBe(true);
    expect(got.endsWith(' done')).toBe(true);
  });

  it('a secret split across streamed Responses-API deltas is redacted in the deltas, the done event and the final response', async () => {
    const secret = ghs();
    const text = `key: ${secret} end`;
    const at = text.indexOf(secret) + 11;
    stub.set({ chunks: [text.slice(0, at), text.slice(at)] });
    let deltas = '';
    let doneText = '';
    let finalText = '';
    const raw: string[] = [];
    for await (const e of await sdk(fw).responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true })) {
      raw.push(JSON.stringify(e));
      if (e.type === 'response.output_text.delta') deltas += e.delta;
      if (e.type === 'response.output_text.done') doneText = e.text;
      if (e.type === 'response.completed') finalText = e.response.output_text ?? (e.response.output[0] as any).content[0].text;
    }
    expect(raw.join('')).not.toContain(secret);
    expect(deltas).toBe(doneText);
    expect(finalText).toBe(doneText);
    expect(deltas.startsWith('key: ') && deltas.endsWith(' end')).toBe(true);
  });

  it('a secret in a non-streamed Responses answer and in streamed completions is redacted', async () => {
    const secret = ghs();
    stub.set({ chunks: [`a ${secret.slice(0, 9)}`, `${secret.slice(9)} b`] });
    const r = await sdk(fw).responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    expect(JSON.stringify(r)).not.toContain(secret);
    let t = '';
    for await (const c of await sdk(fw).completions.create({ model: 'gpt-4o-mini', prompt: 'hi', stream: true })) t += c.choices[0]?.text ?? '';
    expect(t).not.toContain(secret);
    expect(t.startsWith('a ') && t.endsWith(' b')).toBe(true);
  });

  it('a secret inside streamed and non-streamed tool-call arguments is redacted', async () => {
    const secret = ghs();
    stub.set({ toolCalls: [{ name: 'get_weather', arguments: `{"city":"Oslo","token":"${secret}"}` }] });
    const r = await sdk(fw).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi') });
    expect(r.choices[0].message.tool_calls?.[0]).toMatchObject({ function: { name: 'get_weather' } });
    expect(JSON.stringify(r)).not.toContain(secret);
    let args = '';
    for await (const c of await sdk(fw).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), stream: true })) {
      for (const tc of c.choices[0]?.delta?.tool_calls ?? []) args += tc.function?.arguments ?? '';
    }
    expect(args).not.toContain(secret);
    expect(args.startsWith('{"city":"Oslo","token":"')).toBe(true);
  });

  it('a canary token planted in the system prompt and echoed back blocks the answer', async () => {
    stub.set({ echo: 'system' });
    await expect(sdk(fw).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hello there') }))
      .rejects.toMatchObject({ status: 403, code: 'firewall_blocked' });
    const s = await sdk(fw).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hello there'), stream: true });
    const err = await (async () => { for await (const _c of s) { /* drain */ } })().catch((e) => e);
    expect(String(err?.message)).toContain('canary.leak');
  });

  it('monitor mode lets a blocked secret through and records the decision as flag', async () => {
    const secret = ghs();
    await expect(sdk(fwMonitor).chat.completions.create({ model: 'gpt-4o-mini', messages: user(`key ${secret}`) })).resolves.toBeDefined();
    await until(() => fwMonitor.audits().length > 0);
    expect(fwMonitor.audits().at(-1)).toMatchObject({ decision: 'flag', rules: ['secrets.github-app-token'], status: 200 });
  });

  it('reversible redaction restores the client\'s own value in the answer', async () => {
    stub.set({ echo: 'user' });
    const r = await sdk(fwReversible).chat.completions.create({ model: 'gpt-4o-mini', messages: user('write to jane.doe@acme-corp.io') });
    expect(stub.requests[0].json.messages[0].content).not.toContain('jane.doe@acme-corp.io');
    expect(r.choices[0].message.content).toBe('write to jane.doe@acme-corp.io');
  });

  it.each([
    ['with response detectors on', () => fwReversible],
    ['with no response detector (nothing else holds text back)', () => fwReversibleOnly],
  ])('reversible redaction restores a placeholder the stream split across chunks, at every split point (%s)', async (_label, which) => {
    const fwUnderTest = which();
    for (let shift = 0; shift < 9; shift++) {
      const original = `${'x'.repeat(shift)} mail jane.doe@acme-corp.io and bob@example.org [not a placeholder] [EMAIL_`;
      stub.reset();
      stub.set({ echo: 'user' });
      const stream = await sdk(fwUnderTest).chat.completions.create({ model: 'gpt-4o-mini', messages: user(original), stream: true });
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      const sent = stub.requests[0].json.messages[0].content as string;
      expect(sent).not.toContain('jane.doe@acme-corp.io');
      expect(sent).toContain('[EMAIL_1]');
      expect(text).toBe(original);
    }
  });
});

describe('limits stage (real in-memory limiter)', () => {
  it('requests over requestsPerMinute get 429 firewall_rate_limited with Retry-After and x-ratelimit headers', async () => {
    const c = sdk(fwLimited);
    for (let i = 0; i < 3; i++) await c.chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi') });
    const res = await fetch(`${fwLimited.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.bot.key}` }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: user('hi') }) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect((await res.json()).error.code).toBe('firewall_rate_limited');
    expect(stub.requests).toHaveLength(3);
  });
});

describe('streamed usage', () => {
  let fwUsage: TestFirewall;
  beforeAll(async () => { fwUsage = await start(policyText('', '\n    limits: { tokensPerMinute: 1000000 }'), true); });
  afterAll(async () => { await fwUsage?.close(); });

  it('the firewall asks the upstream for usage and hides the usage chunk from a client that did not ask', async () => {
    const chunks: any[] = [];
    for await (const c of await sdk(fwUsage).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), stream: true })) chunks.push(c);
    expect(stub.requests[0].json.stream_options).toEqual({ include_usage: true });
    expect(chunks.some((c) => c.usage)).toBe(false);
    await until(() => fwUsage.audits().length > 0);
    expect(fwUsage.audits().at(-1)!.usage.outputTokens).toBeGreaterThan(0);
  });

  it('a client that asked for usage still gets the usage chunk', async () => {
    const chunks: any[] = [];
    for await (const c of await sdk(fwUsage).chat.completions.create({ model: 'gpt-4o-mini', messages: user('hi'), stream: true, stream_options: { include_usage: true } })) chunks.push(c);
    expect(chunks.some((c) => c.usage)).toBe(true);
  });
});
