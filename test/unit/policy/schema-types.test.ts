// Covers: src/policy/types.ts and policies/schema.json describe the same document — every
// property declared in a TS interface of types.ts exists in the schema, and every schema property
// is declared in types.ts — so the two cannot drift apart silently. Starts nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const typesSrc = readFileSync(join(ROOT, 'src/policy/types.ts'), 'utf8');
const schema = JSON.parse(readFileSync(join(ROOT, 'policies/schema.json'), 'utf8')) as Record<string, unknown>;

/** Property names declared inside `interface X { … }` and object type literals in types.ts. */
function tsProperties(src: string): Set<string> {
  const out = new Set<string>();
  const noComments = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const m of noComments.matchAll(/(?:^|[{;,\s])([A-Za-z_][A-Za-z0-9_]*)\??\s*:/gm)) out.add(m[1]);
  return out;
}

/** Every key under any `properties` object in the schema. */
function schemaProperties(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => schemaProperties(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties' && v && typeof v === 'object') for (const p of Object.keys(v)) out.add(p);
      schemaProperties(v, out);
    }
  }
  return out;
}

const ts = tsProperties(typesSrc);
const js = schemaProperties(schema);
// Names that appear in types.ts as parameters or type keywords rather than policy fields.
const NOT_FIELDS = new Set(['type', 'value']);

describe('policy types and schema agree', () => {
  it('every schema property is declared in types.ts', () => {
    const missing = [...js].filter((p) => !ts.has(p));
    expect(missing).toEqual([]);
  });
  it('every types.ts property exists in the schema', () => {
    const missing = [...ts].filter((p) => !js.has(p) && !NOT_FIELDS.has(p));
    expect(missing).toEqual([]);
  });
});
