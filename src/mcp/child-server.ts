/**
 * The wrapped MCP server as a child process: JSON-RPC lines in on its stdin, out on its stdout;
 * its stderr (logs) goes to ours. Reports garbage and oversize lines on stdout, and how it ended
 * (exit code or signal, or a spawn failure such as a missing command).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { parseLine, readLines } from './framing.js';

/** Events from the child. */
export interface ChildHandlers {
  message(m: JSONRPCMessage): void;
  /** A stdout line that is not JSON-RPC (detail is safe to show: no content). */
  garbage(detail: string, id: string | number | null): void;
  oversize(bytes: number): void;
  /** The process ended or could not start; `reason` is a sentence for the operator. */
  exit(reason: string, code: number | null): void;
}

/** Spawn options. */
export interface ChildOptions {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  maxMessageBytes: number;
  /** Where the child's stderr goes (default: inherit ours). */
  stderr?: 'inherit' | 'ignore';
}

/** A running MCP server process. */
export class ChildServer {
  readonly #proc: ChildProcess;
  #exited = false;

  constructor(o: ChildOptions, h: ChildHandlers) {
    this.#proc = spawn(o.command, o.args, {
      stdio: ['pipe', 'pipe', o.stderr ?? 'inherit'],
      env: { ...process.env, ...(o.env ?? {}) },
      cwd: o.cwd,
      // Not detached: the server dies with its wrapper's process group on Ctrl-C.
    });
    let reported = false;
    const report = (reason: string, code: number | null) => {
      if (reported) return;
      reported = true;
      h.exit(reason, code);
    };
    this.#proc.on('error', (e: NodeJS.ErrnoException) => {
      this.#exited = true;
      report(`could not start ${JSON.stringify(o.command)}: ${e.code ?? e.message}`, null);
    });
    // Wait for both exit and the end of stdout so the last messages are delivered first.
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let stdoutEnded = false;
    const maybeReport = () => {
      if (!exitInfo || !stdoutEnded) return;
      const { code, signal } = exitInfo;
      report(signal ? `was killed by ${signal}` : `exited with code ${code}`, code);
    };
    this.#proc.on('exit', (code, signal) => { this.#exited = true; exitInfo = { code, signal }; maybeReport(); });
    this.#proc.stdin!.on('error', () => { /* EPIPE after a crash: exit reports it */ });
    readLines(this.#proc.stdout!, o.maxMessageBytes, {
      line: (text) => {
        const p = parseLine(text);
        if (p.ok) h.message(p.message);
        else h.garbage(p.detail, p.id);
      },
      oversize: (bytes) => h.oversize(bytes),
      end: () => { stdoutEnded = true; maybeReport(); },
    });
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /** Send one message (one line). */
  send(m: JSONRPCMessage): void {
    if (this.#exited || !this.#proc.stdin!.writable) return;
    this.#proc.stdin!.write(`${JSON.stringify(m)}\n`);
  }

  /** Close stdin (the polite stop, per the MCP stdio shutdown rules), then SIGTERM, then SIGKILL. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.#exited) return;
    const done = new Promise<void>((r) => this.#proc.once('exit', () => r()));
    this.#proc.stdin!.end();
    const t1 = setTimeout(() => this.#proc.kill('SIGTERM'), graceMs);
    const t2 = setTimeout(() => this.#proc.kill('SIGKILL'), graceMs * 2);
    await done;
    clearTimeout(t1); clearTimeout(t2);
  }
}
