// Covers the path-prefix check behind `args.<name>.prefix`: lexical refusals (climbs, encodings,
// separators, NUL, tilde, compatibility unicode), prefix boundaries, and symlink resolution via
// a real temporary directory with a symlink pointing outside. Starts nothing.
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPathUnder, lexicalRefusal, normalisePrefix } from '../../../src/mcp/path-guard.js';
import { localRealpath } from '../../../src/mcp/session.js';

describe('path guard', () => {
  const prefix = normalisePrefix('/srv/data');

  it('accepts a plain path under the prefix and the prefix directory itself', () => {
    expect(checkPathUnder('/srv/data/a.txt', prefix)).toBeUndefined();
    expect(checkPathUnder('/srv/data', prefix)).toBeUndefined();
    expect(checkPathUnder('/srv/data/./sub//b.txt', prefix)).toBeUndefined();
  });

  it.each([
    ['/srv/data/../etc/passwd', 'dot-dot-segment'],
    ['/srv/data/%2e%2e/etc/passwd', 'percent-encoding'],
    ['/srv/data/..\\..\\etc', 'backslash'],
    ['/srv/data/a\u0000.txt', 'control-character'],
    ['~/.ssh/id_rsa', 'tilde'],
    ['/srv/data/\uff0e\uff0e/etc', 'non-normalised-unicode'],
    ['srv/data/a.txt', 'relative'],
    ['/srv/database/x', 'outside-prefix'],
    ['/etc/passwd', 'outside-prefix'],
    ['', 'empty'],
    [42, 'not-a-string'],
  ])('refuses %j as %s', (value, reason) => {
    expect(checkPathUnder(value, prefix)).toBe(reason);
  });

  it('reports no lexical problem for an ordinary absolute path', () => {
    expect(lexicalRefusal('/home/user/file name.txt')).toBeUndefined();
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'fw-pathguard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a path that leaves the prefix through a symlink, existing or about to be created', () => {
    const data = path.join(dir, 'data');
    const outside = path.join(dir, 'outside');
    mkdirSync(data); mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'x');
    writeFileSync(path.join(data, 'ok.txt'), 'x');
    symlinkSync(outside, path.join(data, 'link'));
    const p = normalisePrefix(data);
    expect(checkPathUnder(path.join(data, 'ok.txt'), p, localRealpath)).toBeUndefined();
    expect(checkPathUnder(path.join(data, 'link', 'secret.txt'), p, localRealpath)).toBe('symlink-escape');
    expect(checkPathUnder(path.join(data, 'link', 'new-file.txt'), p, localRealpath)).toBe('symlink-escape');
    expect(checkPathUnder(path.join(data, 'new-dir', 'new.txt'), p, localRealpath)).toBeUndefined();
  });
});
