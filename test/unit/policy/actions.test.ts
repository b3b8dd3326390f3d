// Covers the per-finding action lookup shared by the LLM and MCP stages: a detector's action, a
// PII entity type's own action overriding it (`piiEntities`), detectors that act only through a
// per-entity entry, schema validation of the map, and the `policy check` warning for an entity
// type that is never detected. Pure functions and the policy compiler; starts nothing.
import { describe, expect, it } from 'vitest';
import { configuredAction, detectorActs } from '../../../src/policy/actions.js';
import { parsePolicy } from '../../../src/policy/index.js';
import { policyWarnings } from '../../../src/cli/commands/policy.js';

const person = { type: 'PERSON' };
const email = { type: 'EMAIL' };

describe('configuredAction', () => {
  it('takes the PII entity type\'s own action over the detector\'s, and the detector\'s for other types', () => {
    const actions = { pii: 'redact', piiEntities: { PERSON: 'flag' } } as const;
    expect(configuredAction(actions, 'pii', person)).toBe('flag');
    expect(configuredAction(actions, 'pii', email)).toBe('redact');
  });

  it('ignores piiEntities for other detectors, and says nothing for a detector with no action or no key', () => {
    const actions = { secrets: 'block', piiEntities: { SECRET: 'allow', PERSON: 'block' } } as const;
    expect(configuredAction(actions, 'secrets', { type: 'SECRET' })).toBe('block');
    expect(configuredAction(actions, 'prompt-injection', { type: 'INJECTION' })).toBeUndefined();
    expect(configuredAction(actions, 'tool-poisoning', { type: 'X' })).toBeUndefined();
    expect(configuredAction({}, 'pii', person)).toBeUndefined();
  });

  it('lets a per-entity entry make pii act when the detector-wide action is allow or absent', () => {
    expect(detectorActs({ pii: 'allow', piiEntities: { PERSON: 'flag' } }, 'pii')).toBe(true);
    expect(detectorActs({ piiEntities: { PERSON: 'redact' } }, 'pii')).toBe(true);
    expect(detectorActs({ pii: 'allow', piiEntities: { PERSON: 'allow' } }, 'pii')).toBe(false);
    expect(detectorActs({ pii: 'allow' }, 'pii')).toBe(false);
    expect(detectorActs({ secrets: 'flag' }, 'secrets')).toBe(true);
    expect(detectorActs({ secrets: 'flag' }, 'tool-poisoning')).toBe(false);
  });
});

const doc = (actions: string, entities = '[EMAIL, PERSON]') => `version: 1
upstreams:
  openai: { baseUrl: "http://127.0.0.1:9/v1" }
detectors:
  pii: { entities: ${entities}, names: all }
defaults:
  actions:
${actions}
agents:
  bot: { keys: ["sha256:${'a'.repeat(64)}"], models: ["*"] }
`;

describe('piiEntities in a policy', () => {
  it('compiles into the agent\'s merged actions', () => {
    const p = parsePolicy(doc('    request: { pii: redact, piiEntities: { PERSON: flag } }'), 'inline.yaml', { env: {} });
    expect(p.agents.get('bot')!.actions.request).toMatchObject({ pii: 'redact', piiEntities: { PERSON: 'flag' } });
  });

  it('rejects a lower-case type and an unknown action with the JSON pointer of the entry', () => {
    expect(() => parsePolicy(doc('    request: { piiEntities: { person: flag } }'), 'inline.yaml', { env: {} })).toThrow(/piiEntities.*property name "person" is invalid/);
    expect(() => parsePolicy(doc('    request: { piiEntities: { PERSON: hide } }'), 'inline.yaml', { env: {} })).toThrow(/\/defaults\/actions\/request\/piiEntities\/PERSON: must be one of/);
  });

  it('policy check warns about a per-entity action for a type that is not detected', () => {
    const p = parsePolicy(doc('    request: { pii: redact, piiEntities: { PERSON: flag, PHONE: block, NAMES: flag } }'), 'inline.yaml', { env: {} });
    const w = policyWarnings(p, {}).filter((x) => x.includes('piiEntities'));
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('defaults.actions.request.piiEntities: PHONE, NAMES are not detected');
  });
});
