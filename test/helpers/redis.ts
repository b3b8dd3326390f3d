/**
 * Starts a private `redis-server` for a test file on a free loopback port (no persistence), and
 * stops it in teardown. `stop()` + `start()` on the same instance simulate an outage and a
 * recovery on the same port. If the binary is missing the suite fails with an install hint,
 * unless `LLMFW_SKIP_REDIS_TESTS=1` (then `redisAvailable()` is false and suites skip, named).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** True unless the operator opted out of Redis tests with LLMFW_SKIP_REDIS_TESTS=1. */
export function redisTestsEnabled(): boolean {
  return process.env.LLMFW_SKIP_REDIS_TESTS !== '1';
}

/** Throws a clear message when redis-server is not installed (and tests are not opted out). */
export function assertRedisInstalled(): void {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error('redis-server is not installed: run `apt-get install -y redis-server` (or set LLMFW_SKIP_REDIS_TESTS=1 to skip the Redis suites).');
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server child process bound to 127.0.0.1:port. */
export class RedisServer {
  #child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Start (or restart) the server and wait until it accepts connections. */
  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${this.port}: ${out}`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}): ${out}`)); });
    });
    child.removeAllListeners('exit');
  }

  /** Kill the server (SIGKILL: an abrupt outage) and wait for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/** Start a fresh redis-server on a free port. */
export async function startRedis(): Promise<RedisServer> {
  assertRedisInstalled();
  const server = new RedisServer(await freePort());
  await server.start();
  return server;
}
