// Covers dataset loading (files, directories, .jsonl.gz), malformed rows reported with file and
// line and skipped, code-point → UTF-16 entity offsets, seeded sampling and the row → detector
// mapping. Writes small files to a temporary directory; starts nothing.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDatasets, sampleRows } from '../../../eval/dataset.js';
import { mapRows } from '../../../eval/mapping.js';

const dir = mkdtempSync(join(tmpdir(), 'eval-ds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (o: unknown) => JSON.stringify(o);

describe('loadDatasets', () => {
  it('skips malformed rows, naming file and line, and keeps the good ones', () => {
    mkdirSync(join(dir, 'bad'));
    const f = join(dir, 'bad', 'mixed.jsonl');
    writeFileSync(
      f,
      [
        line({ id: 'a', text: 'hello', label: 'benign', category: 'benign' }),
        '{not json',
        line({ id: 'b', text: 'x', label: 'maybe', category: 'benign' }),
        '',
        line({ id: 'c', label: 'attack', category: 'injection' }),
        line({ id: 'd', text: 'abc', label: 'attack', category: 'pii', entities: [{ type: 'EMAIL', start: 2, end: 9 }] }),
        line({ id: 'a', text: 'dup', label: 'benign', category: 'benign' }),
        '[1,2]',
        line({ id: 'e', text: 'ok', label: 'attack', category: 'injection' }),
      ].join('\n'),
    );
    const { rows, problems, files } = loadDatasets([f]);
    expect(rows.map((r) => r.id)).toEqual(['a', 'e']);
    expect(problems.map((p) => [p.line, p.message.split(' ')[0]])).toEqual([
      [2, 'not'],
      [3, 'row'],
      [5, 'row'],
      [6, 'row'],
      [7, 'duplicate'],
      [8, 'row'],
    ]);
    expect(problems[0].file).toBe(f);
    expect(problems[1].message).toContain('"label" must be "attack" or "benign"');
    expect(problems[3].message).toContain('outside the text');
    expect(files[0]).toMatchObject({ name: 'bad/mixed', rows: 2 });
  });

  it('reads directories recursively in sorted order, including .jsonl.gz, and names datasets parent/base', () => {
    mkdirSync(join(dir, 'tree', 'b'), { recursive: true });
    mkdirSync(join(dir, 'tree', 'a'), { recursive: true });
    writeFileSync(join(dir, 'tree', 'b', 'two.jsonl'), line({ id: '2', text: 't', label: 'benign', category: 'benign' }) + '\n');
    writeFileSync(join(dir, 'tree', 'a', 'one.jsonl.gz'), gzipSync(line({ id: '1', text: 't', label: 'benign', category: 'benign' }) + '\n'));
    writeFileSync(join(dir, 'tree', 'a', 'notes.md'), '# ignored');
    const { rows } = loadDatasets([join(dir, 'tree')]);
    expect(rows.map((r) => `${r.dataset}:${r.id}`)).toEqual(['a/one:1', 'b/two:2']);
  });

  it('converts code-point entity offsets to UTF-16 offsets around astral characters', () => {
    const text = '😀 mail x@y.example now';
    // code points: 😀=0, space=1, "mail"=2..5, space=6, email starts at 7 and is 11 long
    const f = join(dir, 'emoji.jsonl');
    writeFileSync(f, line({ id: 'u', text, label: 'attack', category: 'pii', entities: [{ type: 'EMAIL', start: 7, end: 18 }] }));
    const [row] = loadDatasets([f]).rows;
    const e = row.entities![0];
    expect(text.slice(e.start, e.end)).toBe('x@y.example');
  });

  it('fails clearly on a missing path', () => {
    expect(() => loadDatasets([join(dir, 'nope')])).toThrow(/dataset path not found/);
  });
});

describe('sampleRows', () => {
  const rows = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, text: 't', label: 'benign' as const, category: 'benign', dataset: 'x/y', line: i + 1 }));
  it('is deterministic for a seed, keeps original order, and changes with the seed', () => {
    const a = sampleRows(rows, 10, 's1').map((r) => r.id);
    expect(sampleRows(rows, 10, 's1').map((r) => r.id)).toEqual(a);
    expect(a).toHaveLength(10);
    expect([...a].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)))).toEqual(a);
    expect(sampleRows(rows, 10, 's2').map((r) => r.id)).not.toEqual(a);
  });
});

describe('mapRows', () => {
  const R = (id: string, dataset: string, label: 'attack' | 'benign', category: string, extra: Record<string, unknown> = {}) => ({ id, text: 't', label, category, dataset, line: 1, ...extra });
  it('maps attacks by category and benign rows by their file, tool name or the general rule', () => {
    const { mapped, unmapped, outOfScope } = mapRows([
      R('1', 'A/direct', 'attack', 'jailbreak'),
      R('2', 'A/direct', 'benign', 'benign'),
      R('3', 'E/secrets', 'attack', 'secret'),
      R('4', 'E/secrets', 'benign', 'hard_negative'),
      R('5', 'C/benign', 'benign', 'hard_negative'),
      R('6', 'F/tools', 'benign', 'benign', { toolName: 'read_file' }),
      R('7', 'F/tools', 'attack', 'tool_poisoning', { toolName: 'x' }),
      R('8', 'Z/odd', 'attack', 'weird'),
      R('9', 'Z/odd', 'benign', 'benign', { detectors: ['custom'] }),
      R('10', 'D/pii', 'attack', 'pii', { entities: [{ type: 'ORGANIZATION', start: 0, end: 1 }] }),
      R('11', 'D/pii', 'attack', 'pii', { entities: [{ type: 'ORGANIZATION', start: 0, end: 1 }, { type: 'PHONE_NUMBER', start: 0, end: 1 }] }),
    ]);
    const got = Object.fromEntries(mapped.map((m) => [m.row.id, m.detectors.join(',')]));
    expect(got).toEqual({
      '1': 'prompt-injection',
      '2': 'prompt-injection',
      '3': 'secrets',
      '4': 'secrets',
      '5': 'prompt-injection,pii,secrets',
      '6': 'tool-poisoning',
      '7': 'tool-poisoning',
      '9': 'custom',
      '11': 'pii',
    });
    expect(unmapped.map((r) => r.id)).toEqual(['8']);
    expect(outOfScope.map((r) => r.id)).toEqual(['10']); // only non-personal entity types
  });
});
