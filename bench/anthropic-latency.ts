/**
 * Added latency and time-to-first-token (TTFT) of the firewall for streamed `/v1/messages`,
 * beside the same for streamed `/v1/chat/completions`, in one run.
 *
 * Setup (all on 127.0.0.1, one process): the OpenAI stub and the Anthropic stub from test/helpers,
 * and the firewall (buildApp + anthropicRoutes) with the real detector engine and an in-memory
 * limiter holding a token budget — so every streamed call goes through auth, authorization,
 * request inspection, reservation, the stream inspector with its hold-back, and settlement.
 * Each API is called directly at its stub and through the firewall, alternating, one request at a
 * time (concurrency 1, so the numbers are per-request costs, not queueing). Two phases: chunks
 * back to back (pure processing overhead) and chunks 2 ms apart (what hold-back adds to TTFT
 * when tokens trickle in, as they do from a real model).
 *
 * Run: npx tsx bench/anthropic-latency.ts [--requests N] [--engine off] [--out FILE]
 * Prints a table and a JSON summary; with --out, writes the JSON there too.
 */
import { writeFileSync } from 'node:fs';
import { createEngine } from '../detectors/engine/index.js';
import { createLimiter } from '../src/limits/index.js';
import { SseParser } from '../src/llm/anthropic/sse.js';
import { startAnthropicStub } from '../test/helpers/anthropic-stub.js';
import { keysFor } from '../test/helpers/policies.js';
import { startUpstreamStub } from '../test/helpers/upstream-stub.js';
import { startAnthropicFirewall } from '../test/integration/anthropic/harness.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
const REQUESTS = Number(arg('--requests') ?? 40);
/** `--engine off` measures the pipeline without detection, to split its cost from the rest. */
const ENGINE = arg('--engine') !== 'off';
const OUT = arg('--out');
const WORDS = ['Hello', ' there,', ' this', ' is', ' a', ' streamed', ' answer', ' from', ' the', ' stub', ' with', ' some', ' words', ' in', ' it', ' and', ' a', ' full', ' stop', '.'];

type Sample = { totalMs: number; ttftMs: number };

/** POST and read the SSE stream; TTFT = first text delta (chat `delta.content`, Anthropic `text_delta`). */
async function streamOnce(url: string, headers: Record<string, string>, body: unknown): Promise<Sample> {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (res.status !== 200 || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const parser = new SseParser();
  let ttft = -1;
  let text = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (const ev of parser.push(chunk)) {
      const j = ev.json as { choices?: Array<{ delta?: { content?: string } }>; type?: string; delta?: { type?: string; text?: string }; error?: unknown } | undefined;
      if (ev.event === 'error' || (j && 'error' in j && j.error)) throw new Error(`stream error: ${ev.data}`);
      const piece = j?.choices?.[0]?.delta?.content ?? (j?.type === 'content_block_delta' && j.delta?.type === 'text_delta' ? j.delta.text : undefined);
      if (piece) {
        if (ttft < 0) ttft = performance.now() - t0;
        text += piece;
      }
    }
  }
  if (text !== WORDS.join('')) throw new Error(`unexpected text: ${text}`);
  return { totalMs: performance.now() - t0, ttftMs: ttft };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const r2 = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const keys = keysFor('bench');
  const openai = await startUpstreamStub({ chunks: WORDS, usage: { input: 20, output: 20 } });
  const anthropic = await startAnthropicStub({ reply: { text: WORDS, ping: true } });
  const limiter = await createLimiter({});
  const fw = await startAnthropicFirewall({
    env: { FW_TEST_UPSTREAM_KEY: 'sk-bench', FW_TEST_ANTHROPIC_KEY: 'sk-ant-bench' },
    engine: ENGINE ? createEngine({}) : undefined,
    limiter,
    policy: `version: 1
server: { host: 127.0.0.1, port: 0, bodyLimit: 262144, maxJsonDepth: 32 }
upstreams:
  openai: { baseUrl: "${openai.url}", kind: openai, apiKeyEnv: FW_TEST_UPSTREAM_KEY }
  anthropic: { baseUrl: "${anthropic.baseUrl}", kind: anthropic, apiKeyEnv: FW_TEST_ANTHROPIC_KEY }
defaults:
  actions:
    # The injection classifier scores some benign streamed prose high; flag keeps the scan (and
    # its cost) in the measurement without ending the stream.
    response: { promptInjection: flag, secrets: redact, pii: redact }
agents:
  bench:
    keys: ["${keys.bench.hash}"]
    upstream: openai
    models: ["gpt-4o-mini", "claude-haiku-4-5"]
    limits: { budgets: [ { window: day, tokens: 1000000000 } ] }
`,
  });
  const prompt = 'Write a short friendly greeting for the benchmark, please.';
  const chatBody = { model: 'gpt-4o-mini', stream: true, max_tokens: 256, messages: [{ role: 'user', content: prompt }] };
  const msgBody = { model: 'claude-haiku-4-5', stream: true, max_tokens: 256, messages: [{ role: 'user', content: prompt }] };
  const paths = {
    'chat direct': () => streamOnce(`${openai.url}/chat/completions`, { authorization: 'Bearer sk-bench' }, chatBody),
    'chat firewall': () => streamOnce(`${fw.baseURL}/chat/completions`, { authorization: `Bearer ${keys.bench.key}` }, chatBody),
    'messages direct': () => streamOnce(`${anthropic.baseUrl}/messages`, { 'x-api-key': 'sk-ant-bench', 'anthropic-version': '2023-06-01' }, msgBody),
    'messages firewall': () => streamOnce(`${fw.baseURL}/messages`, { 'x-api-key': keys.bench.key, 'anthropic-version': '2023-06-01' }, msgBody),
  } as const;
  type PathName = keyof typeof paths;

  const phases = [{ name: 'back-to-back chunks', delayMs: 0 }, { name: 'chunks 2 ms apart', delayMs: 2 }];
  const summary: Record<string, unknown> = { requestsPerPath: REQUESTS, engine: ENGINE, node: process.version, date: new Date().toISOString(), phases: {} };
  try {
    for (const phase of phases) {
      openai.set({ chunkDelayMs: phase.delayMs });
      anthropic.reply = { text: WORDS, delayMs: phase.delayMs };
      const samples = Object.fromEntries(Object.keys(paths).map((k) => [k, [] as Sample[]])) as Record<PathName, Sample[]>;
      const names = Object.keys(paths) as PathName[];
      for (let w = 0; w < 10; w++) for (const n of names) await paths[n](); // warm-up (JIT, pools, tiktoken)
      for (let i = 0; i < REQUESTS; i++) {
        // Alternate the order every round so neither path always runs on a warmer cache.
        const order = i % 2 === 0 ? names : [...names].reverse();
        for (const n of order) samples[n].push(await paths[n]());
      }
      const stats = (n: PathName) => {
        const tot = samples[n].map((s) => s.totalMs);
        const ttft = samples[n].map((s) => s.ttftMs);
        return { p50: r2(pct(tot, 50)), p95: r2(pct(tot, 95)), p99: r2(pct(tot, 99)), ttftP50: r2(pct(ttft, 50)), ttftP95: r2(pct(ttft, 95)) };
      };
      const out: Record<string, unknown> = {};
      console.log(`\n${phase.name} (${REQUESTS} streamed requests per path, concurrency 1, ${WORDS.length} text chunks, engine ${ENGINE ? 'on' : 'off'})`);
      console.log('path                 total p50   p95     p99   | TTFT p50   p95');
      for (const n of names) {
        const s = stats(n);
        out[n] = s;
        console.log(`${n.padEnd(20)} ${String(s.p50).padStart(8)} ${String(s.p95).padStart(7)} ${String(s.p99).padStart(7)} | ${String(s.ttftP50).padStart(8)} ${String(s.ttftP95).padStart(6)}  ms`);
      }
      for (const api of ['chat', 'messages'] as const) {
        const d = stats(`${api} direct` as PathName);
        const f = stats(`${api} firewall` as PathName);
        const added = { p50: r2(f.p50 - d.p50), p95: r2(f.p95 - d.p95), p99: r2(f.p99 - d.p99), ttftP50: r2(f.ttftP50 - d.ttftP50), ttftP95: r2(f.ttftP95 - d.ttftP95) };
        out[`${api} added`] = added;
        console.log(`${`${api} added`.padEnd(20)} ${String(added.p50).padStart(8)} ${String(added.p95).padStart(7)} ${String(added.p99).padStart(7)} | ${String(added.ttftP50).padStart(8)} ${String(added.ttftP95).padStart(6)}  ms`);
      }
      (summary.phases as Record<string, unknown>)[phase.name] = out;
    }
  } finally {
    await fw.close();
    await limiter.close();
    await openai.close();
    await anthropic.close();
  }
  console.log(`\n${JSON.stringify(summary)}`);
  if (OUT) writeFileSync(OUT, JSON.stringify(summary, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
