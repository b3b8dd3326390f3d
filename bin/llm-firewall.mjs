#!/usr/bin/env node
// The published entry point. The sources are TypeScript; tsx compiles them on load
// (esbuild, cached), so `npx llm-firewall` works from a checkout with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
