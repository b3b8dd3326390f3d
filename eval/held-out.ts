/**
 * Training/validation honesty. The prompt-injection classifier is trained by `eval/train.ts`
 * (detectors side) on the public collection's A_direct, B_indirect, C_benign and F_mcp_tools
 * files plus its own in-memory generated rows, with the split documented in
 * `eval/classifier/data.ts` (`isValidation`: sha256 of the row's group < 0.2, plus whole
 * held-out files). `--exclude-train` removes every row that split put on the training side, for
 * the detectors that learned from it (prompt-injection, tool-poisoning). PII and secrets did not
 * learn from those rows, so they keep them as negatives.
 *
 * The folders are read from eval/train.ts itself (its `loadRows(DATA, '<folder>')` calls), so a
 * change there is followed here; a row counts as a training row only when its file sits in the
 * public collection the trainer reads (`defaultDatasetsDir()`), never our own datasets/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EvalRow } from './dataset.js';
import type { MappedRow } from './mapping.js';

const EVAL_DIR = dirname(fileURLToPath(import.meta.url));

/** Detectors whose learned parts were trained on the public rows. */
export const TRAINED_DETECTORS: readonly string[] = ['prompt-injection', 'tool-poisoning'];

/** Decides whether a row was on the training side. */
export type TrainingPredicate = (row: EvalRow) => boolean;

/** Folders eval/train.ts reads, from its source (fallback: the four named in the header). */
export function trainedFolders(trainSource?: string): string[] {
  const fallback = ['A_direct', 'B_indirect', 'C_benign', 'F_mcp_tools'];
  const file = join(EVAL_DIR, 'train.ts');
  const src = trainSource ?? (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const found = [...src.matchAll(/loadRows\(\s*DATA\s*,\s*'([^']+)'\s*\)/g)].map((m) => m[1]);
  return found.length ? [...new Set(found)] : fallback;
}

/** Loads the split; null predicate (with the reason) when the trainer's split module is absent. */
export async function loadTrainingSplit(): Promise<{ predicate: TrainingPredicate | null; source: string }> {
  const dataTs = join(EVAL_DIR, 'classifier', 'data.ts');
  if (!existsSync(dataTs)) return { predicate: null, source: 'no training split found (eval/classifier/data.ts missing)' };
  const mod = (await import(pathToFileURL(dataTs).href)) as {
    isValidation?: (r: { id: string; file: string; subcategory?: string; label: string; category: string; text: string }) => boolean;
    defaultDatasetsDir?: () => string;
  };
  if (typeof mod.isValidation !== 'function') return { predicate: null, source: 'eval/classifier/data.ts exports no isValidation' };
  const root = resolve(mod.defaultDatasetsDir?.() ?? resolve(process.cwd(), '../shared/datasets'));
  const folders = trainedFolders();
  const isValidation = mod.isValidation;
  const predicate: TrainingPredicate = (row) => {
    if (!row.file) return false;
    const rel = relative(root, row.file);
    if (rel.startsWith('..') || !folders.includes(rel.split('/')[0])) return false;
    return !isValidation({ id: row.id, file: rel, subcategory: row.subcategory, label: row.label, category: row.category, text: row.text });
  };
  return { predicate, source: `eval/classifier/data.ts isValidation over ${root} (${folders.join(', ')})` };
}

/** Drops the trained detectors from rows on the training side; rows left with no detector go. */
export function heldOut(mapped: readonly MappedRow[], predicate: TrainingPredicate | null): { mapped: MappedRow[]; dropped: number } {
  if (!predicate) return { mapped: [...mapped], dropped: 0 };
  let dropped = 0;
  const out: MappedRow[] = [];
  for (const m of mapped) {
    if (!predicate(m.row)) {
      out.push(m);
      continue;
    }
    dropped++;
    const keep = m.detectors.filter((d) => !TRAINED_DETECTORS.includes(d));
    if (keep.length) out.push({ row: m.row, detectors: keep });
  }
  return { mapped: out, dropped };
}
