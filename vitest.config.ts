import { defineConfig } from 'vitest/config';

// Integration tests start real servers (upstream stub, redis, MCP servers) on loopback;
// give them room on a 2-core machine and never run two heavy files at once.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'detectors/**/*.test.ts', 'eval/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
