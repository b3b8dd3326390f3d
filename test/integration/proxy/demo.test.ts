// Covers: `llm-firewall demo` (what `npm run demo` runs) as a user runs it, offline: it exits 0
// and shows every scripted decision, including the blocked injection, the placeholder the provider
// received for a redacted secret, and the MCP gateway's allowed and refused tool calls.
// Starts: `node bin/llm-firewall.mjs demo` as a child process (it starts its own stub, firewall and
// MCP filesystem server, and closes them before exiting).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/llm-firewall.mjs');

describe('llm-firewall demo', () => {
  it('runs offline, exits 0 and shows the injection, redaction and MCP steps as expected', async () => {
    const child = spawn(process.execPath, [BIN, 'demo'], { cwd: ROOT, env: { ...process.env, OPENAI_API_KEY: '', HTTPS_PROXY: 'http://127.0.0.1:9' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(out).not.toContain('UNEXPECTED');
    expect(code).toBe(0);
    expect(out).toMatch(/prompt injection[\s\S]*?firewall decided:\s+block \(HTTP 403, firewall_blocked\)/);
    expect(out).toMatch(/the provider received: "Why does git push fail with \[[A-Z_]+_1\]\?"/);
    expect(out).toMatch(/firewall decided:\s+allow \(JSON-RPC\) agent=coder server=files tool=read_text_file/);
    expect(out).toMatch(/firewall decided:\s+block \(JSON-RPC, firewall_tool_not_allowed\) agent=coder server=files tool=write_file/);
  }, 90_000);
});
