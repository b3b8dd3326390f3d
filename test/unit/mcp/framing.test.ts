// Covers stdio framing: lines split across chunks and multi-byte characters split across chunks,
// CRLF endings, blank lines ignored, an oversize line dropped and reported once (its neighbours
// intact), and parseLine's distinctions (not JSON, batch, not JSON-RPC with its id kept) — with a
// parse-error detail that never quotes the input. Uses an in-memory stream; starts nothing.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseLine, readLines } from '../../../src/mcp/framing.js';

function collect(chunks: Buffer[], max: number): Promise<{ lines: string[]; oversize: number[] }> {
  const s = new PassThrough();
  const lines: string[] = [];
  const oversize: number[] = [];
  return new Promise((resolve) => {
    readLines(s, max, { line: (l) => lines.push(l), oversize: (n) => oversize.push(n), end: () => resolve({ lines, oversize }) });
    for (const c of chunks) s.write(c);
    s.end();
  });
}

describe('stdio framing', () => {
  it('reassembles lines and UTF-8 characters split across chunks, strips CR, skips blank lines', async () => {
    const text = Buffer.from('{"a":"é€"}\r\n\n{"b":2}\n');
    const r = await collect([text.subarray(0, 7), text.subarray(7, 9), text.subarray(9)], 1024);
    expect(r.lines).toEqual(['{"a":"é€"}', '{"b":2}']);
    expect(r.oversize).toEqual([]);
  });

  it('drops an oversize line as it streams and keeps the lines around it', async () => {
    const big = Buffer.from(`${'x'.repeat(5000)}\n`);
    const r = await collect([Buffer.from('{"ok":1}\n'), big.subarray(0, 2000), big.subarray(2000), Buffer.from('{"ok":2}\n')], 1024);
    expect(r.lines).toEqual(['{"ok":1}', '{"ok":2}']);
    expect(r.oversize).toEqual([5000]);
  });

  it('tells unparsable JSON, batches and non-JSON-RPC apart, without quoting the input', () => {
    const bad = parseLine('{"token":"sk-SECRET"');
    expect(bad).toMatchObject({ ok: false, kind: 'parse', id: null });
    expect(JSON.stringify(bad)).not.toContain('SECRET');
    expect(parseLine('[{"jsonrpc":"2.0","id":1,"method":"ping"}]')).toMatchObject({ ok: false, kind: 'invalid' });
    expect(parseLine('{"id":7,"method":42}')).toMatchObject({ ok: false, kind: 'invalid', id: 7 });
    expect(parseLine('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toMatchObject({ ok: true });
  });
});
