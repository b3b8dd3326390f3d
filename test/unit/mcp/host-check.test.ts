// Covers the HTTP gateway's DNS-rebinding guard: loopback defaults (any port), IPv6 brackets,
// exact host:port entries, foreign Host or Origin refused, Origin "null" refused. Starts nothing.
import { describe, expect, it } from 'vitest';
import { hostnameOf, hostRefusal } from '../../../src/mcp/host-check.js';

describe('Host/Origin allowlist', () => {
  it('accepts loopback hosts on any port by default, with or without a same-host Origin', () => {
    expect(hostRefusal({ host: '127.0.0.1:8080' }, undefined)).toBeUndefined();
    expect(hostRefusal({ host: 'localhost:3000', origin: 'http://localhost:3000' }, undefined)).toBeUndefined();
    expect(hostRefusal({ host: '[::1]:8080' }, [])).toBeUndefined();
  });

  it('refuses a rebinding Host, a foreign Origin, Origin "null" and a missing Host', () => {
    expect(hostRefusal({ host: 'evil.example:8080' }, undefined)).toContain('Host');
    expect(hostRefusal({ host: 'localhost:8080', origin: 'https://evil.example' }, undefined)).toContain('Origin');
    expect(hostRefusal({ host: 'localhost', origin: 'null' }, undefined)).toBe('Origin "null"');
    expect(hostRefusal({}, undefined)).toBe('missing Host header');
  });

  it('honours configured names and exact host:port entries', () => {
    expect(hostRefusal({ host: 'fw.internal:443' }, ['fw.internal'])).toBeUndefined();
    expect(hostRefusal({ host: 'localhost:8080' }, ['fw.internal'])).toContain('Host');
    expect(hostRefusal({ host: 'fw.internal:9000' }, ['fw.internal:8443'])).toContain('Host');
    expect(hostRefusal({ host: 'FW.Internal:8443' }, ['fw.internal:8443'])).toBeUndefined();
  });

  it('extracts host names from Host values', () => {
    expect(hostnameOf('[::1]:80')).toBe('[::1]');
    expect(hostnameOf('Example.COM:8080')).toBe('example.com');
    expect(hostnameOf('localhost')).toBe('localhost');
  });
});
