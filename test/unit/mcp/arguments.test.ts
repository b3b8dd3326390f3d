// Covers compiled argument constraints for tools/call: RE2 full-match patterns, enum, maxLength,
// numeric ranges, JSON Schema via ajv, arrays checked item by item, denyUnknownArgs, and that a
// refusal names the argument but never echoes its value. Starts nothing.
import { describe, expect, it } from 'vitest';
import { compileToolArgs } from '../../../src/mcp/arguments.js';

describe('argument constraints', () => {
  const rule = compileToolArgs({
    args: {
      path: { prefix: '/srv/data/' },
      paths: { prefix: '/srv/data/', maxLength: 3 },
      ticket: { pattern: '[A-Z]{2,5}-[0-9]+' },
      mode: { enum: ['fast', 'slow'] },
      note: { maxLength: 10 },
      count: { minimum: 1, maximum: 5 },
      opts: { schema: { type: 'object', properties: { deep: { type: 'boolean' } }, additionalProperties: false } },
    },
    denyUnknownArgs: true,
  });

  it('accepts arguments that satisfy every constraint', () => {
    expect(rule.check({ path: '/srv/data/x', paths: ['/srv/data/a', '/srv/data/b'], ticket: 'OPS-12', mode: 'fast', note: 'short', count: 3, opts: { deep: true } })).toBeUndefined();
  });

  it.each([
    [{ path: '/srv/other' }, 'path', 'outside-prefix'],
    [{ paths: ['/srv/data/a', '/etc/passwd'] }, 'paths', 'outside-prefix'],
    [{ paths: ['/srv/data/a', '/srv/data/b', '/srv/data/c', '/srv/data/d'] }, 'paths', 'more than 3'],
    [{ ticket: 'OPS-12; rm -rf /' }, 'ticket', 'pattern'],
    [{ ticket: 7 }, 'ticket', 'string'],
    [{ mode: 'turbo' }, 'mode', 'allowed values'],
    [{ note: 'this is far too long' }, 'note', 'longer than 10'],
    [{ count: 0 }, 'count', 'minimum'],
    [{ count: 6 }, 'count', 'maximum'],
    [{ count: '3' }, 'count', 'number'],
    [{ opts: { deep: 'yes' } }, 'opts', 'schema'],
    [{ extra: 1 }, 'extra', 'not an allowed argument'],
  ])('refuses %j naming %s (%s)', (args, argument, reason) => {
    const r = rule.check(args);
    expect(r?.argument).toBe(argument);
    expect(r?.reason).toContain(reason);
  });

  it('refuses non-object arguments and never repeats the value in the reason', () => {
    expect(rule.check([1, 2])?.reason).toBe('must be an object');
    const r = rule.check({ ticket: 'sk-live-SECRETVALUE' });
    expect(JSON.stringify(r)).not.toContain('SECRETVALUE');
  });

  it('allows unknown arguments when denyUnknownArgs is off and accepts missing arguments', () => {
    const open = compileToolArgs({ args: { path: { prefix: '/a/' } } });
    expect(open.check({ other: 1 })).toBeUndefined();
    expect(open.check(undefined)).toBeUndefined();
  });

  it('throws at compile time on a pattern RE2 cannot compile', () => {
    expect(() => compileToolArgs({ args: { x: { pattern: '(?=lookahead)' } } })).toThrow();
  });
});
