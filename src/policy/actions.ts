/**
 * The configured action for one finding in one direction: the detector's action, except that a
 * PII finding whose entity type has its own entry in `piiEntities` takes that one. Shared by the
 * LLM and MCP inspection stages so both read the policy the same way.
 */
import type { ActionName, DirectionActions } from './types.js';

/** Per-detector action keys in `actions.request` / `actions.response`. */
export type DetectorActionKey = Exclude<keyof DirectionActions, 'piiEntities'>;

/** Detector id → its key in the actions block. */
export const ACTION_KEY: Readonly<Record<string, DetectorActionKey>> = {
  'prompt-injection': 'promptInjection', secrets: 'secrets', pii: 'pii', custom: 'custom', canary: 'canary',
};

/** What the policy says to do with `finding` of `detector`; undefined when it says nothing. */
export function configuredAction(actions: DirectionActions, detector: string, finding: { type: string }): ActionName | undefined {
  const key = ACTION_KEY[detector];
  if (!key) return undefined;
  if (key === 'pii') return actions.piiEntities?.[finding.type] ?? actions.pii;
  return actions[key];
}

/** Whether a detector's findings can lead to any action other than allow in this direction. */
export function detectorActs(actions: DirectionActions, detector: string): boolean {
  const key = ACTION_KEY[detector];
  if (!key) return false;
  const a = actions[key];
  if (a !== undefined && a !== 'allow') return true;
  return key === 'pii' && Object.values(actions.piiEntities ?? {}).some((v) => v !== 'allow');
}
