/**
 * Policy YAML for tests: one upstream pointing at a stub, agents with fresh keys.
 */
import { generateKey } from '../../src/auth/index.js';

export interface TestAgent {
  key: string;
  hash: string;
}

/** Fresh keys for the named agents. */
export function keysFor<const N extends string>(...names: N[]): Record<N, TestAgent> {
  const out = {} as Record<N, TestAgent>;
  for (const n of names) out[n] = generateKey() as TestAgent;
  return out;
}

/** A policy with upstream `openai` at `upstreamUrl` (key from FW_TEST_UPSTREAM_KEY) and `agentsYaml` indented under agents. */
export function policyYaml(upstreamUrl: string, agentsYaml: string, extra = ''): string {
  return `version: 1
server: { host: 127.0.0.1, port: 0, bodyLimit: 65536, maxJsonDepth: 16 }
upstreams:
  openai: { baseUrl: "${upstreamUrl}", apiKeyEnv: FW_TEST_UPSTREAM_KEY, timeouts: { connectMs: 1000, headersMs: 2000, bodyMs: 2000 } }
${extra}
agents:
${agentsYaml}
`;
}
