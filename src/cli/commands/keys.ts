/**
 * `llm-firewall keys create --agent NAME`: a new 256-bit agent key, printed once, with the
 * `sha256:` line that goes into the policy. The firewall never stores the key itself.
 */
import { generateKey } from '../../auth/index.js';

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/; // the schema's propertyNames pattern; operator input

/** Print a new key. */
export async function create(opts: { agent?: string }): Promise<number> {
  const agent = String(opts.agent ?? '');
  if (!AGENT_NAME.test(agent)) {
    process.stderr.write(`llm-firewall: --agent must match ${AGENT_NAME.source}\n`);
    return 1;
  }
  const { key, hash } = generateKey();
  process.stdout.write(
    `agent:  ${agent}\n` +
    `key:    ${key}\n` +
    '        (shown once — give it to the agent as its OpenAI apiKey; the firewall keeps only the hash)\n\n' +
    `policy: add this line under agents.${agent}.keys, e.g.\n\n` +
    `  agents:\n    ${agent}:\n      keys:\n        - "${hash}"\n\n` +
    'A running firewall picks the edit up by itself (hot reload).\n',
  );
  return 0;
}
