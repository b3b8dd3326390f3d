// Covers per-agent, per-server authorisation: no entry → nothing; absent lists → everything;
// exact names before globs; resources by prefix and glob (with climbs refused); prompts; and
// authorizeToolCall's denials (codes, rules, no argument values). Starts nothing.
import { describe, expect, it } from 'vitest';
import { authorizeToolCall, compileServerAccess, filterListed } from '../../../src/mcp/authorize.js';

describe('MCP authorisation', () => {
  it('gives an agent without an entry for the server no tool, resource or prompt', () => {
    const a = compileServerAccess('bot', 'fs', undefined);
    expect(a.tool('read_file')).toBeUndefined();
    expect(a.resourceAllowed('file:///x')).toBe(false);
    expect(a.promptAllowed('p')).toBe(false);
  });

  it('allows everything when the entry has no lists, and denies by default once a tools map exists', () => {
    const open = compileServerAccess('bot', 'fs', {});
    expect(open.tool('anything')).toBeDefined();
    const listed = compileServerAccess('bot', 'fs', { tools: { read_file: null as never, 'list_*': {} } });
    expect(listed.tool('read_file')?.key).toBe('read_file');
    expect(listed.tool('list_directory')?.key).toBe('list_*');
    expect(listed.tool('write_file')).toBeUndefined();
    expect(listed.tool('')).toBeUndefined();
  });

  it('prefers an exact tool rule over a matching glob', () => {
    const a = compileServerAccess('bot', 's', { tools: { 'get_*': {}, get_env: { denyUnknownArgs: true } } });
    expect(a.tool('get_env')?.key).toBe('get_env');
  });

  it('matches resources by prefix and glob and refuses URIs that climb or hide a climb', () => {
    const a = compileServerAccess('bot', 's', { resources: ['file:///srv/data/', 'demo://resource/static/*'] });
    expect(a.resourceAllowed('file:///srv/data/a.txt')).toBe(true);
    expect(a.resourceAllowed('file:///srv/data/../../etc/passwd')).toBe(false);
    expect(a.resourceAllowed('file:///srv/data/%2e%2e/etc')).toBe(false);
    expect(a.resourceAllowed('demo://resource/static/document/a.md')).toBe(true);
    expect(a.resourceAllowed('demo://resource/dynamic/1')).toBe(false);
  });

  it('keeps a resource template only when some expansion could be allowed', () => {
    const a = compileServerAccess('bot', 's', { resources: ['file:///srv/data/', 'demo://resource/static/*'] });
    expect(a.templateAllowed('file:///srv/data/{name}')).toBe(true);
    expect(a.templateAllowed('file:///{path}')).toBe(true); // could expand under /srv/data/
    expect(a.templateAllowed('file:///etc/{name}')).toBe(false);
    expect(a.templateAllowed('demo://resource/static/{id}')).toBe(true);
    expect(a.templateAllowed('demo://resource/dynamic/{id}')).toBe(false);
    expect(compileServerAccess('bot', 's', {}).templateAllowed('anything://{x}')).toBe(true);
    expect(compileServerAccess('bot', 's', { resources: [] }).templateAllowed('file:///{path}')).toBe(false);
    expect(compileServerAccess('bot', 's', undefined).templateAllowed('file:///{path}')).toBe(false);
  });

  it('filters prompts by name glob', () => {
    const a = compileServerAccess('bot', 's', { prompts: ['simple-*'] });
    expect(a.promptAllowed('simple-prompt')).toBe(true);
    expect(a.promptAllowed('args-prompt')).toBe(false);
    expect(filterListed([{ name: 'simple-prompt' }, { name: 'args-prompt' }, 'junk'], 'name', a.promptAllowed)).toEqual([{ name: 'simple-prompt' }]);
  });

  it('denies a forbidden tool with firewall_tool_not_allowed and a bad argument with firewall_argument_not_allowed', () => {
    const a = compileServerAccess('bot', 'fs', { tools: { read_file: { args: { path: { prefix: '/srv/' } } } } });
    const t = authorizeToolCall(a, 'write_file', {});
    expect(t.ok).toBe(false);
    if (!t.ok) { expect(t.denial.error.code).toBe('firewall_tool_not_allowed'); expect(t.denial.rules).toEqual(['mcp.tool-allowlist']); }
    const g = authorizeToolCall(a, 'read_file', { path: '/etc/shadow-SECRET' });
    expect(g.ok).toBe(false);
    if (!g.ok) { expect(g.denial.error.code).toBe('firewall_argument_not_allowed'); expect(g.denial.detail).not.toContain('SECRET'); }
    expect(authorizeToolCall(a, 'read_file', { path: '/srv/x' }).ok).toBe(true);
  });
});
