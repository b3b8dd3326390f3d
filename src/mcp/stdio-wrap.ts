/**
 * `llm-firewall mcp wrap`: sits between an MCP client (on our stdin/stdout) and the real server
 * (a child process), passing every message through the guard. Our stdout carries protocol only;
 * the server's stderr, our messages and the audit go to stderr (or the audit file).
 *
 * Faults and what the client sees:
 * - unparsable line → -32700 (id null); valid JSON but not JSON-RPC → -32600; keep serving;
 * - line over `mcp.maxMessageBytes` → firewall_message_too_large (id null); keep serving;
 * - server writes a non-JSON-RPC line → audited; if exactly one request is pending it is answered
 *   firewall_upstream_bad_response at once, otherwise pending calls end by their timeout;
 * - server hangs → firewall_mcp_timeout after `mcp.callTimeoutMs`, and a cancellation to it;
 * - server exits → every pending request gets firewall_mcp_server_unavailable, then we exit 1
 *   with a message naming the exit code or signal.
 */
import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { CompiledPolicy } from '../policy/index.js';
import type { Engine } from '../../detectors/engine/api.js';
import type { Limiter } from '../limits/types.js';
import type { McpAuditSink } from './audit.js';
import { ChildServer } from './child-server.js';
import { parseLine, readLines } from './framing.js';
import { faultToRpc } from './jsonrpc.js';
import type { PinStore } from './pins.js';
import { createGuard } from './session.js';

/** Inputs of one wrap run. */
export interface WrapOptions {
  policy: CompiledPolicy;
  agent: string;
  server: string;
  command: string;
  args: string[];
  engine?: Engine;
  pins: PinStore;
  limiter?: Pick<Limiter, 'admitToolCall'>;
  audit: McpAuditSink;
  stdin: Readable;
  stdout: Writable;
  /** Operator messages (one line each). */
  log: (line: string) => void;
  env?: Record<string, string>;
  cwd?: string;
}

/** Run until the client or the server goes away; resolves with the process exit code. */
export function runStdioWrap(o: WrapOptions & { signal?: AbortSignal }): Promise<number> {
  return new Promise<number>((resolve) => {
    const max = o.policy.doc.mcp.maxMessageBytes;
    const writeClient = (m: JSONRPCMessage) => { o.stdout.write(`${JSON.stringify(m)}\n`); };
    let child: ChildServer | undefined;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      guard?.close();
      // Let stdout drain so the last error responses reach the client before we exit.
      o.stdout.write('', () => resolve(code));
    };

    const guard = createGuard(o.policy, o.agent, o.server, o, {
      toClient: writeClient,
      toServer: (m) => child?.send(m),
    }, true);
    if (!guard) {
      o.log(`llm-firewall mcp wrap: agent ${JSON.stringify(o.agent)} is not in the policy ${o.policy.source}`);
      resolve(2);
      return;
    }
    if (!o.policy.agents.get(o.agent)?.doc.mcp?.[o.server]) {
      o.log(`llm-firewall mcp wrap: warning: agent ${JSON.stringify(o.agent)} has no mcp.${o.server} entry; every tool, resource and prompt will be refused`);
    }

    child = new ChildServer({ command: o.command, args: o.args, env: o.env, cwd: o.cwd, maxMessageBytes: max }, {
      message: (m) => { void guard.fromServer(m); },
      garbage: (detail, id) => {
        o.audit({ event: 'mcp.server.fault', agent: o.agent, server: o.server, decision: 'error', detail: `server wrote a line that is not JSON-RPC (${detail})` });
        o.log(`llm-firewall mcp wrap: the MCP server wrote a line to stdout that is not JSON-RPC (${detail}); ignored`);
        const ids = guard.pendingIds();
        const target = id !== null && ids.includes(id) ? id : ids.length === 1 ? ids[0] : undefined;
        if (target !== undefined) guard.failPending(target, 'UPSTREAM_BAD_RESPONSE', 'the MCP server answered with a message that is not JSON-RPC');
      },
      oversize: (bytes) => {
        o.audit({ event: 'mcp.server.fault', agent: o.agent, server: o.server, decision: 'error', detail: `server message of ${bytes} bytes over the limit ${max}` });
        const ids = guard.pendingIds();
        if (ids.length === 1) guard.failPending(ids[0]!, 'MCP_MESSAGE_TOO_LARGE', String(max));
      },
      exit: (reason, code) => {
        guard.serverGone(reason);
        // After the client hung up, the server exiting is the normal end, not a fault.
        if (!(clientClosed && code === 0)) o.audit({ event: 'mcp.server.fault', agent: o.agent, server: o.server, decision: 'error', detail: reason });
        if (!clientClosed) o.log(`llm-firewall mcp wrap: the MCP server ${o.server} ${reason}; exiting`);
        finish(clientClosed && code === 0 ? 0 : 1);
      },
    });

    let clientClosed = false;
    // SIGTERM/SIGINT from the client app: stop the server politely too, not only ourselves.
    o.signal?.addEventListener('abort', () => { clientClosed = true; void child?.stop(500).then(() => finish(0)); });
    const clientGone = () => {
      if (clientClosed) return;
      clientClosed = true;
      void child?.stop().then(() => finish(0));
    };
    // EPIPE: the client closed its end while we were answering; it is gone, not a crash of ours.
    o.stdout.on('error', clientGone);
    readLines(o.stdin, max, {
      line: (text) => {
        const p = parseLine(text);
        if (p.ok) { void guard.fromClient(p.message); return; }
        const key = p.kind === 'parse' ? 'INVALID_JSON' : 'INVALID_REQUEST';
        writeClient(faultToRpc(p.id, key, p.detail, randomUUID()));
        o.audit({ event: 'mcp.message.rejected', agent: o.agent, server: o.server, decision: 'block', code: key === 'INVALID_JSON' ? 'firewall_invalid_json' : 'firewall_invalid_request', detail: p.detail });
      },
      oversize: (bytes) => {
        writeClient(faultToRpc(null, 'MCP_MESSAGE_TOO_LARGE', String(max), randomUUID()));
        o.audit({ event: 'mcp.message.rejected', agent: o.agent, server: o.server, decision: 'block', code: 'firewall_message_too_large', detail: `${bytes} bytes` });
      },
      // The client hung up: the MCP stdio shutdown is "close the server's stdin, then signal".
      end: clientGone,
    });
  });
}
