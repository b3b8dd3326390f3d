/**
 * The engine's public surface, as the front ends, `scan` and `eval` use it. The implementation
 * lives beside this file (`create-engine.ts`); this file is the contract.
 */
import type { DetectorId, Finding, ScanContext, ScanResult, Severity, Action } from './types.js';

/** A rule an operator adds in the policy (`detectors.customRules`). RE2 syntax. */
export interface CustomRule {
  id: string;
  kind: 'injection' | 'pii' | 'secret' | 'custom';
  pattern: string;
  action: Action;
  severity: Severity;
  directions: Array<'request' | 'response'>;
  description?: string;
}

/** What the engine is built from (the policy's `detectors` section maps onto this). */
export interface EngineOptions {
  promptInjection?: { enabled?: boolean; threshold?: number };
  /**
   * `names`: how PERSON (when among `entities`) is reported — `anchored` (default) only beside
   * other personal data or in a personal context, `all` wherever a name scores high enough.
   */
  pii?: { enabled?: boolean; entities?: string[]; nlp?: boolean; names?: 'anchored' | 'all' };
  secrets?: { enabled?: boolean };
  toolPoisoning?: { enabled?: boolean };
  customRules?: CustomRule[];
  /** Rule ids whose hits are ignored (built-in or custom), e.g. a rule too noisy for this traffic. */
  disabledRules?: string[];
  /** Per-scan time budget in ms. */
  timeoutMs?: number;
}

/**
 * Typed placeholders for redaction. A vault lives for one request: `[EMAIL_1]` stands for the
 * same value every time it appears, and (when reversible) `restore` puts the originals back into
 * the response to that request.
 */
export interface RedactionVault {
  placeholderFor(type: string, value: string): string;
  restore(text: string): string;
  readonly size: number;
}

/** Incremental scanner for streamed output (bounded hold-back). */
export interface StreamScanner {
  /**
   * Feed the next piece of output. Returns the text that is now safe to release (redacted as
   * needed) and any new findings. Text that a pattern could still complete is held back.
   */
  push(chunk: string): { release: string; findings: Finding[]; blocked: boolean };
  /** End of stream: release what is held, scanned. */
  end(): { release: string; findings: Finding[]; blocked: boolean };
}

export interface Engine {
  readonly detectors: ReadonlyMap<DetectorId | string, { id: string; kind: string }>;
  /** Run the named detectors (all enabled ones when omitted) over one text. */
  scan(text: string, context: ScanContext, which?: Array<DetectorId | string>): ScanResult[];
  /** Replace each finding's span with a typed placeholder from the vault. Spans index `text`. */
  redact(text: string, findings: Finding[], vault: RedactionVault): string;
  newVault(): RedactionVault;
  /**
   * A stream scanner for one response stream. `actionFor(finding)` tells it whether a finding
   * redacts, blocks or only flags (the policy decides).
   */
  streamScanner(
    context: ScanContext,
    which: Array<DetectorId | string>,
    actionFor: (f: Finding) => Action,
    vault: RedactionVault,
  ): StreamScanner;
}
