/**
 * The HTTP gateway's connection to a real MCP server, whichever way it is reached: a spawned
 * stdio process (`command`), a remote Streamable HTTP endpoint (`url`), or a legacy HTTP+SSE
 * endpoint (`url` with `transport: sse`). The remote kinds use the SDK's client transports.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import type { McpServerConfig } from '../policy/types.js';
import { ChildServer } from './child-server.js';

/** Events from an upstream. */
export interface UpstreamHandlers {
  message(m: JSONRPCMessage): void;
  /** Something unreadable arrived; `id` when the broken message named a request. */
  fault(detail: string, id: string | number | null): void;
  /** The upstream is gone for good. */
  closed(reason: string): void;
}

/** One session's upstream. */
export interface Upstream {
  readonly local: boolean;
  send(m: JSONRPCMessage): void;
  /** HTTP upstreams need the negotiated version on later requests (MCP-Protocol-Version). */
  setProtocolVersion(v: string): void;
  close(): Promise<void>;
}

/** Open an upstream for one session. */
export async function openUpstream(cfg: McpServerConfig, maxMessageBytes: number, h: UpstreamHandlers): Promise<Upstream> {
  if ('command' in cfg) {
    const child = new ChildServer({ command: cfg.command, args: cfg.args ?? [], env: cfg.env, cwd: cfg.cwd, maxMessageBytes }, {
      message: h.message,
      garbage: (detail, id) => h.fault(`the server wrote a line that is not JSON-RPC (${detail})`, id),
      oversize: (bytes) => h.fault(`the server sent a ${bytes}-byte message over the limit`, null),
      exit: (reason) => h.closed(reason),
    });
    return { local: true, send: (m) => child.send(m), setProtocolVersion: () => {}, close: () => child.stop(1000) };
  }
  const url = new URL(cfg.url);
  const requestInit = { headers: cfg.headers ?? {} };
  const t = cfg.transport === 'sse'
    ? new SSEClientTransport(url, { requestInit })
    : new StreamableHTTPClientTransport(url, { requestInit });
  let closedByUs = false;
  t.onmessage = (m) => h.message(m);
  t.onerror = (e) => h.fault(`upstream transport error: ${e.message.slice(0, 200)}`, null);
  t.onclose = () => { if (!closedByUs) h.closed('the remote MCP server closed the connection'); };
  await t.start();
  return {
    local: false,
    send: (m) => { t.send(m).catch((e: Error) => h.fault(`sending to the remote MCP server failed: ${e.message.slice(0, 200)}`, 'id' in m ? (m.id as string | number) : null)); },
    setProtocolVersion: (v) => { (t as { setProtocolVersion?: (v: string) => void }).setProtocolVersion?.(v); },
    close: async () => { closedByUs = true; await t.close(); },
  };
}
