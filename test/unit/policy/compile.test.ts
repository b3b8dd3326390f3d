// Covers: what compiling a policy produces — glob allowlists (RE2), merged actions and limits,
// the key-hash index, upstream keys from env (never enumerable), engine options, revision,
// and the shipped example policies. Starts nothing.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyFile, parsePolicy } from '../../../src/policy/index.js';

const FULL = join(import.meta.dirname, '../../fixtures/policies/valid/full.yaml');
const text = readFileSync(FULL, 'utf8');
const policy = parsePolicy(text, 'full.yaml', { env: { FW_TEST_UPSTREAM_KEY: 'sk-upstream-test' } });
const bot = policy.agents.get('support-bot')!;

describe('compiled policy', () => {
  it('model globs allow listed names and patterns and refuse the rest', () => {
    expect(bot.modelAllowed('gpt-4o-mini')).toBe(true);
    expect(bot.modelAllowed('gpt-4.1-nano')).toBe(true);
    expect(bot.modelAllowed('text-embedding-ada-002')).toBe(true);
    expect(bot.modelAllowed('gpt-4o')).toBe(false);
    expect(bot.modelAllowed('xgpt-4.1-nano')).toBe(false);
    expect(bot.modelAllowed('gpt-4.1-nano\nother')).toBe(true); // `*` spans any character incl. newline: still anchored at start
    expect(policy.agents.get('batch')!.modelAllowed('anything/at-all')).toBe(true);
  });

  it('tool globs allow declared tools; an agent without a tool list allows any tool', () => {
    expect(bot.toolAllowed('search_web')).toBe(true);
    expect(bot.toolAllowed('get_weather')).toBe(true);
    expect(bot.toolAllowed('delete_everything')).toBe(false);
    expect(policy.agents.get('batch')!.toolAllowed('delete_everything')).toBe(true);
  });

  it('actions merge defaults with agent overrides and limits merge defaults, team and agent', () => {
    expect(bot.actions.request).toEqual({ promptInjection: 'block', secrets: 'block', pii: 'block', custom: 'block' });
    expect(bot.actions.response.secrets).toBe('redact');
    expect(bot.limits).toEqual({ requestsPerMinute: 30, tokensPerMinute: 500 });
    expect(policy.agents.get('batch')!.limits).toEqual({ requestsPerMinute: 100, tokensPerMinute: 1000 });
  });

  it('indexes key hashes, JWT subjects and certificate subjects to agent names', () => {
    const hex = createHash('sha256').update('test-key').digest('hex');
    expect(policy.keyIndex.get(hex)?.agent).toBe('support-bot');
    expect(policy.keyIndex.get(hex)?.digest.length).toBe(32);
    expect(policy.jwtSubjects.get('svc-support')).toBe('support-bot');
    expect(policy.jwtSubjects.get('batch')).toBe('batch');
    expect(policy.certSubjects.get('support-client')).toBe('support-bot');
  });

  it('reads the upstream key from env into a non-enumerable field and trims the base URL', () => {
    const up = policy.upstreams.get('openai')!;
    expect(up.apiKey).toBe('sk-upstream-test');
    expect(JSON.stringify(up)).not.toContain('sk-upstream-test');
    expect(policy.upstreams.get('local')!.baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(policy.upstreams.get('local')!.apiKey).toBeUndefined();
    expect(bot.upstream).toBe('openai');
    expect(policy.agents.get('batch')!.upstream).toBe('local');
  });

  it('--upstream-url replaces every upstream base URL', () => {
    const p = parsePolicy(text, 'full.yaml', { upstreamUrl: 'http://127.0.0.1:1234/v1/' });
    expect([...p.upstreams.values()].map((u) => u.baseUrl)).toEqual(['http://127.0.0.1:1234/v1', 'http://127.0.0.1:1234/v1']);
  });

  it('maps detectors onto engine options and fills schema defaults', () => {
    expect(policy.engineOptions.customRules).toEqual([
      { id: 'custom.project-name', kind: 'custom', pattern: '(?i)project\\s+falcon', action: 'block', severity: 'high', directions: ['request', 'response'] },
    ]);
    expect(policy.engineOptions.pii?.entities).toContain('EMAIL');
    expect(policy.doc.server.shutdownGraceMs).toBe(10000);
  });

  it('revision is the first 12 hex digits of the sha256 of the file content', () => {
    expect(policy.revision).toBe(createHash('sha256').update(text).digest('hex').slice(0, 12));
  });

  it('refuses to be mutated', () => {
    expect(() => { (policy.doc.agents['support-bot'].models as string[]).push('gpt-5'); }).toThrow(TypeError);
  });

  it('a missing file is refused naming the file', async () => {
    await expect(loadPolicyFile('/nonexistent/policy.yaml')).rejects.toThrow('/nonexistent/policy.yaml: /: cannot read the file (ENOENT)');
  });

  it.each(readdirSync(join(import.meta.dirname, '../../../policies')).filter((f) => f.endsWith('.yaml')))(
    'shipped example policies/%s is valid', async (file) => {
      const p = await loadPolicyFile(join(import.meta.dirname, '../../../policies', file));
      expect(p.agents.size).toBeGreaterThan(0);
    });
});
