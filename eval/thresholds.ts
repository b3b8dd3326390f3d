/**
 * The quality gate: `eval/thresholds.yaml` sets a minimum recall and/or a maximum false-positive
 * rate per detector × dataset × category. A check whose slice was not evaluated (dataset not
 * given, detector not selected) is skipped, not failed: the gate fails only on a real miss.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EngineOptions } from '../detectors/engine/api.js';
import type { EvalReport, SliceReport } from './report-types.js';

/** One line of the thresholds file. `*` as dataset or category = all rows of the detector. */
export interface ThresholdCheck {
  detector: string;
  dataset: string;
  category: string;
  minRecall?: number;
  maxFpr?: number;
  minPrecision?: number;
  note?: string;
}

/** The thresholds file. */
export interface ThresholdsFile {
  /** Flag when score >= decision[detector] (default 0.5). */
  decision: Record<string, number>;
  /** Options for createEngine (the policy's `detectors` section in engine form). */
  engine: EngineOptions;
  checks: ThresholdCheck[];
}

/** Outcome of one check against one metric. */
export interface CheckOutcome {
  check: ThresholdCheck;
  metric: 'recall' | 'fpr' | 'precision';
  limit: number;
  actual: number | null;
  status: 'pass' | 'fail' | 'skipped';
  reason?: string;
  /** Human name: `prompt-injection / injection/direct / jailbreak: recall`. */
  name: string;
}

const RATE = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;

/** Reads and validates a thresholds file; throws naming the file, the entry and the problem. */
export function loadThresholds(file: string): ThresholdsFile {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  return validateThresholds(doc ?? {}, file);
}

/** Validates a parsed thresholds document. */
export function validateThresholds(doc: unknown, file: string): ThresholdsFile {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${file}: expected a mapping at the top level`);
  const o = doc as Record<string, unknown>;
  const decision: Record<string, number> = Object.create(null);
  for (const [k, v] of Object.entries((o.decision ?? {}) as Record<string, unknown>)) {
    if (!RATE(v)) throw new Error(`${file}: /decision/${k}: expected a number in 0..1`);
    decision[k] = v as number;
  }
  const checks: ThresholdCheck[] = [];
  if (o.checks !== undefined && !Array.isArray(o.checks)) throw new Error(`${file}: /checks: expected a list`);
  for (const [i, c] of ((o.checks ?? []) as unknown[]).entries()) {
    const x = c as Record<string, unknown>;
    const at = `${file}: /checks/${i}`;
    if (typeof x !== 'object' || x === null) throw new Error(`${at}: expected a mapping`);
    if (typeof x.detector !== 'string') throw new Error(`${at}/detector: expected a detector id`);
    for (const k of Object.keys(x)) {
      if (!['detector', 'dataset', 'category', 'minRecall', 'maxFpr', 'minPrecision', 'note'].includes(k)) throw new Error(`${at}/${k}: unknown field`);
    }
    for (const k of ['minRecall', 'maxFpr', 'minPrecision'] as const) {
      if (x[k] !== undefined && !RATE(x[k])) throw new Error(`${at}/${k}: expected a number in 0..1`);
    }
    if (x.minRecall === undefined && x.maxFpr === undefined && x.minPrecision === undefined) {
      throw new Error(`${at}: needs minRecall, maxFpr or minPrecision`);
    }
    checks.push({
      detector: x.detector,
      dataset: typeof x.dataset === 'string' ? x.dataset : '*',
      category: typeof x.category === 'string' ? x.category : '*',
      ...(x.minRecall !== undefined ? { minRecall: x.minRecall as number } : {}),
      ...(x.maxFpr !== undefined ? { maxFpr: x.maxFpr as number } : {}),
      ...(x.minPrecision !== undefined ? { minPrecision: x.minPrecision as number } : {}),
      ...(typeof x.note === 'string' ? { note: x.note } : {}),
    });
  }
  const engine = (o.engine ?? {}) as EngineOptions;
  if (typeof engine !== 'object' || Array.isArray(engine)) throw new Error(`${file}: /engine: expected a mapping`);
  return { decision, engine, checks };
}

function findSlice(report: EvalReport, c: ThresholdCheck): SliceReport | undefined {
  const d = report.detectors.find((x) => x.id === c.detector);
  if (!d) return undefined;
  if (c.dataset === '*' && c.category === '*') return d.overall;
  return d.slices.find((s) => s.dataset === c.dataset && s.category === c.category);
}

/** Evaluates every check against a report. */
export function applyThresholds(report: EvalReport, checks: readonly ThresholdCheck[]): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  for (const c of checks) {
    const slice = findSlice(report, c);
    const base = `${c.detector} / ${c.dataset} / ${c.category}`;
    const metrics: Array<['recall' | 'fpr' | 'precision', number | undefined, 'min' | 'max']> = [
      ['recall', c.minRecall, 'min'],
      ['fpr', c.maxFpr, 'max'],
      ['precision', c.minPrecision, 'min'],
    ];
    for (const [metric, limit, dir] of metrics) {
      if (limit === undefined) continue;
      const name = `${base}: ${metric} ${dir === 'min' ? '>=' : '<='} ${limit}`;
      if (!slice) {
        out.push({ check: c, metric, limit, actual: null, status: 'skipped', reason: 'slice not evaluated in this run', name });
        continue;
      }
      const actual = slice.rates[metric];
      if (actual === null) {
        out.push({ check: c, metric, limit, actual, status: 'skipped', reason: `no ${metric === 'fpr' ? 'negative' : 'positive'} rows`, name });
        continue;
      }
      const pass = dir === 'min' ? actual >= limit - 1e-12 : actual <= limit + 1e-12;
      out.push({ check: c, metric, limit, actual, status: pass ? 'pass' : 'fail', name });
    }
  }
  return out;
}
