/**
 * The eval run, start to finish: load datasets, keep held-out rows, sample, map rows to
 * detectors, scan, aggregate, check thresholds, write reports, compare with a baseline, calibrate.
 * `llm-firewall eval` is a thin wrapper over `runEval`; tests call it with a stand-in engine.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aggregate } from './aggregate.js';
import { compareReports, renderComparison } from './baseline.js';
import { calibrate, renderCalibration } from './calibrate.js';
import { loadDatasets, sampleRows } from './dataset.js';
import { heldOut, loadTrainingSplit, TRAINED_DETECTORS } from './held-out.js';
import { DETECTOR_IDS, mapRows } from './mapping.js';
import { progressBar } from './progress.js';
import type { EvalReport } from './report-types.js';
import { renderConsole } from './reports/console.js';
import { renderHtml } from './reports/html.js';
import { renderJunit } from './reports/junit.js';
import { renderMarkdown } from './reports/markdown.js';
import { runDetectors, type EngineLike } from './runner.js';
import { applyThresholds, loadThresholds, type ThresholdsFile } from './thresholds.js';

/** Project root (eval/ sits directly under it). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Options of one run; mirrors the CLI flags. */
export interface EvalOptions {
  datasets?: string[];
  detectors?: string[];
  thresholds?: string;
  /** Policy file whose detector settings to measure (engine options and the injection threshold). */
  policy?: string;
  out?: string;
  baseline?: string;
  calibrate?: boolean;
  targetFpr?: number;
  progress?: boolean;
  excludeTrain?: boolean;
  limit?: number;
  seed?: string;
  /** Injected engine (tests); default: createEngine(thresholds.engine). */
  engine?: EngineLike;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
}

/** Per-scan deadline used in eval runs (ms). */
export const EVAL_TIMEOUT_MS = 10_000;

/** Exit codes: 0 ok, 1 a threshold missed, 2 bad usage or input. */
export const EXIT = { ok: 0, thresholdMiss: 1, usage: 2 } as const;

async function defaultEngine(th: ThresholdsFile): Promise<EngineLike> {
  // A computed specifier: the engine is loaded only when no engine was injected (tests inject one).
  const specifier = '../detectors/engine/index.js';
  const mod = (await import(specifier)) as { createEngine: (o: unknown) => EngineLike };
  // Quality must not depend on machine load: a scan that overruns the proxy's per-scan deadline
  // would turn into a fail-closed flag and make results vary between runs. The deadline itself is
  // tested with the engine; here it is raised to EVAL_TIMEOUT_MS (latency is still reported).
  return mod.createEngine({ ...th.engine, timeoutMs: Math.max(th.engine.timeoutMs ?? 0, EVAL_TIMEOUT_MS) });
}

/** Runs the harness; returns the process exit code. */
export async function runEval(opts: EvalOptions): Promise<number> {
  const out = opts.stdout ?? ((s: string) => process.stdout.write(s));
  const err = opts.stderr ?? ((s: string) => process.stderr.write(s));
  const fail = (msg: string) => {
    err(`llm-firewall eval: ${msg}\n`);
    return EXIT.usage;
  };

  const selected = opts.detectors?.length ? new Set(opts.detectors) : undefined;
  for (const d of selected ?? []) if (!(DETECTOR_IDS as readonly string[]).includes(d)) return fail(`unknown detector "${d}" (known: ${DETECTOR_IDS.join(', ')})`);
  const targetFpr = opts.targetFpr ?? 0.01;
  if (!(targetFpr > 0 && targetFpr < 1)) return fail(`--target-fpr must be between 0 and 1 (got ${targetFpr})`);

  const thresholdsPath = opts.thresholds ?? join(PROJECT_ROOT, 'eval', 'thresholds.yaml');
  let th: ThresholdsFile = { decision: {}, engine: {}, checks: [] };
  if (existsSync(thresholdsPath)) {
    try {
      th = loadThresholds(thresholdsPath);
    } catch (e) {
      return fail((e as Error).message);
    }
  } else if (opts.thresholds) return fail(`thresholds file not found: ${opts.thresholds}`);
  if (opts.policy) {
    try {
      const { loadPolicyFile } = (await import('../src/policy/index.js')) as typeof import('../src/policy/index.js');
      const compiled = await loadPolicyFile(opts.policy);
      th = { ...th, engine: compiled.engineOptions, decision: { ...th.decision, 'prompt-injection': compiled.doc.detectors.promptInjection.threshold } };
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  // Calibration is about the rows given (often someone's own traffic): the default gate does not apply.
  const checks = opts.calibrate && !opts.thresholds ? [] : th.checks;

  let loaded;
  try {
    loaded = loadDatasets(opts.datasets?.length ? opts.datasets : [join(PROJECT_ROOT, 'datasets')]);
  } catch (e) {
    return fail((e as Error).message);
  }
  for (const p of loaded.problems.slice(0, 20)) err(`${p.file}:${p.line}: ${p.message} (row skipped)\n`);
  if (loaded.problems.length > 20) err(`… ${loaded.problems.length - 20} more malformed rows (see report.json)\n`);

  let rows = loaded.rows;
  const seed = opts.seed ?? 'llm-firewall-eval';
  if (opts.limit !== undefined) rows = sampleRows(rows, opts.limit, seed);
  const mappedAll = mapRows(rows);
  const unmapped = mappedAll.unmapped;
  let mapped = mappedAll.mapped;
  if (mappedAll.outOfScope.length) err(`pii: ${mappedAll.outOfScope.length} row(s) whose entities are all non-personal types (e.g. ORGANIZATION) not scored\n`);
  if (unmapped.length) err(`${unmapped.length} attack row(s) with a category no detector measures were not scored (e.g. "${unmapped[0].category}")\n`);
  let heldOutNote: string | undefined;
  if (opts.excludeTrain) {
    const split = await loadTrainingSplit();
    const h = heldOut(mapped, split.predicate);
    mapped = h.mapped;
    heldOutNote = split.predicate
      ? `${h.dropped} training row(s) excluded for ${TRAINED_DETECTORS.join(', ')} (split: ${split.source})`
      : `${split.source}; no rows excluded`;
    err(`held-out: ${heldOutNote}\n`);
  }
  if (mapped.length === 0) return fail('no rows to evaluate');

  const engine = opts.engine ?? (await defaultEngine(th));
  // A detector the engine does not have (custom rows without --policy customRules) is skipped
  // with a note, rather than counted as an error on every row.
  const available = engine.detectors;
  if (available) {
    const missing = [...new Set(mapped.flatMap((m) => m.detectors))].filter((d) => !available.has(d) && (!selected || selected.has(d)));
    for (const d of missing) err(`detector "${d}" is not configured in the engine${d === 'custom' ? ' (give --policy with detectors.customRules)' : ''}; its rows are not scored\n`);
    if (missing.length) mapped = mapped.map((m) => ({ row: m.row, detectors: m.detectors.filter((d) => !missing.includes(d)) })).filter((m) => m.detectors.length > 0);
    if (mapped.length === 0) return fail('no rows left to evaluate');
  }
  const bar = progressBar('eval', opts.progress !== false);
  const results = runDetectors(engine, mapped, { selected, decision: th.decision, onProgress: bar.update });
  bar.done();

  const report: EvalReport = {
    version: 1,
    meta: {
      createdAt: new Date().toISOString(),
      node: process.version,
      excludeTrain: opts.excludeTrain === true,
      limitPerDataset: opts.limit ?? null,
      seed,
      files: loaded.files.map((f) => ({ ...f, file: relativeToRoot(f.file) })),
      rows: mapped.length,
      ...(heldOutNote ? { heldOutNote } : {}),
    },
    problems: loaded.problems.map((p) => ({ ...p, file: relativeToRoot(p.file) })),
    unmappedRows: unmapped.length,
    piiOutOfScopeRows: mappedAll.outOfScope.length,
    detectors: aggregate(results, th.decision),
  };
  const outcomes = applyThresholds(report, checks);
  out(renderConsole(report, outcomes));

  if (opts.out) {
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, 'report.json'), JSON.stringify(report, (_k, v) => (v === Infinity ? 'Infinity' : v), 2) + '\n');
    writeFileSync(join(opts.out, 'report.md'), renderMarkdown(report, outcomes));
    writeFileSync(join(opts.out, 'junit.xml'), renderJunit(report, outcomes));
    writeFileSync(join(opts.out, 'report.html'), renderHtml(report, outcomes));
    out(`reports written to ${opts.out}/ (report.json, report.md, junit.xml, report.html)\n`);
  }
  if (opts.baseline) {
    let before: EvalReport;
    try {
      before = JSON.parse(readFileSync(opts.baseline, 'utf8')) as EvalReport;
    } catch (e) {
      return fail(`cannot read baseline ${opts.baseline}: ${(e as Error).message}`);
    }
    if (before.version !== 1 || !Array.isArray(before.detectors)) return fail(`${opts.baseline} is not an eval report.json`);
    out(renderComparison(compareReports(before, report)));
  }
  if (opts.calibrate) out(renderCalibration(calibrate(results, targetFpr), targetFpr));
  return outcomes.some((o) => o.status === 'fail') ? EXIT.thresholdMiss : EXIT.ok;
}

function relativeToRoot(file: string): string {
  return file.startsWith(PROJECT_ROOT + '/') ? file.slice(PROJECT_ROOT.length + 1) : file;
}
