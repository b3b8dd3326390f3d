/**
 * Training/validation honesty. The prompt-injection classifier is trained (eval/train.ts, by the
 * detectors side) on part of the labeled data; figures we publish must come from rows it did not
 * see. `--exclude-train` drops every row the training split claims. The split is read from
 * `eval/classifier/`: a module `split.ts` exporting `isTrainingRow(id, dataset?)` (preferred), or a
 * `split.json` listing the training ids (`train` or `trainIds`). No split found = nothing was
 * trained on rows with those ids, and the report says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EvalRow } from './dataset.js';

const CLASSIFIER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'classifier');

/** Decides whether a row was used for training. */
export type TrainingPredicate = (id: string, dataset: string) => boolean;

/** Loads the training-split predicate, or null (with the reason) when no split is published. */
export async function loadTrainingSplit(dir = CLASSIFIER_DIR): Promise<{ predicate: TrainingPredicate | null; source: string }> {
  for (const name of ['split.ts', 'split.js']) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const fn = (mod.isTrainingRow ?? mod.inTraining ?? mod.isTrainRow) as ((id: string, dataset?: string) => boolean) | undefined;
    if (typeof fn === 'function') return { predicate: (id, ds) => fn(id, ds), source: file };
  }
  const json = join(dir, 'split.json');
  if (existsSync(json)) {
    const doc = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    const ids = (doc.train ?? doc.trainIds ?? doc.train_ids) as unknown;
    if (Array.isArray(ids)) {
      const set = new Set(ids.map(String));
      return { predicate: (id) => set.has(id), source: json };
    }
  }
  return { predicate: null, source: 'no training split found in eval/classifier/' };
}

/** Keeps the rows the predicate does not claim for training. */
export function heldOut(rows: readonly EvalRow[], predicate: TrainingPredicate | null): { rows: EvalRow[]; dropped: number } {
  if (!predicate) return { rows: [...rows], dropped: 0 };
  const kept = rows.filter((r) => !predicate(r.id, r.dataset));
  return { rows: kept, dropped: rows.length - kept.length };
}
