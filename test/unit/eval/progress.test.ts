// Covers the progress bar: drawn on a TTY stream (and cleared at the end), silent on a non-TTY
// stream such as a CI log, and silent when disabled (--no-progress). Uses fake streams only.
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../../eval/progress.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, s: { isTTY, write: (x: string) => (writes.push(x), true) } as unknown as NodeJS.WriteStream };
}

describe('progressBar', () => {
  it('draws the bar on a TTY and clears the line when done', () => {
    const t = stream(true);
    const bar = progressBar('eval', true, t.s);
    bar.update(1, 4);
    bar.update(4, 4);
    bar.done();
    expect(t.writes[0]).toContain('1/4 rows');
    expect(t.writes.some((w) => w.includes('[##############################] 4/4 rows'))).toBe(true);
    expect(t.writes.at(-1)).toBe('\r\x1b[2K');
  });
  it('writes nothing to a non-TTY stream or when disabled', () => {
    const ci = stream(false);
    const off = stream(true);
    for (const [x, enabled] of [[ci, true], [off, false]] as const) {
      const bar = progressBar('eval', enabled, x.s);
      bar.update(2, 2);
      bar.done();
      expect(x.writes).toEqual([]);
    }
  });
});
