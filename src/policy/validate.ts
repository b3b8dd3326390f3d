/**
 * Schema validation of a parsed policy document. ajv is compiled once per process with the options
 * every part of the project agrees on (common brief): strict schema, all errors, defaults filled
 * from the schema, and NO type coercion — a `"60"` where an integer belongs is an error, not 60.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** Where the JSON Schema of the policy lives (`policies/schema.json`). */
export const SCHEMA_PATH = fileURLToPath(new URL('../../policies/schema.json', import.meta.url));

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({
      strict: true, strictRequired: false, allowUnionTypes: true, useDefaults: true, allErrors: true, coerceTypes: false,
    });
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
  }
  return compiled;
}

/** One problem: the JSON pointer of the bad field and what was expected there. */
export interface SchemaProblem {
  pointer: string;
  expected: string;
}

/** Turn an ajv error into "what was expected", adding the detail ajv keeps in `params`. */
function describe(e: ErrorObject): SchemaProblem {
  const pointer = e.instancePath === '' ? '/' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  let expected = e.message ?? 'is invalid';
  switch (e.keyword) {
    case 'additionalProperties':
      expected = `unknown property "${String(p.additionalProperty)}"`;
      break;
    case 'enum':
      expected = `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      expected = `must be ${JSON.stringify(p.allowedValue)}`;
      break;
    case 'pattern':
      expected = `must match ${String(p.pattern)}`;
      break;
    case 'propertyNames':
      expected = `property name "${String(p.propertyName)}" is invalid`;
      break;
    default:
      break;
  }
  return { pointer, expected };
}

/**
 * Validate `doc` in place (defaults are written into it). Returns the problems, deduplicated and
 * without the noise ajv adds for `propertyNames` and `oneOf`/`anyOf` wrappers when a more precise
 * error at the same place exists.
 */
export function validatePolicyDocument(doc: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(doc)) return [];
  const errors = validate.errors ?? [];
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // `propertyNames` reports twice (the pattern error on the name, then the wrapper); keep the wrapper.
    if (e.keyword === 'pattern' && e.propertyName !== undefined) continue;
    const problem = describe(e);
    const key = `${problem.pointer}\u0000${problem.expected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}
