/**
 * Argument constraints for `tools/call` (policy `agents.<a>.mcp.<server>.tools.<tool>.args`),
 * compiled once per policy and checked before anything is forwarded. Forms: `schema` (a full
 * JSON Schema, ajv), `prefix` (paths, see `path-guard.ts`), `pattern` (RE2, whole value),
 * `enum`, `maxLength`, `minimum`/`maximum`, and `denyUnknownArgs` on the tool. A constraint on
 * an argument whose value is an array applies to every item (e.g. `read_multiple_files.paths`),
 * except `maxLength`, which then limits the number of items.
 * Refusals name the argument and the kind of violation, never the value.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { RE2 } from 're2';
import type { ArgConstraint, McpToolRule } from '../policy/types.js';
import { checkPathUnder, normalisePrefix } from './path-guard.js';

/** Resolves a path through symlinks, or undefined when it does not exist locally. */
export type RealpathFn = (p: string) => string | undefined;

/** A refusal: which argument and why (safe to show). */
export interface ArgumentRefusal {
  argument: string;
  reason: string;
}

/** A tool's compiled constraints. */
export interface CompiledToolArgs {
  check(args: unknown): ArgumentRefusal | undefined;
}

const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false });

interface CompiledConstraint {
  name: string;
  check(value: unknown): string | undefined;
}

function compileConstraint(name: string, c: ArgConstraint, realpath?: RealpathFn): CompiledConstraint {
  const prefix = c.prefix !== undefined ? normalisePrefix(c.prefix) : undefined;
  // Anchored so the WHOLE value must match; RE2 keeps matching linear on hostile input.
  const re = c.pattern !== undefined ? new RE2(`^(?:${c.pattern})$`, 'su') : undefined;
  const enumSet = c.enum !== undefined ? new Set<unknown>(c.enum) : undefined;
  let validate: ValidateFunction | undefined;
  if (c.schema !== undefined) validate = ajv.compile(c.schema);

  const one = (v: unknown, inArray = false): string | undefined => {
    if (prefix !== undefined) {
      const r = checkPathUnder(v, prefix, realpath);
      if (r) return `path ${r}`;
    }
    if (re !== undefined) {
      if (typeof v !== 'string') return 'must be a string';
      if (!re.test(v)) return 'does not match the allowed pattern';
    }
    if (enumSet !== undefined && !enumSet.has(v)) return 'not one of the allowed values';
    if (!inArray && c.maxLength !== undefined && typeof v === 'string' && v.length > c.maxLength) return `longer than ${c.maxLength}`;
    if (c.minimum !== undefined || c.maximum !== undefined) {
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a number';
      if (c.minimum !== undefined && v < c.minimum) return `below the minimum ${c.minimum}`;
      if (c.maximum !== undefined && v > c.maximum) return `above the maximum ${c.maximum}`;
    }
    return undefined;
  };

  return {
    name,
    check(value: unknown): string | undefined {
      if (validate !== undefined && !validate(value)) {
        const e = validate.errors?.[0];
        return `fails its schema${e ? ` (${e.instancePath || '/'} ${e.message ?? ''})` : ''}`.trim();
      }
      if (Array.isArray(value)) {
        if (c.maxLength !== undefined && value.length > c.maxLength) return `more than ${c.maxLength} items`;
        for (const item of value) {
          const r = one(item, true);
          if (r) return r;
        }
        return undefined;
      }
      return one(value);
    },
  };
}

/**
 * Compile a tool rule's argument constraints. Throws on a bad RE2 pattern or schema (policy load
 * time, never at call time).
 */
export function compileToolArgs(rule: McpToolRule | null | undefined, realpath?: RealpathFn): CompiledToolArgs {
  const entries = Object.entries(rule?.args ?? {}).map(([n, c]) => compileConstraint(n, c, realpath));
  const known = new Set(entries.map((e) => e.name));
  const denyUnknown = rule?.denyUnknownArgs === true;
  return {
    check(args: unknown): ArgumentRefusal | undefined {
      if (args === undefined || args === null) args = {};
      if (typeof args !== 'object' || Array.isArray(args)) return { argument: 'arguments', reason: 'must be an object' };
      const obj = args as Record<string, unknown>;
      if (denyUnknown) {
        for (const k of Object.keys(obj)) if (!known.has(k)) return { argument: k.slice(0, 64), reason: 'is not an allowed argument' };
      }
      for (const e of entries) {
        if (!Object.prototype.hasOwnProperty.call(obj, e.name)) continue;
        const r = e.check(obj[e.name]);
        if (r) return { argument: e.name, reason: r };
      }
      return undefined;
    },
  };
}
