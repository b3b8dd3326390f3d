/**
 * Loading labeled JSONL datasets: files (`.jsonl`, `.jsonl.gz`) or directories of them, read in
 * sorted order. A bad row is reported with file and line and skipped; it never stops the run.
 * Entity offsets in the files are Unicode code points (as Python indexes, like the shared
 * collection); rows are handed on with UTF-16 offsets, which is what JS strings and findings use.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Span } from './spans.js';

/** One labeled row, validated. */
export interface EvalRow {
  id: string;
  text: string;
  label: 'attack' | 'benign';
  category: string;
  /** UTF-16 offsets into `text`. */
  entities?: Span[];
  subcategory?: string;
  lang?: string;
  /** Present on tool descriptions (MCP / function tools). */
  toolName?: string;
  /** Explicit detectors this row measures; overrides the category mapping (see mapping.ts). */
  detectors?: string[];
  /** Dataset name: the file's parent folder and base name, e.g. `injection/direct`. */
  dataset: string;
  line: number;
  /** Absolute path of the file the row came from. */
  file?: string;
}

/** A row that could not be used, with where it is and why. */
export interface RowProblem {
  file: string;
  line: number;
  message: string;
}

/** One file that was read. */
export interface DatasetFile {
  name: string;
  file: string;
  rows: number;
  sha256: string;
}

/** The result of loading. */
export interface LoadedDatasets {
  rows: EvalRow[];
  files: DatasetFile[];
  problems: RowProblem[];
}

const EXTS = ['.jsonl.gz', '.jsonl'];

/** Lists dataset files under each path (directories recursively, sorted); throws on a missing path. */
export function listDatasetFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(p, e));
    } else if (EXTS.some((x) => p.endsWith(x))) out.push(p);
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new Error(`dataset path not found: ${p}`);
    }
    if (st.isFile() && !EXTS.some((x) => p.endsWith(x))) throw new Error(`not a .jsonl or .jsonl.gz file: ${p}`);
    walk(p);
  }
  return [...new Set(out.map((f) => resolve(f)))];
}

/** `parent/base` without the extension: stable however the path was given on the command line. */
export function datasetName(file: string): string {
  let base = basename(file);
  for (const x of EXTS) if (base.endsWith(x)) base = base.slice(0, -x.length);
  return `${basename(dirname(file))}/${base}`;
}

/** Reads and validates every row of the given files or directories. */
export function loadDatasets(paths: readonly string[]): LoadedDatasets {
  const rows: EvalRow[] = [];
  const files: DatasetFile[] = [];
  const problems: RowProblem[] = [];
  for (const file of listDatasetFiles(paths)) {
    const raw = readFileSync(file);
    const content = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    const name = datasetName(file);
    const seen = new Set<string>();
    let count = 0;
    const lines = content.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i].trim();
      if (text === '') continue;
      const res = parseRow(text, name, i + 1);
      if (typeof res !== 'string') res.file = file;
      if (typeof res === 'string') {
        problems.push({ file, line: i + 1, message: res });
        continue;
      }
      if (seen.has(res.id)) {
        problems.push({ file, line: i + 1, message: `duplicate id "${res.id}" in this file` });
        continue;
      }
      seen.add(res.id);
      rows.push(res);
      count++;
    }
    files.push({ name, file, rows: count, sha256: createHash('sha256').update(raw).digest('hex') });
  }
  return { rows, files, problems };
}

/** Parses and validates one JSONL line; returns the row or a message saying what is wrong. */
export function parseRow(line: string, dataset: string, lineNo: number): EvalRow | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'row is not a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o.id !== 'string' && typeof o.id !== 'number') return 'missing "id" (string)';
  if (String(o.id) === '') return 'empty "id"';
  if (typeof o.text !== 'string') return `row ${String(o.id)}: missing "text" (string)`;
  if (o.label !== 'attack' && o.label !== 'benign') return `row ${String(o.id)}: "label" must be "attack" or "benign"`;
  if (typeof o.category !== 'string' || o.category === '') return `row ${String(o.id)}: missing "category" (string)`;
  const row: EvalRow = { id: String(o.id), text: o.text, label: o.label, category: o.category, dataset, line: lineNo };
  if (typeof o.subcategory === 'string') row.subcategory = o.subcategory;
  if (typeof o.lang === 'string') row.lang = o.lang;
  if (typeof o.tool_name === 'string') row.toolName = o.tool_name;
  if (o.detectors !== undefined) {
    if (!Array.isArray(o.detectors) || !o.detectors.every((d) => typeof d === 'string')) {
      return `row ${row.id}: "detectors" must be an array of detector ids`;
    }
    row.detectors = o.detectors as string[];
  }
  if (o.entities !== undefined) {
    if (!Array.isArray(o.entities)) return `row ${row.id}: "entities" must be an array`;
    const cps = codePointOffsets(row.text);
    const ents: Span[] = [];
    for (const [k, e] of o.entities.entries()) {
      const x = e as Record<string, unknown>;
      if (typeof x !== 'object' || x === null || typeof x.type !== 'string' || !Number.isInteger(x.start) || !Number.isInteger(x.end)) {
        return `row ${row.id}: entities[${k}] needs "type" (string), "start" and "end" (integers)`;
      }
      const s = x.start as number;
      const en = x.end as number;
      if (s < 0 || en < s || en > cps.length - 1) {
        return `row ${row.id}: entities[${k}] span ${s}..${en} is outside the text (${cps.length - 1} code points)`;
      }
      ents.push({ type: x.type, start: cps[s], end: cps[en] });
    }
    row.entities = ents;
  }
  return row;
}

/** UTF-16 offset of every code-point index 0..n (inclusive of the end). */
function codePointOffsets(text: string): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    out.push(i);
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  out.push(text.length);
  return out;
}

/**
 * Deterministic sample of at most `limit` rows per dataset: rows are ranked by sha256(seed + id)
 * and the first `limit` kept, in their original order. Same seed, same rows, on every machine.
 */
export function sampleRows(rows: readonly EvalRow[], limit: number, seed: string): EvalRow[] {
  const byDataset = new Map<string, EvalRow[]>();
  for (const r of rows) {
    const list = byDataset.get(r.dataset) ?? [];
    list.push(r);
    byDataset.set(r.dataset, list);
  }
  const keep = new Set<EvalRow>();
  for (const list of byDataset.values()) {
    const ranked = list
      .map((r) => ({ r, h: createHash('sha256').update(`${seed}\0${r.id}`).digest('hex') }))
      .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0))
      .slice(0, limit);
    for (const x of ranked) keep.add(x.r);
  }
  return rows.filter((r) => keep.has(r));
}
