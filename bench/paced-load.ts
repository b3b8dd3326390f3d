/**
 * Open-loop load at a fixed offered rate, for latency benchmarks: request i is dispatched at
 * t0 + i/rate (a 1 ms timer sends whatever is due) over a pool of `connections`, whatever the
 * target's speed, and latency runs from dispatch to the end of the response body (hrtime). A slow
 * target therefore cannot slow the sender down and hide its own queueing (no coordinated omission).
 *
 * Not autocannon's `overallRate`: that gives each connection a quota which resets every second
 * (autocannon lib/httpClient.js), so each second starts with a burst as wide as the pool and the
 * requests at its back queue behind it — latency that the target did not add.
 */
import { Pool } from 'undici';

export interface PacedOptions {
  /** Origin, e.g. `http://127.0.0.1:8787`. */
  origin: string;
  path: string;
  /** The request body, or a function giving each request's body (called before its clock starts). */
  body: string | (() => string);
  headers: Record<string, string>;
  /** Requests per second over all connections. */
  rate: number;
  seconds: number;
  connections: number;
}

export interface PacedResult {
  /** Latencies of the 2xx responses, ms, sorted ascending. */
  times: number[];
  /** Completed 2xx responses per second of the phase. */
  rps: number;
  /** Requests that failed or answered non-2xx. */
  errors: number;
  /** The failures by HTTP status or error name. */
  failures: Record<string, number>;
}

/** Run one paced phase. */
export async function pacedLoad(o: PacedOptions): Promise<PacedResult> {
  const pool = new Pool(o.origin, { connections: o.connections });
  const times: number[] = [];
  let errors = 0;
  const failures: Record<string, number> = {};
  const fail = (why: string | number): void => { errors++; failures[why] = (failures[why] ?? 0) + 1; };
  const bodyOf = typeof o.body === 'function' ? o.body : () => o.body as string;
  const total = Math.round(o.rate * o.seconds);
  const inflight: Promise<void>[] = [];
  const one = async (): Promise<void> => {
    const body = bodyOf();
    const t0 = performance.now();
    try {
      const res = await pool.request({ path: o.path, method: 'POST', body, headers: o.headers });
      await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) times.push(performance.now() - t0); else fail(res.statusCode);
    } catch (err) { fail((err as Error).name); }
  };
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * o.rate) + 1);
      while (sent < due) { sent++; inflight.push(one()); }
      if (sent < total) setTimeout(tick, 1); else resolve();
    };
    tick();
  });
  await Promise.all(inflight);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  times.sort((a, b) => a - b);
  return { times, rps: times.length / elapsed, errors, failures };
}
