/**
 * FROZEN COPY of the detector engine (detectors/engine at commit fe26e2d, before the speed work):
 * normalize, decode, pack, pack-detector, re2-seam, scan-input, create-engine, stream, redact.
 * The classifier, rule files, validators, NLP PII and the contract types are the live modules
 * (re-exported), and the packs are the live ones, so engine-diff.test.ts isolates the engine
 * runtime: both engines must report the same findings and scores on the same inputs. Do not edit.
 */
/**
 * The detection engine's public entry point: `createEngine(options)` and the contract types.
 * Front ends, `scan`, `eval` and the MCP gateway import from here only.
 */
export { createEngine, loadBuiltinPacks, compileCustomRules, PACKS_DIR, REGEX_PII_TYPES } from './create-engine.js';
export { RuleLoadError } from './re2-seam.js';
export { MemoryVault, redactText, mergeSpans } from './redact.js';
export { MAX_HOLD as STREAM_MAX_HOLD } from './stream.js';
export type { Engine, EngineOptions, StreamScanner, RedactionVault, CustomRule } from './api.js';
export type {
  Action, Detector, DetectorId, DetectorKind, Direction, Finding, ScanContext, ScanResult, Severity, Surface, TextRole,
} from './types.js';
