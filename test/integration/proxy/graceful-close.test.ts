// Covers: `app.close()` (what `serve` runs on SIGTERM) is not held by connections with nothing in
// flight — a connection that was opened and never sent a request, and a keep-alive connection idle
// after its request — while a stream in flight still finishes whole. Starts the upstream stub and
// a firewall (`buildApp`) on 127.0.0.1:0 per test; raw TCP sockets and the real openai SDK.
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('bot');
let stub: UpstreamStub | undefined;
let fw: TestFirewall | undefined;
const sockets: Socket[] = [];

async function start(): Promise<TestFirewall> {
  stub = await startUpstreamStub();
  fw = await startFirewall({ env: { FW_TEST_UPSTREAM_KEY: 'sk-up' }, policy: policyYaml(stub.url, `  bot:
    keys: ["${keys.bot.hash}"]
    models: ["gpt-4o-mini"]`) });
  return fw;
}

function open(origin: string): Promise<Socket> {
  const u = new URL(origin);
  const s = connect(Number(u.port), u.hostname);
  sockets.push(s);
  return new Promise((resolve, reject) => { s.once('connect', () => resolve(s)); s.once('error', reject); });
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await fw?.close().catch(() => {});
  await stub?.close();
  fw = undefined;
  stub = undefined;
});

describe('graceful close', () => {
  it('a connection that never sent a request and an idle keep-alive connection do not hold app.close()', async () => {
    const f = await start();
    const silent = await open(f.origin);
    const keepAlive = await open(f.origin);
    keepAlive.write('GET /healthz HTTP/1.1\r\nHost: fw\r\nConnection: keep-alive\r\n\r\n');
    await new Promise((r) => keepAlive.once('data', r));
    const closed = [once(silent), once(keepAlive)];
    const t0 = performance.now();
    await f.app.close();
    expect(performance.now() - t0).toBeLessThan(2000);
    await Promise.all(closed);
  });

  it('a stream in flight when close starts still reaches the client whole', async () => {
    const f = await start();
    stub!.set({ chunks: ['alpha ', 'beta ', 'gamma ', 'delta'], chunkDelayMs: 100 });
    const client = new OpenAI({ baseURL: f.baseURL, apiKey: keys.bot.key, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say four words.' }], stream: true });
    let text = '';
    let closing: Promise<void> | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      closing ??= f.app.close();
    }
    await closing;
    expect(text).toBe('alpha beta gamma delta');
  });
});

/** Resolves when the server side has closed the socket. */
function once(s: Socket): Promise<void> {
  return new Promise((resolve) => { if (s.destroyed || s.readableEnded) resolve(); else { s.once('close', () => resolve()); s.once('end', () => resolve()); s.resume(); } });
}
