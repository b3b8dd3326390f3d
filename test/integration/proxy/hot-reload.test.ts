// Covers: policy hot reload under traffic — a good edit takes effect for new requests while a
// request in flight finishes under the policy it started with; a broken edit keeps the last good
// policy in force (and says why in the log); the audit event names the deciding revision.
// Starts: the upstream stub and the firewall (watching its policy file) on 127.0.0.1:0.
import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('bot');
let stub: UpstreamStub;
let fw: TestFirewall;
let client: OpenAI;
const withModels = (models: string) => policyYaml(stub.url, `  bot:
    keys: ["${keys.bot.hash}"]
    models: [${models}]`);

beforeAll(async () => {
  stub = await startUpstreamStub();
  fw = await startFirewall({ env: { FW_TEST_UPSTREAM_KEY: 'sk-up' }, policy: withModels('"gpt-4o-mini"'), watch: true });
  client = new OpenAI({ baseURL: fw.baseURL, apiKey: keys.bot.key, maxRetries: 0 });
});
afterAll(async () => { await fw?.close(); await stub?.close(); });

describe('hot reload', () => {
  it('a good edit applies to new requests; the request in flight finishes under its starting revision', async () => {
    const first = fw.holder.current().revision;
    stub.set({ chunks: ['slow', ' answer', ' here'], chunkDelayMs: 250 });
    const inFlight = (async () => {
      let t = '';
      for await (const c of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true })) t += c.choices[0]?.delta?.content ?? '';
      return t;
    })();
    await stub.waitFor(() => true);
    const reloaded = new Promise((r) => fw.holder.once('reload', r));
    writeFileSync(fw.policyFile, withModels('"gpt-4o"'));
    await reloaded;
    const second = fw.holder.current().revision;
    expect(second).not.toBe(first);

    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }))
      .rejects.toMatchObject({ status: 403, code: 'firewall_model_not_allowed' });
    stub.set({ chunkDelayMs: 0 });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
    expect(await inFlight).toBe('slow answer here');

    await until(() => fw.audits().filter((a) => a.route === 'chat').length >= 3);
    const chats = fw.audits().filter((a) => a.route === 'chat');
    const streamed = chats.find((a) => a.stream === true)!;
    expect(streamed).toMatchObject({ status: 200, policyRevision: first, decision: 'allow' });
    expect(chats.find((a) => a.code === 'firewall_model_not_allowed')!.policyRevision).toBe(second);
  });

  it('a broken edit keeps the last good policy in force and logs the pointed reason', async () => {
    const good = fw.holder.current().revision;
    const failed = new Promise<Error>((r) => fw.holder.once('reloadFailed', r));
    writeFileSync(fw.policyFile, withModels('"gpt-4o"') + '  broken: { models: "not-a-list" }\n');
    const err = await failed;
    expect(err.message).toBe(`${fw.policyFile}: /agents/broken/models: must be array`);
    expect(fw.holder.current().revision).toBe(good);
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
    const logged = fw.logs.find((l) => l.event === 'policy.reload_failed');
    expect(logged).toMatchObject({ revision: good, reason: err.message });
  });

  it('the next good edit after a broken one is picked up', async () => {
    const reloaded = new Promise((r) => fw.holder.once('reload', r));
    writeFileSync(fw.policyFile, withModels('"gpt-4o", "gpt-4o-mini"'));
    await reloaded;
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  });
});
