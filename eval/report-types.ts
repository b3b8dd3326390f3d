/**
 * The shape of `report.json`, which every other output (console, Markdown, JUnit, HTML, baseline
 * comparison) is rendered from. `version` changes when a field changes meaning.
 */
import type { Confusion, Rates, RecallAtFpr, RocPoint } from './metrics.js';
import type { DatasetFile, RowProblem } from './dataset.js';

/** Metrics for one detector over one slice of rows (dataset × category; `*` = all). */
export interface SliceReport {
  detector: string;
  dataset: string;
  category: string;
  n: number;
  positives: number;
  negatives: number;
  confusion: Confusion;
  rates: Rates;
  auc: number | null;
  recallAtFpr: RecallAtFpr[];
  /** Only on `category: '*'` slices, thinned to at most 200 points. */
  roc?: RocPoint[];
  latencyMs: { p50: number | null; p99: number | null };
  errors: number;
  /**
   * Set on attack-only slices: AUC, ROC and recall-at-FPR were computed against this many benign
   * rows pooled from the whole run (the slice's own confusion counts are unchanged).
   */
  negativesPooled?: number;
}

/** Entity-level metrics of one type. */
export interface EntityTypeReport {
  type: string;
  tp: number;
  fn: number;
  fp: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/** Entity-level metrics of a detector on a dataset with labeled spans. */
export interface EntityReport {
  detector: string;
  dataset: string;
  mode: 'exact' | 'overlap';
  total: EntityTypeReport;
  byType: EntityTypeReport[];
  /** Dataset types that were not scored (mapped to nothing; see entity-types.ts). */
  unscoredTypes: string[];
}

/** A row shown to a person: masked and shortened. */
export interface ExampleRow {
  id: string;
  dataset: string;
  category: string;
  score: number;
  rules: string[];
  text: string;
}

/** Everything about one detector. */
export interface DetectorReport {
  id: string;
  /** Decision threshold used for TP/FP counts (flag when score >= threshold). */
  threshold: number;
  overall: SliceReport;
  slices: SliceReport[];
  entities: EntityReport[];
  /** Over all datasets, by the rows' `lang` (rows without one are left out). category = `lang:xx`. */
  byLanguage: SliceReport[];
  /** Over all datasets, by `subcategory` (family, carrier, template…; groups of ≥ 3 rows, at most 80). */
  bySubcategory: SliceReport[];
  worstMisses: ExampleRow[];
  worstFalsePositives: ExampleRow[];
}

/** report.json */
export interface EvalReport {
  version: 1;
  meta: {
    createdAt: string;
    node: string;
    excludeTrain: boolean;
    limitPerDataset: number | null;
    seed: string;
    files: DatasetFile[];
    rows: number;
    heldOutNote?: string;
  };
  problems: RowProblem[];
  unmappedRows: number;
  /** PII attack rows whose entities are all non-personal types (mapping rule 6), not scored for pii. */
  piiOutOfScopeRows?: number;
  detectors: DetectorReport[];
}
