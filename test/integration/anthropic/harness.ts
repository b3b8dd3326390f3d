/**
 * Test harness for the Messages routes: the real app from `buildApp`, with `anthropicRoutes`
 * registered under `/v1` when `buildApp` does not register it yet (so these tests run before and
 * after the lead wires the plugin in), listening on 127.0.0.1:0, with a parsed log capture.
 * Mirrors `test/helpers/firewall.ts`; close it in teardown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../../src/audit/index.js';
import { anthropicRoutes } from '../../../src/llm/anthropic/routes.js';
import { PolicyHolder } from '../../../src/policy/index.js';
import { buildApp, type AppDeps } from '../../../src/server/app.js';

export interface AnthropicTestFirewall {
  app: FastifyInstance;
  /** `http://127.0.0.1:PORT` — the Anthropic SDK's baseURL (it adds `/v1`). */
  origin: string;
  /** `origin + /v1` — the openai SDK's baseURL. */
  baseURL: string;
  holder: PolicyHolder;
  logText(): string;
  audits(): Array<Record<string, any>>;
  close(): Promise<void>;
}

/** Build the app with the Messages routes, listen on port 0. */
export async function startAnthropicFirewall(opts: Partial<Omit<AppDeps, 'policy' | 'logger'>> & { policy: string; env?: NodeJS.ProcessEnv }): Promise<AnthropicTestFirewall> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-anthropic-'));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, opts.policy);
  const logs: Array<Record<string, any>> = [];
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString('utf8');
      text += s;
      for (const line of s.split('\n')) if (line.trim()) { try { logs.push(JSON.parse(line)); } catch { /* partial line */ } }
      cb();
    },
  });
  const logger = createLogger({ stream, level: 'debug' });
  const holder = await PolicyHolder.open(policyFile, { logger, debounceMs: 30, env: opts.env });
  const { policy: _p, env: _e, ...deps } = opts;
  const app = await buildApp({ ...deps, policy: holder, logger });
  if (!app.hasRoute({ method: 'POST', url: '/v1/messages' })) await app.register(anthropicRoutes, { prefix: '/v1' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app, origin, baseURL: `${origin}/v1`, holder,
    logText: () => text,
    audits: () => logs.filter((l) => l.audit === true),
    async close() {
      holder.close();
      const closing = app.close();
      // Teardown only: an HTTP client may hold a pre-opened socket that never sends a request
      // (seen after an aborted stream); fastify's idle-close leaves it to Node's 60 s headers
      // timeout. Nothing is in flight once the tests are done, so drop every connection.
      app.server.closeAllConnections();
      await closing;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait until `pred()` holds (audit events are written when the response closes). */
export async function until(pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
