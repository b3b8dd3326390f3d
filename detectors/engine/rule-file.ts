/**
 * Rule files (`detectors/packs/<pack>/<rule>.yaml`, one rule each) and their validation. A rule
 * that is malformed or whose pattern RE2 rejects refuses to load, and the error names the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Action, Severity } from './types.js';
import { RuleLoadError } from './re2-seam.js';
import { VALIDATORS } from './validators.js';

/** Context words near a match raise (or, when `required`, gate) its confidence, as in Presidio. */
export interface ContextSpec {
  words: string[];
  /** Characters either side of the match searched for the words. */
  window: number;
  /** Added to the score when a word is present. */
  boost: number;
  /** Drop the match when no word is present. */
  required: boolean;
}

/** One rule, as written in its YAML file (after defaults). */
export interface RuleSpec {
  id: string;
  description: string;
  /** Entity or attack type reported in findings (`EMAIL`, `instruction-override`). */
  type: string;
  patterns: string[];
  /** `i` for case-insensitive (strict-view packs; folded views are lower case already). */
  flags: string;
  /** Lower-case substrings; the rule runs only when one is present (empty = always). */
  keywords: string[];
  score: number;
  severity: Severity;
  action: Action;
  tags: string[];
  validator?: string;
  /** Capture group holding the sensitive value (0 = whole match). */
  group: number;
  /** Minimum Shannon entropy (bits/char) of the value. */
  entropy?: number;
  context?: ContextSpec;
  /** Only for text in these roles (e.g. `document`, `tool`: retrieved content); all when absent. */
  roles?: string[];
  examples: { tp: string[]; fp: string[] };
  /** File it came from (for messages). */
  file?: string;
}

const SEVERITIES = new Set(['low', 'medium', 'high', 'critical']);
const ACTIONS = new Set(['allow', 'flag', 'redact', 'block']);

function strings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new Error('expected a string or a list of strings');
}

/** Validate a parsed rule object and fill defaults. @throws RuleLoadError naming the rule. */
export function toRuleSpec(raw: unknown, file?: string): RuleSpec {
  const r = raw as Record<string, unknown>;
  const id = typeof r?.id === 'string' ? r.id : `<${file ?? 'unknown'}>`;
  const fail = (msg: string): never => { throw new RuleLoadError(id, `${msg}${file ? ` (${file})` : ''}`); };
  if (typeof r !== 'object' || r === null) fail('rule must be a mapping');
  if (typeof r.id !== 'string' || !r.id.includes('.')) fail('id must look like pack.kebab-name');
  let patterns: string[] = [];
  try { patterns = [...strings(r.pattern), ...strings(r.patterns)]; } catch (e) { fail(`pattern: ${(e as Error).message}`); }
  if (!patterns.length) fail('needs pattern or patterns');
  const severity = (r.severity ?? 'medium') as Severity;
  if (!SEVERITIES.has(severity)) fail(`severity must be one of ${[...SEVERITIES].join(', ')}`);
  const action = (r.action ?? 'flag') as Action;
  if (!ACTIONS.has(action)) fail(`action must be one of ${[...ACTIONS].join(', ')}`);
  const score = r.score === undefined ? 0.8 : Number(r.score);
  if (!(score >= 0 && score <= 1)) fail('score must be within 0..1');
  if (r.validator !== undefined && (typeof r.validator !== 'string' || !VALIDATORS[r.validator])) {
    fail(`unknown validator ${String(r.validator)}; known: ${Object.keys(VALIDATORS).join(', ')}`);
  }
  const ctx = r.context as Record<string, unknown> | undefined;
  const ex = (r.examples ?? {}) as Record<string, unknown>;
  const context = ctx ? {
    words: strings(ctx.words).map((w) => w.toLowerCase()),
    window: typeof ctx.window === 'number' ? ctx.window : 48,
    boost: typeof ctx.boost === 'number' ? ctx.boost : 0.25,
    required: ctx.required === true,
  } : undefined;
  let keywords = strings(r.keywords).map((k) => k.toLowerCase());
  // A rule that needs a context word cannot fire without one: its context words are its keywords.
  if (!keywords.length && context?.required) keywords = context.words;
  return {
    id: r.id as string,
    description: typeof r.description === 'string' ? r.description : '',
    type: typeof r.type === 'string' ? r.type : (r.id as string).split('.')[1] ?? 'custom',
    patterns,
    flags: typeof r.flags === 'string' ? r.flags : '',
    keywords,
    score,
    severity,
    action,
    tags: strings(r.tags),
    validator: r.validator as string | undefined,
    group: typeof r.group === 'number' ? r.group : 0,
    entropy: typeof r.entropy === 'number' ? r.entropy : undefined,
    context,
    roles: r.roles === undefined ? undefined : strings(r.roles),
    examples: { tp: strings(ex.tp), fp: strings(ex.fp) },
    file,
  };
}

/** Load every `*.yaml` rule of one pack directory, sorted by file name (deterministic order). */
export function loadPackDir(dir: string): RuleSpec[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const seen = new Set<string>();
  return files.map((f) => {
    const path = join(dir, f);
    let raw: unknown;
    try { raw = parseYaml(readFileSync(path, 'utf8')); } catch (e) { throw new RuleLoadError(`<${path}>`, `YAML: ${(e as Error).message}`); }
    const spec = toRuleSpec(raw, path);
    if (seen.has(spec.id)) throw new RuleLoadError(spec.id, `duplicate id (${path})`);
    seen.add(spec.id);
    return spec;
  });
}
