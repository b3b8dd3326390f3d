/**
 * Runs the detectors over mapped rows and records, per row and detector, the score, the decision,
 * the findings and the wall time. The engine is passed in (anything with the Engine's `scan`), so
 * tests can drive the harness with a stand-in detector.
 */
import { performance } from 'node:perf_hooks';
import type { Finding, ScanContext, ScanResult } from '../detectors/engine/types.js';
import type { EvalRow } from './dataset.js';
import type { MappedRow } from './mapping.js';

/** The part of the engine the harness uses. */
export interface EngineLike {
  scan(text: string, context: ScanContext, which?: string[]): ScanResult[];
  /** The detectors the engine has (the real Engine exposes it); used to skip unconfigured ones. */
  readonly detectors?: ReadonlyMap<string, unknown>;
}

/** One detector's verdict on one row. */
export interface RowResult {
  row: EvalRow;
  detector: string;
  /** The row should be flagged by this detector. */
  positive: boolean;
  score: number;
  flagged: boolean;
  findings: Finding[];
  error?: string;
  ms: number;
}

/** Called after each row with (done, total). */
export type ProgressFn = (done: number, total: number) => void;

/**
 * Files whose texts are retrieved content (e-mails, tables, code, web pages with an instruction
 * possibly planted in them): every file in a folder named `B_indirect`, the public collection's
 * "indirect prompt injection in documents" folder. Decided by the FILE only, never by a row's
 * label, so the clean documents of such a file are scanned exactly like its attacks. Our own
 * `injection/indirect.jsonl` stays user text: several of its carriers open with the user's own
 * request ("Summarise the sales per region from this CSV: …"), i.e. a user message with pasted
 * content, where a request is not a sign of injection.
 */
export function isDocumentFile(row: Pick<EvalRow, 'dataset'>): boolean {
  return row.dataset.split('/')[0]!.toLowerCase() === 'b_indirect';
}

/**
 * The role a row's text has in production, from the kind of file it comes from: tool descriptions
 * are MCP tool descriptions; rows of a retrieved-content file (`isDocumentFile`) are `document`
 * text (what a RAG step or a tool result hands the model: indirect injection); everything else is
 * user text on the LLM path. One context per FILE keeps attack and benign rows of a file
 * comparable. `LLMFW_EVAL_ROLE=document|tool|user` forces one role for every non-tool-description
 * row: `document` shows the false positives of the document-only rules on ordinary prompts.
 */
export function contextFor(row: EvalRow, detector: string): ScanContext {
  if (detector === 'tool-poisoning' || row.toolName !== undefined) {
    return { direction: 'request', surface: 'mcp', role: 'tool-description' };
  }
  const forced = process.env.LLMFW_EVAL_ROLE;
  if (forced === 'document' || forced === 'tool' || forced === 'user') return { direction: 'request', surface: 'llm', role: forced };
  return { direction: 'request', surface: 'llm', role: isDocumentFile(row) ? 'document' : 'user' };
}

/**
 * Scans every row with each of its detectors that is selected. A detector error counts as
 * flagged (the proxy fails closed) and is kept on the result so the report can count it.
 */
export function runDetectors(
  engine: EngineLike,
  mapped: readonly MappedRow[],
  opts: { selected?: ReadonlySet<string>; decision: Readonly<Record<string, number>>; onProgress?: ProgressFn },
): RowResult[] {
  const out: RowResult[] = [];
  const total = mapped.length;
  let done = 0;
  for (const { row, detectors } of mapped) {
    for (const detector of detectors) {
      if (opts.selected && !opts.selected.has(detector)) continue;
      const t0 = performance.now();
      let res: ScanResult | undefined;
      let error: string | undefined;
      try {
        res = engine.scan(row.text, contextFor(row, detector), [detector]).find((r) => r.detector === detector);
        if (!res) error = `detector "${detector}" returned no result`;
        else if (res.error) error = res.error;
      } catch (e) {
        error = (e as Error).message;
      }
      const ms = performance.now() - t0;
      const score = res && Number.isFinite(res.score) ? Math.min(1, Math.max(0, res.score)) : 0;
      const threshold = opts.decision[detector] ?? 0.5;
      out.push({
        row,
        detector,
        positive: row.label === 'attack',
        score,
        flagged: error !== undefined || score >= threshold,
        findings: res?.findings ?? [],
        ...(error !== undefined ? { error } : {}),
        ms,
      });
    }
    done++;
    opts.onProgress?.(done, total);
  }
  return out;
}
