/**
 * Content checks on MCP traffic through the detection engine, as pure functions over JSON
 * values: tool definitions (tool poisoning), call arguments (secrets/PII leaving through a tool),
 * and results, resource contents, prompts and server-initiated requests (indirect prompt
 * injection, secrets/PII coming back). Detectors suggest; the agent's actions decide:
 * - arguments use `actions.request`;
 * - results use `actions.response`, and for prompt injection `response.promptInjection` falling
 *   back to `request.promptInjection` — a tool result is text the model will read as input.
 * `monitorMode` turns every block into a flag. A detector error follows `detectors.failMode`.
 */
import type { Engine } from '../../detectors/engine/api.js';
import type { Action, Finding, ScanContext, TextRole } from '../../detectors/engine/types.js';
import type { ActionsConfig, FailMode } from '../policy/types.js';
import { ACTION_KEY, configuredAction } from '../policy/actions.js';

/** The verdict of one content check. */
export interface ContentVerdict {
  decision: Action;
  /** Rule ids that decided (deduplicated). */
  rules: string[];
  /** The JSON value to forward: redacted when decision is `redact`, else the input. */
  value: unknown;
  /** Set when a detector failed and the fail mode is closed. */
  detectorError?: string;
}

/** What the content stage needs. */
export interface ContentPolicy {
  engine: Engine;
  actions: ActionsConfig;
  monitorMode: boolean;
  failMode: FailMode;
  agent: string;
  /** Per-scan time budget, ms. */
  timeoutMs?: number;
}

const SKIP_KEYS = new Set(['data', 'blob']);
const RANK: Record<Action, number> = { allow: 0, flag: 1, redact: 2, block: 3 };

function present(engine: Engine, ids: string[]): string[] {
  return ids.filter((id) => engine.detectors.has(id));
}

function actionFor(detector: string, f: Finding, p: ContentPolicy, dir: 'request' | 'response'): Action {
  const key = ACTION_KEY[detector];
  let a: Action | undefined = configuredAction(p.actions[dir], detector, f);
  if (a === undefined && key === 'promptInjection' && dir === 'response') a = p.actions.request.promptInjection;
  a ??= f.action;
  // Only detectors with spans of sensitive data can be redacted; injection text is blocked or flagged.
  if (a === 'redact' && key === 'promptInjection') a = 'block';
  return p.monitorMode && a === 'block' ? 'flag' : a;
}

/**
 * Scan every string inside `value` (arguments, structured results) and return the verdict,
 * with redacted strings substituted when the decision is `redact`.
 */
export function scanJson(
  value: unknown,
  p: ContentPolicy,
  dir: 'request' | 'response',
  role: TextRole,
  detectors: string[],
): ContentVerdict {
  const which = present(p.engine, detectors);
  const rules = new Set<string>();
  let decision = 'allow' as Action;
  let detectorError: string | undefined;
  if (which.length === 0) return { decision, rules: [], value };
  const ctx: ScanContext = { direction: dir, surface: 'mcp', role, agent: p.agent };
  if (p.timeoutMs) ctx.deadline = Date.now() + p.timeoutMs;

  // One engine pass per message: every string leaf joined by newlines (a separator a pattern
  // will not match across), spans mapped back to their leaf for redaction.
  const leaves: Array<{ start: number; end: number }> = [];
  const parts: string[] = [];
  let offset = 0;
  const collect = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      leaves.push({ start: offset, end: offset + v.length });
      parts.push(v);
      offset += v.length + 1;
      return;
    }
    if (depth > 64 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) { for (const x of v) collect(x, depth + 1); return; }
    // Base64 payloads (images, audio, blobs) are not text a model reads; skip them.
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (!SKIP_KEYS.has(k)) collect(x, depth + 1);
  };
  collect(value, 0);
  const text = parts.join('\n');
  if (text.length === 0) return { decision, rules: [], value };

  const perLeaf = new Map<number, Finding[]>();
  for (const r of p.engine.scan(text, ctx, which)) {
    if (r.error) {
      if (p.failMode === 'closed') {
        detectorError = `${r.detector}: ${r.error}`.slice(0, 200);
        if (RANK.block > RANK[decision]) decision = p.monitorMode ? 'flag' : 'block';
      }
      rules.add(`${r.detector}.error`);
    }
    for (const f of r.findings) {
      const a = actionFor(String(r.detector), f, p, dir);
      if (a === 'allow') continue;
      rules.add(f.rule);
      if (RANK[a] > RANK[decision]) decision = a;
      if (a !== 'redact') continue;
      leaves.forEach((leaf, i) => {
        if (f.end <= leaf.start || f.start >= leaf.end) return;
        const local = { ...f, start: Math.max(f.start, leaf.start) - leaf.start, end: Math.min(f.end, leaf.end) - leaf.start };
        const list = perLeaf.get(i) ?? [];
        list.push(local);
        perLeaf.set(i, list);
      });
    }
  }
  if (decision !== 'redact') return { decision, rules: [...rules], value, detectorError };

  // Rebuild the value with redacted leaves, in the same traversal order as collect().
  const vault = p.engine.newVault();
  let leafIndex = 0;
  const rebuild = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      const i = leafIndex++;
      const fs = perLeaf.get(i);
      return fs ? p.engine.redact(v, fs, vault) : v;
    }
    if (depth > 64 || v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => rebuild(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = SKIP_KEYS.has(k) ? x : rebuild(x, depth + 1);
    return out;
  };
  return { decision, rules: [...rules], value: rebuild(value, 0), detectorError };
}

/** Detectors applied to tool-call arguments. */
export const ARGUMENT_DETECTORS = ['secrets', 'pii', 'custom'];
/** Detectors applied to results, resources, prompts and server-initiated requests. */
export const RESULT_DETECTORS = ['prompt-injection', 'secrets', 'pii', 'custom'];

/**
 * Scan a tool definition for poisoning: description and input schema (property descriptions,
 * titles, defaults and enums are all text the model reads).
 */
export function scanToolDefinition(
  def: { name: string; description?: string; inputSchema?: unknown },
  engine: Engine,
  agent: string,
): { poisoned: boolean; rules: string[]; error?: string } {
  if (!engine.detectors.has('tool-poisoning')) return { poisoned: false, rules: [] };
  const ctx: ScanContext = { direction: 'response', surface: 'mcp', role: 'tool-description', agent };
  const text = `${def.name}\n${def.description ?? ''}\n${JSON.stringify(def.inputSchema ?? {})}`;
  const rules = new Set<string>();
  let error: string | undefined;
  for (const r of engine.scan(text, ctx, ['tool-poisoning'])) {
    if (r.error) error = r.error;
    for (const f of r.findings) if (f.action !== 'allow') rules.add(f.rule);
  }
  return { poisoned: rules.size > 0 || error !== undefined, rules: error ? [...rules, 'tool-poisoning.error'] : [...rules], error };
}
