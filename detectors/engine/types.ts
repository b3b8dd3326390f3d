/**
 * The detector contract. Everything that looks at text — the LLM front end, the MCP front end,
 * `llm-firewall scan` and the eval harness — speaks only these types. Nothing here imports from
 * `src/`: the engine is a library of its own.
 */

/** What a detector looks for. */
export type DetectorKind = 'injection' | 'pii' | 'secret' | 'tool-poisoning' | 'canary' | 'custom';

/** Stable ids of the built-in detectors (the `--detector NAME` of `scan` and `eval`). */
export type DetectorId = 'prompt-injection' | 'pii' | 'secrets' | 'tool-poisoning' | 'custom' | 'canary';

/** What a finding suggests; the policy makes the final call. */
export type Action = 'allow' | 'flag' | 'redact' | 'block';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Which way the text is flowing: into the model/tool (request) or back to the client (response). */
export type Direction = 'request' | 'response';

/** Where the text came from. */
export type Surface = 'llm' | 'mcp';

/**
 * The role of the scanned text in the conversation. Injection detectors weigh `tool` and
 * `document` text (indirect injection) differently from `user` text.
 */
export type TextRole = 'system' | 'user' | 'assistant' | 'tool' | 'document' | 'tool-description' | 'arguments';

/** Context every scan gets. */
export interface ScanContext {
  direction: Direction;
  surface: Surface;
  role?: TextRole;
  /** Agent name, for per-agent rule settings; detectors must not do I/O with it. */
  agent?: string;
  /** Epoch ms after which a detector should stop and report a timeout finding. */
  deadline?: number;
}

/**
 * One match. Spans are offsets into the ORIGINAL text handed to `scan` (UTF-16 code units, as JS
 * strings index), after mapping back through normalisation and decoding.
 */
export interface Finding {
  /** Rule id, `pack.kebab-name`, e.g. `secrets.openai-api-key`. */
  rule: string;
  /** Entity or attack type: `EMAIL`, `OPENAI_API_KEY`, `instruction-override`, … */
  type: string;
  start: number;
  end: number;
  /**
   * Confidence 0..1 that this span is what `type` says: 1 for validated structure
   * (Luhn, mod-97, provider prefix + checksum), lower for pattern-only or context-dependent hits.
   */
  score: number;
  severity: Severity;
  /** What the rule suggests. */
  action: Action;
  /** Masked excerpt safe to log (never the raw match for secrets/PII). */
  excerpt?: string;
}

/** The result of one detector over one text. */
export interface ScanResult {
  detector: DetectorId | string;
  /** Combined score 0..1: the probability-like confidence that the text is an attack / contains the kind. */
  score: number;
  findings: Finding[];
  /** Set when the detector failed or ran out of time; the policy's fail mode decides. */
  error?: string;
  /** Wall time in ms. */
  durationMs?: number;
}

/** The one interface every detector implements. Deterministic, no I/O, bounded time. */
export interface Detector {
  readonly id: DetectorId | string;
  readonly kind: DetectorKind;
  scan(text: string, context: ScanContext): ScanResult;
}
