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
  body: string;
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
}

/** Run one paced phase. */
export async function pacedLoad(o: PacedOptions): Promise<PacedResult> {
  const pool = new Pool(o.origin, { connections: o.connections });
  const times: number[] = [];
  let errors = 0;
  const total = Math.round(o.rate * o.seconds);
  const inflight: Promise<void>[] = [];
  const one = async (): Promise<void> => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ path: o.path, method: 'POST', body: o.body, headers: o.headers });
      await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) times.push(performance.now() - t0); else errors++;
    } catch { errors++; }
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
  return { times, rps: times.length / elapsed, errors };
}
