/**
 * Reading the shared labeled datasets (JSONL, some gzip) and the deterministic split used by
 * training and by the quick measurements. Nothing here copies rows into the project.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One labeled row as the shared datasets store it. */
export interface Row {
  id: string;
  text: string;
  label: 'attack' | 'benign';
  category: string;
  source?: string;
  subcategory?: string;
  lang?: string;
  entities?: Array<{ type: string; start: number; end: number; value: string }>;
  /** File the row came from, relative to the datasets root. */
  file: string;
}

/** Default location of the shared datasets: `../shared/datasets` relative to the repo. */
export function defaultDatasetsDir(): string {
  return process.env.LLMFW_DATASETS ?? resolve(process.cwd(), '../shared/datasets');
}

/** Every row of every `*.jsonl` / `*.jsonl.gz` under `dir` (sorted file order). */
export function loadRows(dir: string, under?: string): Row[] {
  const root = under ? join(dir, under) : dir;
  if (!existsSync(root)) throw new Error(`datasets not found at ${root} (set --data or LLMFW_DATASETS)`);
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.jsonl') || f.endsWith('.jsonl.gz')) files.push(p);
    }
  };
  walk(root);
  const rows: Row[] = [];
  for (const f of files) {
    const buf = readFileSync(f);
    const text = (f.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      rows.push({ ...(JSON.parse(line) as Omit<Row, 'file'>), file: relative(dir, f) });
    }
  }
  return rows;
}

/** Stable 0..1 value from a string (sha256), for splits. */
export function unitHash(s: string, salt = 'llmfw-split-v1'): number {
  return createHash('sha256').update(`${salt}:${s}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * The documented split. A row is held out for validation when the hash of its GROUP falls
 * under 0.2. The group is the row id, except for templated sources where near-identical rows
 * would leak across a row-level split: BIPIA attack rows group by attack (the same attack string is
 * inserted into many contexts; clean contexts split by id), PromptInject rows by attack, CyberSecEval by injection variant.
 * Whole sources listed in `HELD_OUT_FILES` are never trained on.
 */
export const HELD_OUT_FILES = [
  'A_direct/promptmap_rules.jsonl',
  'C_benign/xstest_safe_hard_negatives.jsonl',
];

/** Group key of a row for the split. */
export function splitGroup(r: Row): string {
  const sub = r.subcategory ?? '';
  if (r.file.includes('bipia') && r.label === 'attack') return `bipia:${sub.split('/')[1] ?? sub}`;
  if (r.file.includes('promptinject')) return `pi:${sub.split('/').slice(0, 2).join('/')}`;
  return r.id;
}

/** True when the row belongs to the validation (held-out) side. */
export function isValidation(r: Row): boolean {
  if (HELD_OUT_FILES.includes(r.file)) return true;
  return unitHash(splitGroup(r)) < 0.2;
}
