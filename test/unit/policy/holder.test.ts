// Covers: PolicyHolder hot reload — a good edit swaps atomically, a broken edit keeps the last
// good policy and reports why, SIGHUP reloads, in-flight holders of the old object keep it.
// Starts nothing but an fs.watch on a temp directory.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicyHolder, type CompiledPolicy } from '../../../src/policy/index.js';

const MINIMAL = readFileSync(join(import.meta.dirname, '../../fixtures/policies/valid/minimal.yaml'), 'utf8');

function nextEvent<T>(holder: PolicyHolder, name: 'reload' | 'reloadFailed'): Promise<T> {
  return new Promise((resolve) => holder.once(name, resolve));
}

describe('PolicyHolder', () => {
  let dir: string;
  let file: string;
  let holder: PolicyHolder | undefined;
  const logs: Array<Record<string, unknown>> = [];
  const logger = {
    info: (o: object) => logs.push(o as Record<string, unknown>),
    warn: (o: object) => logs.push(o as Record<string, unknown>),
    error: (o: object) => logs.push(o as Record<string, unknown>),
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fw-policy-'));
    file = join(dir, 'policy.yaml');
    writeFileSync(file, MINIMAL);
    logs.length = 0;
  });
  afterEach(() => {
    holder?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a valid edit on disk is picked up and swapped in; the old object stays intact for in-flight requests', async () => {
    holder = (await PolicyHolder.open(file, { logger, debounceMs: 20 })).watch();
    const inFlight: CompiledPolicy = holder.current();
    const reloaded = nextEvent<CompiledPolicy>(holder, 'reload');
    writeFileSync(file, MINIMAL.replace('gpt-4o-mini', 'gpt-4o'));
    const next = await reloaded;
    expect(holder.current()).toBe(next);
    expect(next.revision).not.toBe(inFlight.revision);
    expect(next.agents.get('bot')!.modelAllowed('gpt-4o')).toBe(true);
    expect(inFlight.agents.get('bot')!.modelAllowed('gpt-4o')).toBe(false);
    expect(logs.some((l) => l.event === 'policy.reloaded')).toBe(true);
  });

  it('a broken edit keeps the last good policy and logs the pointed reason', async () => {
    holder = (await PolicyHolder.open(file, { logger, debounceMs: 20 })).watch();
    const good = holder.current();
    const failed = nextEvent<Error>(holder, 'reloadFailed');
    writeFileSync(file, MINIMAL.replace('["gpt-4o-mini"]', '[7]'));
    const err = await failed;
    expect(err.message).toBe(`${file}: /agents/bot/models/0: must be string`);
    expect(holder.current()).toBe(good);
    const logged = logs.find((l) => l.event === 'policy.reload_failed');
    expect(logged?.revision).toBe(good.revision);
  });

  it('SIGHUP reloads the file', async () => {
    holder = await PolicyHolder.open(file, { logger, debounceMs: 10_000 });
    holder.watch();
    writeFileSync(file, MINIMAL + '\n# touched\n');
    const reloaded = nextEvent<CompiledPolicy>(holder, 'reload');
    process.kill(process.pid, 'SIGHUP');
    const next = await reloaded;
    expect(next.revision).not.toBe(MINIMAL);
    expect(holder.current()).toBe(next);
  });

  it('an unchanged file reloads as a no-op with the same revision', async () => {
    holder = await PolicyHolder.open(file);
    const before = holder.current();
    const r = await holder.reload();
    expect(r).toEqual({ ok: true, changed: false, revision: before.revision });
    expect(holder.current()).toBe(before);
  });

  it('prepare runs before the swap (the old policy is still in force) and its failure keeps the last good policy', async () => {
    let seenDuringPrepare: string | undefined;
    let fail = true;
    holder = await PolicyHolder.open(file, {
      logger,
      prepare: async (next) => {
        seenDuringPrepare = holder!.current().revision;
        if (fail) throw new Error(`detector engine: rule custom.bad in ${next.source} does not compile`);
      },
    });
    const first = holder.current().revision;
    writeFileSync(file, MINIMAL.replace('gpt-4o-mini', 'gpt-4o'));
    const failed = await holder.reload();
    expect(failed).toMatchObject({ ok: false, revision: first });
    expect(holder.current().revision).toBe(first);
    expect(seenDuringPrepare).toBe(first);
    expect(logs.find((l) => l.event === 'policy.reload_failed')?.reason).toContain('custom.bad');

    fail = false;
    const ok = await holder.reload();
    expect(ok).toMatchObject({ ok: true, changed: true });
    expect(holder.current().revision).not.toBe(first);
  });
});
