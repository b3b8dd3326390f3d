// Covers: every policy fixture under test/fixtures/policies — valid ones compile, each invalid one
// fails with exactly the message in its sibling `.expected` file. Starts nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError } from '../../../src/policy/index.js';

const DIR = join(import.meta.dirname, '../../fixtures/policies');
const yamlIn = (sub: string) => readdirSync(join(DIR, sub)).filter((f) => f.endsWith('.yaml'));

describe('policy fixtures', () => {
  it.each(yamlIn('valid'))('valid fixture %s compiles to a frozen policy', (file) => {
    const policy = parsePolicy(readFileSync(join(DIR, 'valid', file), 'utf8'), file);
    expect(policy.revision).toMatch(/^[0-9a-f]{12}$/);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.doc.agents)).toBe(true);
  });

  it.each(yamlIn('invalid'))('invalid fixture %s is refused with its expected message', (file) => {
    const expected = readFileSync(join(DIR, 'invalid', file.replace(/\.yaml$/, '.expected')), 'utf8');
    let thrown: unknown;
    try {
      parsePolicy(readFileSync(join(DIR, 'invalid', file), 'utf8'), file);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(PolicyError);
    expect((thrown as PolicyError).message).toBe(expected);
  });

  it('every invalid fixture has an expected-message file', () => {
    const names = readdirSync(join(DIR, 'invalid'));
    for (const y of yamlIn('invalid')) expect(names).toContain(y.replace(/\.yaml$/, '.expected'));
  });
});
