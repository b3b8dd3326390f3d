// Covers: GET /metrics behind an admin key when the policy sets admin.protectMetrics — no key and
// an agent's key get 401 (audited, key never logged), the admin key (Bearer or x-admin-key) gets
// the Prometheus text; without the setting /metrics stays open. /healthz never needs a key.
// Starts: the upstream stub and two firewalls on 127.0.0.1:0.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstreamStub, type UpstreamStub } from '../../helpers/upstream-stub.js';
import { startFirewall, until, type TestFirewall } from '../../helpers/firewall.js';
import { keysFor, policyYaml } from '../../helpers/policies.js';

const keys = keysFor('bot');
const ADMIN_KEY = 'fwa_metrics-test-admin-key-0123456789abcdef';
const sha = (k: string) => `sha256:${createHash('sha256').update(k).digest('hex')}`;
let stub: UpstreamStub;
let guarded: TestFirewall;
let open: TestFirewall;
const agents = `  bot:\n    keys: ["${keys.bot.hash}"]\n    models: ["gpt-4o-mini"]`;

beforeAll(async () => {
  stub = await startUpstreamStub();
  const env = { FW_TEST_UPSTREAM_KEY: 'sk-up' };
  guarded = await startFirewall({ env, policy: policyYaml(stub.url, agents, `admin: { keys: ["${sha(ADMIN_KEY)}"], protectMetrics: true }`) });
  open = await startFirewall({ env, policy: policyYaml(stub.url, agents, `admin: { keys: ["${sha(ADMIN_KEY)}"] }`) });
});
afterAll(async () => { await guarded?.close(); await open?.close(); await stub?.close(); });

describe('/metrics with admin.protectMetrics', () => {
  it('refuses no key, a wrong key and an agent key with an OpenAI-shaped 401, and audits the refusal without the key', async () => {
    for (const headers of [{}, { authorization: 'Bearer fwa_wrong' }, { authorization: `Bearer ${keys.bot.key}` }] as Array<Record<string, string>>) {
      const res = await fetch(`${guarded.origin}/metrics`, { headers });
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.error.code).toBe('firewall_unauthenticated');
      expect(body.error.message).toContain('admin key');
      expect(JSON.stringify(body)).not.toContain(keys.bot.key);
    }
    await until(() => guarded.audits().filter((a) => a.route === 'metrics').length >= 3);
    expect(guarded.audits().filter((a) => a.route === 'metrics').every((a) => a.decision === 'deny' && a.status === 401)).toBe(true);
    expect(guarded.logText()).not.toContain(keys.bot.key);
    expect(guarded.logText()).not.toContain('fwa_wrong');
  });

  it('serves the Prometheus text to the admin key, as Bearer or x-admin-key', async () => {
    for (const headers of [{ authorization: `Bearer ${ADMIN_KEY}` }, { 'x-admin-key': ADMIN_KEY }] as Array<Record<string, string>>) {
      const res = await fetch(`${guarded.origin}/metrics`, { headers });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('llmfw_requests_total');
    }
  });

  it('leaves /metrics open without the setting, and /healthz open either way', async () => {
    expect((await fetch(`${open.origin}/metrics`)).status).toBe(200);
    expect((await fetch(`${guarded.origin}/healthz`)).status).toBe(200);
  });
});
