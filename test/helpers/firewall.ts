/**
 * Starts the firewall for tests: a policy from YAML text (written to a temp file so hot reload
 * can be exercised), the app from `buildApp` listening on 127.0.0.1:0, and a log capture that
 * parses every pino line. Close it in teardown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/audit/index.js';
import { PolicyHolder } from '../../src/policy/index.js';
import { buildApp, type AppDeps } from '../../src/server/app.js';

export interface TestFirewall {
  app: FastifyInstance;
  /** `http(s)://127.0.0.1:PORT` */
  origin: string;
  /** `origin + /v1`, for the openai SDK's baseURL. */
  baseURL: string;
  holder: PolicyHolder;
  policyFile: string;
  /** Every log line written so far, parsed. */
  logs: Array<Record<string, any>>;
  /** Raw log text (to assert that secrets never appear). */
  logText(): string;
  /** Audit events only. */
  audits(): Array<Record<string, any>>;
  close(): Promise<void>;
}

export interface StartOptions extends Partial<Omit<AppDeps, 'policy' | 'logger'>> {
  /** Policy YAML text. */
  policy: string;
  /** Watch the file for hot reload. */
  watch?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Build, listen on port 0, return handles. */
export async function startFirewall(opts: StartOptions): Promise<TestFirewall> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-test-'));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, opts.policy);
  const logs: Array<Record<string, any>> = [];
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      const s = chunk.toString('utf8');
      text += s;
      for (const line of s.split('\n')) if (line.trim()) { try { logs.push(JSON.parse(line)); } catch { /* partial */ } }
      cb();
    },
  });
  const logger = createLogger({ stream, level: 'debug' });
  const holder = await PolicyHolder.open(policyFile, { logger, debounceMs: 30, env: opts.env });
  if (opts.watch) holder.watch();
  const { policy: _p, watch: _w, env: _e, ...deps } = opts;
  const app = await buildApp({ ...deps, policy: holder, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const scheme = holder.current().doc.server.tls ? 'https' : 'http';
  const origin = `${scheme}://127.0.0.1:${port}`;
  return {
    app, origin, baseURL: `${origin}/v1`, holder, policyFile, logs,
    logText: () => text,
    audits: () => logs.filter((l) => l.audit === true),
    async close() {
      holder.close();
      // Connections a test's client left open (keep-alive, aborted streams) must not hold the
      // teardown: give in-flight responses a moment, then cut what remains.
      const force = setTimeout(() => app.server.closeAllConnections(), 1000);
      force.unref();
      await app.close();
      clearTimeout(force);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait until `pred()` is true (polling), for audit events written on response close. */
export async function until(pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
