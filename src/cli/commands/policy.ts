/**
 * `llm-firewall policy check FILE`: validate and compile a policy. Exit 0 with a summary (and
 * warnings for things that will fail at request time), exit 1 with the pointed error messages.
 */
import { loadPolicyFile, type CompiledPolicy } from '../../policy/index.js';
import { loadBuiltinPacks, REGEX_PII_TYPES } from '../../../detectors/engine/create-engine.js';
import { NLP_TYPES } from '../../../detectors/engine/nlp-pii.js';

/** Warnings that do not make the policy invalid but will bite at runtime. */
export function policyWarnings(p: CompiledPolicy, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const u of p.upstreams.values()) {
    if (u.config.apiKeyEnv && !env[u.config.apiKeyEnv]) out.push(`upstream "${u.name}": environment variable ${u.config.apiKeyEnv} is not set; calls to it will fail with firewall_upstream_not_configured`);
    if (u.config.unsafeSkipTlsVerify) out.push(`upstream "${u.name}": UNSAFE unsafeSkipTlsVerify is on; TLS certificates are not verified`);
  }
  for (const a of p.agents.values()) {
    const hasIdentity = a.doc.keys.length > 0 || (a.doc.clientCertSubjects?.length ?? 0) > 0 || p.doc.auth.jwt !== undefined;
    if (!hasIdentity) out.push(`agent "${a.name}" has no keys yet; create one with: llm-firewall keys create --agent ${a.name}`);
    if (a.doc.models.length === 0) out.push(`agent "${a.name}" may use no model (models: [])`);
  }
  // A misspelt entity type would silently detect nothing: name the ones no detector produces.
  const known = new Set([...REGEX_PII_TYPES, 'PERSON', ...NLP_TYPES]);
  const unknown = (p.doc.detectors.pii.entities ?? []).filter((t) => !known.has(t));
  if (unknown.length > 0) out.push(`detectors.pii.entities: no detector produces ${unknown.join(', ')}; known types: ${[...known].join(', ')}`);
  // A per-entity action for a type that is never detected (not known, or not in `entities`) never applies.
  const enabled = new Set(p.doc.detectors.pii.entities ?? []);
  const actionBlocks: Array<[string, { piiEntities?: Record<string, string> } | undefined]> = [
    ['defaults.actions.request', p.doc.defaults.actions.request], ['defaults.actions.response', p.doc.defaults.actions.response],
  ];
  for (const a of p.agents.values()) actionBlocks.push([`agents.${a.name}.actions.request`, a.doc.actions?.request], [`agents.${a.name}.actions.response`, a.doc.actions?.response]);
  for (const [where, block] of actionBlocks) {
    const never = Object.keys(block?.piiEntities ?? {}).filter((t) => !known.has(t) || !enabled.has(t));
    if (never.length > 0) out.push(`${where}.piiEntities: ${never.join(', ')} ${never.length === 1 ? 'is' : 'are'} not detected (not in detectors.pii.entities, or no detector produces it), so this action never applies`);
  }
  const disabled = p.doc.detectors.disabledRules;
  if (disabled.length > 0) {
    const b = loadBuiltinPacks();
    const ids = new Set<string>();
    for (const pack of [b.injection, b.pii, b.secrets, b.toolPoisoning]) for (const r of pack.rules) ids.add(r.spec.id);
    for (const r of p.doc.detectors.customRules) ids.add(r.id.includes('.') ? r.id : `custom.${r.id}`);
    const missing = disabled.filter((id) => !ids.has(id));
    if (missing.length > 0) out.push(`detectors.disabledRules: no rule has the id ${missing.join(', ')} (rule ids are listed in docs/detectors.md and detectors/packs/)`);
  }
  return out;
}

/** Check a policy file. */
export async function check(_opts: Record<string, unknown>, args: string[]): Promise<number> {
  const file = args[0];
  try {
    const p = await loadPolicyFile(file);
    process.stdout.write(`ok: ${file} (revision ${p.revision}, ${p.agents.size} agent(s), ${p.upstreams.size} upstream(s))\n`);
    for (const w of policyWarnings(p)) process.stdout.write(`warning: ${w}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}
