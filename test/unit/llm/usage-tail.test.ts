// Covers usage-tail.ts: reading `usage` from the end of a JSON body (nested details, members after
// it, braces and the key inside strings, absent / truncated / non-object usage), and the
// pass-through stream that keeps only the tail: bytes unchanged across odd chunk boundaries, the
// outcome reported once, 'aborted' when the body never ended. Starts nothing.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { TAIL_BYTES, usageFromTail, usageTailStream } from '../../../src/llm/usage-tail.js';

const tail = (s: string) => Buffer.from(s);

describe('usageFromTail', () => {
  it('reads a chat usage object with nested details at the end of the body', () => {
    const body = '{"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{"prompt_tokens":12,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":4}}}';
    expect(usageFromTail('chat', tail(body))).toEqual({ inputTokens: 12, outputTokens: 5, cachedInputTokens: 4 });
  });

  it('finds usage followed by other members and whitespace', () => {
    const body = '{"data":[1,2], "usage" :\n {"prompt_tokens": 7, "total_tokens": 7},\n "system_fingerprint":"fp_1"}';
    expect(usageFromTail('embeddings', tail(body))).toEqual({ inputTokens: 7, outputTokens: 0 });
  });

  it('is not misled by braces or an escaped key inside strings', () => {
    const body = '{"content":"a } { \\"usage\\": {\\"prompt_tokens\\": 999}","usage":{"prompt_tokens":3,"completion_tokens":2,"note":"}{"}}';
    expect(usageFromTail('chat', tail(body))).toEqual({ inputTokens: 3, outputTokens: 2 });
  });

  it('returns undefined for no usage, a truncated object, or a usage that is not an object', () => {
    expect(usageFromTail('chat', tail('{"data":[0.1,0.2]}'))).toBeUndefined();
    expect(usageFromTail('chat', tail('{"usage":{"prompt_tokens":3,"completion'))).toBeUndefined();
    expect(usageFromTail('chat', tail('{"usage":null}'))).toBeUndefined();
    expect(usageFromTail('chat', tail('{"note":"usage","x":"usage"}'))).toBeUndefined();
  });
});

async function run(chunks: Buffer[]): Promise<{ out: Buffer; outcome: unknown; calls: number }> {
  let outcome: unknown;
  let calls = 0;
  const parts: Buffer[] = [];
  await pipeline(Readable.from(chunks), usageTailStream('responses', (o) => { outcome = o; calls++; }), new Writable({
    write(c: Buffer, _e, cb) { parts.push(c); cb(); },
  }));
  return { out: Buffer.concat(parts), outcome, calls };
}

describe('usageTailStream', () => {
  it('passes every byte through unchanged and reports the usage at the end once, whatever the chunking', async () => {
    const filler = 'x'.repeat(3 * TAIL_BYTES);
    const body = Buffer.from(`{"output":[{"text":"${filler}"}],"usage":{"input_tokens":40,"output_tokens":9,"input_tokens_details":{"cached_tokens":0}}}`);
    for (const size of [1, 7, 4096, TAIL_BYTES - 1, TAIL_BYTES + 3, body.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += size) chunks.push(body.subarray(i, i + size));
      const r = await run(chunks);
      expect(r.out.equals(body)).toBe(true);
      expect(r.outcome).toEqual({ usage: { inputTokens: 40, outputTokens: 9 } });
      expect(r.calls).toBe(1);
    }
  });

  it('reports no usage when it sits before the kept tail (the safe whole-reservation path)', async () => {
    const body = Buffer.from(`{"usage":{"input_tokens":1,"output_tokens":1},"output":"${'y'.repeat(TAIL_BYTES + 10)}"}`);
    expect((await run([body])).outcome).toEqual({ usage: undefined });
  });

  it("reports 'aborted' once when the body is torn down before its end", async () => {
    const outcomes: unknown[] = [];
    const t = usageTailStream('chat', (o) => outcomes.push(o));
    t.on('error', () => undefined); // the pipeline in respond-json.ts owns errors
    t.write(Buffer.from('{"usage":{"prompt_tokens":1}'));
    t.destroy(new Error('upstream reset'));
    await new Promise((r) => t.once('close', r));
    expect(outcomes).toEqual(['aborted']);
  });
});
