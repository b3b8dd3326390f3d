// Covers --exclude-train: the folders the trainer reads are taken from eval/train.ts, rows on the
// training side of eval/classifier/data.ts's split lose only the detectors that learned from them,
// and rows outside the public collection (our datasets/) are never treated as training rows.
import { resolve, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isValidation, defaultDatasetsDir } from '../../../eval/classifier/data.js';
import { heldOut, loadTrainingSplit, trainedFolders } from '../../../eval/held-out.js';
import type { EvalRow } from '../../../eval/dataset.js';
import { PROJECT_ROOT } from '../../../eval/run-eval.js';

const root = resolve(defaultDatasetsDir());
const row = (id: string, file: string, extra: Partial<EvalRow> = {}): EvalRow => ({ id, text: 't', label: 'benign', category: 'benign', dataset: 'x/y', line: 1, file, ...extra });

describe('trainedFolders', () => {
  it('reads the loadRows folders from the trainer source', () => {
    expect(trainedFolders("loadRows(DATA, 'A_direct'), loadRows(DATA,'Z_new')")).toEqual(['A_direct', 'Z_new']);
    expect(trainedFolders()).toContain('A_direct');
  });
});

describe('loadTrainingSplit + heldOut', () => {
  it('agrees with isValidation on public rows and never claims rows outside the collection', async () => {
    const { predicate } = await loadTrainingSplit();
    expect(predicate).not.toBeNull();
    const ids = Array.from({ length: 40 }, (_, i) => `garak-${i}`);
    for (const id of ids) {
      const file = join(root, 'A_direct', 'garak_jailbreak_prompts.jsonl');
      const expected = !isValidation({ id, text: 't', label: 'benign', category: 'benign', file: 'A_direct/garak_jailbreak_prompts.jsonl' });
      expect(predicate!(row(id, file))).toBe(expected);
    }
    // A whole held-out file, a folder the trainer does not read, and our own datasets: never training.
    expect(predicate!(row('xstest-1', join(root, 'C_benign', 'xstest_safe_hard_negatives.jsonl')))).toBe(false);
    expect(predicate!(row('presidio-v2-3', join(root, 'D_pii', 'presidio_synth_dataset_v2.jsonl')))).toBe(false);
    expect(predicate!(row('direct-en-1', join(PROJECT_ROOT, 'datasets', 'injection', 'direct.jsonl')))).toBe(false);
  });

  it('drops only prompt-injection and tool-poisoning from a training row, keeping pii and secrets', () => {
    const r = row('c1', '/x');
    const { mapped, dropped } = heldOut([{ row: r, detectors: ['prompt-injection', 'pii', 'secrets'] }, { row: row('f1', '/y'), detectors: ['tool-poisoning'] }], () => true);
    expect(dropped).toBe(2);
    expect(mapped).toEqual([{ row: r, detectors: ['pii', 'secrets'] }]);
  });
});
