/**
 * The MCP policy core, independent of transports: it sees every JSON-RPC message in both
 * directions of one session and decides to forward it (perhaps rewritten), answer it itself
 * with a JSON-RPC error, or drop it. The stdio wrap and the HTTP gateway both feed it.
 *
 * Order of checks on `tools/call`: allowlist → argument constraints → tool standing (poisoned,
 * changed pin) → argument content (secrets/PII) → per-tool rate limit → forward with a timeout.
 * Results, resource contents, prompts and server-initiated sampling/elicitation requests are
 * scanned on the way back. Methods the firewall does not understand are refused, because what it
 * cannot read it cannot police (fail closed).
 */
import { randomUUID } from 'node:crypto';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Engine } from '../../detectors/engine/api.js';
import type { Limiter } from '../limits/types.js';
import type { ActionsConfig, FailMode, McpConfig } from '../policy/types.js';
import { deny, ERRORS, type Denial, type ErrorKey } from '../errors.js';
import type { McpAuditEvent, McpAuditSink } from './audit.js';
import { authorizeToolCall, filterListed, type ServerAccess } from './authorize.js';
import { ARGUMENT_DETECTORS, RESULT_DETECTORS, scanJson, type ContentPolicy } from './content.js';
import { denialToRpc, faultToRpc, isNotification, isRequest, isResponse, RPC } from './jsonrpc.js';
import type { PinStore, ToolDefinition } from './pins.js';
import { ToolRegistry } from './tool-registry.js';
import { checkResult, type ResultCheck } from './result-check.js';

/** Everything a guard needs for one session. */
export interface GuardOptions {
  agent: string;
  server: string;
  access: ServerAccess;
  pins: PinStore;
  engine?: Engine;
  actions: ActionsConfig;
  monitorMode: boolean;
  failMode: FailMode;
  mcp: Pick<McpConfig, 'onPoisonedTool' | 'onChangedTool' | 'callTimeoutMs'>;
  limiter?: Pick<Limiter, 'admitToolCall'>;
  audit: McpAuditSink;
  toClient: (m: JSONRPCMessage) => void;
  toServer: (m: JSONRPCMessage) => void;
  /** Called with the initialize result as it passes (HTTP upstreams need the protocol version). */
  onInitialized?: (result: Record<string, unknown>) => void;
}

interface Pending {
  method: string;
  tool?: string;
  started: number;
  requestId: string;
  timer: NodeJS.Timeout;
}

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PASS_THROUGH = new Set(['initialize', 'ping', 'logging/setLevel', 'resources/unsubscribe']);
const SERVER_REQUESTS = new Set(['sampling/createMessage', 'elicitation/create', 'roots/list', 'ping']);
/** Server notifications that carry free text (log lines, progress messages). */
const NOTIFICATION_TEXT = new Set(['notifications/message', 'notifications/progress']);
/** Requests one session may have in flight. */
export const MAX_PENDING = 1024;
/** Floor for the initialize timeout, ms. */
export const INITIALIZE_TIMEOUT_MS = 60_000;
const INTERNAL_PREFIX = `llm-firewall:${randomUUID().slice(0, 8)}:`;

/** One session's policy enforcement. */
export class McpGuard {
  readonly #o: GuardOptions;
  readonly #pending = new Map<RequestId, Pending>();
  readonly #internal = new Map<string, { resolve: (m: Msg) => void; reject: (e: Error) => void }>();
  readonly #timedOut = new Set<RequestId>();
  /** Ids of server sampling requests relayed to the client, whose answers go back to the server. */
  readonly #sampling = new Set<RequestId>();
  readonly #tools: ToolRegistry;
  #internalSeq = 0;
  #fromClientChain: Promise<void> = Promise.resolve();
  #fromServerChain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(o: GuardOptions) {
    this.#o = o;
    this.#tools = new ToolRegistry({ server: o.server, agent: o.agent, pins: o.pins, engine: o.engine, mcp: o.mcp, audit: o.audit });
  }

  /** Requests forwarded and not yet answered. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Ids of requests forwarded and not yet answered. */
  pendingIds(): RequestId[] {
    return [...this.#pending.keys()];
  }

  // Messages are handled in arrival order per direction; a check that awaits (pins, limiter)
  // must not let a later notification overtake the request it follows.
  /** A message from the client. */
  fromClient(m: JSONRPCMessage): Promise<void> {
    this.#fromClientChain = this.#fromClientChain.then(() => this.#onClient(m as Msg)).catch((e) => {
      // A stage that threw (pin store down, limiter bug…): answer the request, never leave it hanging.
      this.#bug(e);
      if (isRequest(m)) this.#o.toClient(faultToRpc(m.id, 'INTERNAL', undefined, randomUUID()));
    });
    return this.#fromClientChain;
  }

  /** A message from the server. */
  fromServer(m: JSONRPCMessage): Promise<void> {
    this.#fromServerChain = this.#fromServerChain.then(() => this.#onServer(m as Msg)).catch((e) => this.#bug(e));
    return this.#fromServerChain;
  }

  /** Answer one pending request with a fault (e.g. its response was unreadable). */
  failPending(id: RequestId, key: ErrorKey, detail: string): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#finish(id, p);
    this.#o.toClient(faultToRpc(id, key, detail, p.requestId));
    this.#audit({ event: 'mcp.call.failed', method: p.method, tool: p.tool, requestId: p.requestId, decision: 'error', code: ERRORS[key].code, detail, latencyMs: Date.now() - p.started });
  }

  /** The server went away: every pending request gets an error now, not a hang. */
  serverGone(detail: string): void {
    for (const id of [...this.#pending.keys()]) this.failPending(id, 'MCP_SERVER_UNAVAILABLE', `${this.#o.server} (${detail})`);
    for (const [, r] of this.#internal) r.reject(new Error(detail));
    this.#internal.clear();
    this.#closed = true;
  }

  /** Stop timers (session end). */
  close(): void {
    for (const p of this.#pending.values()) clearTimeout(p.timer);
    this.#pending.clear();
    this.#closed = true;
  }

  #bug(e: unknown): void {
    this.#audit({ event: 'mcp.server.fault', decision: 'error', detail: `internal: ${(e as Error)?.message ?? e}`.slice(0, 300) });
  }

  #audit(e: Omit<McpAuditEvent, 'agent' | 'server'>): void {
    this.#o.audit({ agent: this.#o.agent, server: this.#o.server, ...e });
  }

  #refuse(id: RequestId, method: string, denial: Denial, tool?: string): void {
    const requestId = randomUUID();
    this.#o.toClient(denialToRpc(id, denial, requestId));
    this.#audit({ event: 'mcp.call.denied', method, tool, requestId, decision: 'block', code: denial.error.code, rules: denial.rules, latencyMs: 0 });
  }

  #forward(m: Msg, method: string, tool?: string): void {
    if (this.#closed) {
      this.#o.toClient(faultToRpc(m.id, 'MCP_SERVER_UNAVAILABLE', this.#o.server, randomUUID()));
      return;
    }
    if (this.#pending.has(m.id) || this.#pending.size >= MAX_PENDING) {
      // A reused in-flight id would make two answers ambiguous; a flood of open calls is a DoS.
      const why = this.#pending.has(m.id) ? 'a request with this id is already in flight' : `more than ${MAX_PENDING} requests in flight`;
      this.#o.toClient(faultToRpc(m.id, 'INVALID_REQUEST', why, randomUUID()));
      return;
    }
    const requestId = randomUUID();
    // initialize also waits for the server process to start (npx may download it first).
    const ms = method === 'initialize' ? Math.max(this.#o.mcp.callTimeoutMs, INITIALIZE_TIMEOUT_MS) : this.#o.mcp.callTimeoutMs;
    const timer = setTimeout(() => this.#timeout(m.id, ms), ms);
    timer.unref?.();
    this.#pending.set(m.id, { method, tool, started: Date.now(), requestId, timer });
    this.#o.toServer(m as JSONRPCMessage);
  }

  #timeout(id: RequestId, ms: number): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.failPending(id, 'MCP_TIMEOUT', `${ms} ms`);
    this.#timedOut.add(id);
    // Tell the server to stop working on it (MCP cancellation, spec "utilities/cancellation").
    this.#o.toServer({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'firewall timeout' } });
  }

  #finish(id: RequestId, p: Pending): void {
    clearTimeout(p.timer);
    this.#pending.delete(id);
  }

  // ---------------------------------------------------------------- client → server

  async #onClient(m: Msg): Promise<void> {
    if (isResponse(m as JSONRPCMessage)) { this.#onClientResponse(m); return; } // answers to server requests
    if (isNotification(m as JSONRPCMessage)) { this.#o.toServer(m as JSONRPCMessage); return; }
    if (!isRequest(m as JSONRPCMessage)) return;
    const method: string = m.method;
    const params: Msg = m.params ?? {};
    const a = this.#o.access;
    switch (method) {
      case 'tools/list': case 'resources/list': case 'resources/templates/list': case 'prompts/list':
        return this.#forward(m, method);
      case 'tools/call': return this.#toolCall(m, params);
      case 'resources/read': case 'resources/subscribe':
        if (!a.resourceAllowed(params.uri)) return this.#refuse(m.id, method, deny('RESOURCE_NOT_ALLOWED', 'This resource', { rules: ['mcp.resource-allowlist'] }));
        return this.#forward(m, method);
      case 'prompts/get':
        if (!a.promptAllowed(params.name)) return this.#refuse(m.id, method, deny('RESOURCE_NOT_ALLOWED', `Prompt ${JSON.stringify(String(params.name).slice(0, 128))}`, { rules: ['mcp.prompt-allowlist'] }));
        return this.#forward(m, method);
      case 'completion/complete': {
        const ref = params.ref ?? {};
        const ok = ref.type === 'ref/prompt' ? a.promptAllowed(ref.name) : ref.type === 'ref/resource' ? a.resourceAllowed(ref.uri) : false;
        if (!ok) return this.#refuse(m.id, method, deny('RESOURCE_NOT_ALLOWED', 'This completion reference', { rules: ['mcp.completion-ref'] }));
        return this.#forward(m, method);
      }
      default:
        if (PASS_THROUGH.has(method)) return this.#forward(m, method);
        this.#refuse(m.id, method.slice(0, 64), deny('MCP_METHOD_NOT_ALLOWED', JSON.stringify(method.slice(0, 64)), { rules: ['mcp.method-allowlist'] }));
    }
  }

  /**
   * The client's answer to a server request. A sampling answer is model output flowing to the
   * tool side, so it gets the argument checks (secrets/PII leaving through the server).
   */
  #onClientResponse(m: Msg): void {
    if (!this.#sampling.delete(m.id) || !this.#o.engine || m.result === undefined) { this.#o.toServer(m as JSONRPCMessage); return; }
    const v = scanJson(m.result, this.#content(), 'request', 'arguments', ARGUMENT_DETECTORS);
    if (v.decision === 'block') {
      const requestId = randomUUID();
      this.#o.toServer(denialToRpc(m.id, deny('BLOCKED', 'the sampling result', { rules: v.rules }), requestId));
      this.#audit({ event: 'mcp.call.denied', method: 'sampling/createMessage', requestId, decision: 'block', code: 'firewall_blocked', rules: v.rules });
      return;
    }
    this.#o.toServer((v.decision === 'redact' ? { ...m, result: v.value } : m) as JSONRPCMessage);
  }

  async #toolCall(m: Msg, params: Msg): Promise<void> {
    const started = Date.now();
    const name = params.name;
    const auth = authorizeToolCall(this.#o.access, name, params.arguments);
    if (!auth.ok) return this.#refuse(m.id, 'tools/call', auth.denial, typeof name === 'string' ? name : undefined);
    let st = this.#tools.get(name);
    if (!st && !this.#tools.complete) {
      try { await this.#listAll(); } catch (e) {
        return this.#refuse(m.id, 'tools/call', deny('MCP_SERVER_UNAVAILABLE', `${this.#o.server} (${(e as Error).message})`), name);
      }
      st = this.#tools.get(name);
    }
    if (!st) return this.#refuse(m.id, 'tools/call', deny('TOOL_NOT_ALLOWED', `${JSON.stringify(name)} (not offered by the server)`, { rules: ['mcp.tool-unlisted'] }), name);
    if (st.status === 'changed') st = (await this.#tools.recheck(name)) ?? st;
    if (st.status === 'poisoned') return this.#refuse(m.id, 'tools/call', deny('BLOCKED', `tool ${name} has a poisoned definition`, { rules: st.rules }), name);
    if (st.status === 'changed') return this.#refuse(m.id, 'tools/call', deny('TOOL_PINNED_CHANGED', name, { rules: ['mcp.tool-pin-changed'] }), name);

    let out = m;
    const rules: string[] = [];
    if (this.#o.engine && params.arguments !== undefined) {
      const v = scanJson(params.arguments, this.#content(), 'request', 'arguments', ARGUMENT_DETECTORS);
      if (v.decision === 'block') {
        const d = v.detectorError ? deny('DETECTOR_FAILED', 'arguments', { rules: v.rules }) : deny('BLOCKED', `arguments of tool ${name}`, { rules: v.rules });
        return this.#refuse(m.id, 'tools/call', d, name);
      }
      if (v.decision === 'redact') out = { ...m, params: { ...params, arguments: v.value } };
      rules.push(...v.rules);
    }
    const cpm = auth.grant.rule.callsPerMinute;
    if (cpm !== undefined && this.#o.limiter) {
      const r = await this.#o.limiter.admitToolCall({ agent: this.#o.agent, server: this.#o.server, tool: name, callsPerMinute: cpm });
      if (!r.ok) return this.#refuse(m.id, 'tools/call', r.denial, name);
    }
    // Task-augmented calls (params.task) would return the result later through tasks/result,
    // around the result scan; the firewall runs every call synchronously instead.
    if (out.params?.task !== undefined) { const { task: _t, ...rest } = out.params; out = { ...out, params: rest }; }
    this.#forward(out, 'tools/call', name);
    if (rules.length > 0) this.#audit({ event: 'mcp.call.completed', method: 'tools/call', tool: name, decision: 'flag', rules, detail: 'arguments', latencyMs: Date.now() - started });
  }

  #content(): ContentPolicy {
    return { engine: this.#o.engine!, actions: this.#o.actions, monitorMode: this.#o.monitorMode, failMode: this.#o.failMode, agent: this.#o.agent };
  }

  /** The firewall's own full tools/list (all pages), to know definitions before a call. */
  async #listAll(): Promise<void> {
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await this.#internalRequest('tools/list', cursor ? { cursor } : {});
      const tools = filterListed<ToolDefinition & Record<string, unknown>>(res.tools, 'name', (n) => this.#o.access.tool(n) !== undefined);
      await this.#tools.admit(tools);
      cursor = typeof res.nextCursor === 'string' ? res.nextCursor : undefined;
    } while (cursor && ++pages < 100);
    this.#tools.complete = true;
  }

  #internalRequest(method: string, params: Msg): Promise<Msg> {
    if (this.#closed) return Promise.reject(new Error('server closed'));
    const id = `${INTERNAL_PREFIX}${++this.#internalSeq}`;
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(() => { this.#internal.delete(id); reject(new Error('timeout')); }, this.#o.mcp.callTimeoutMs);
      timer.unref?.();
      this.#internal.set(id, {
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.#o.toServer({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage);
    });
  }

  // ---------------------------------------------------------------- server → client

  async #onServer(m: Msg): Promise<void> {
    if (isResponse(m as JSONRPCMessage)) return this.#onServerResponse(m);
    if (isRequest(m as JSONRPCMessage)) return this.#onServerRequest(m);
    if (isNotification(m as JSONRPCMessage)) {
      if (m.method === 'notifications/tools/list_changed') {
        this.#tools.invalidate();
        this.#o.toClient(m as JSONRPCMessage);
        // Re-list now so a rug pull is recorded (pending pin) even before the client re-lists.
        this.#listAll().catch(() => { /* the client's own list will retry */ });
        return;
      }
      if (m.method === 'notifications/resources/updated' && !this.#o.access.resourceAllowed(m.params?.uri)) return;
      if (m.params !== undefined && this.#o.engine && NOTIFICATION_TEXT.has(m.method)) {
        // Log and progress messages carry server text to the client (and often on to its model):
        // checked like a tool result. A notification has no answer, so a block drops it.
        // A log line's text is its `data` (any JSON), a key the content scan otherwise skips as
        // binary payload: scan it as the root value.
        const isLog = m.method === 'notifications/message';
        const v = scanJson(isLog ? m.params.data : m.params, this.#content(), 'response', 'tool', RESULT_DETECTORS);
        if (v.decision === 'block') {
          this.#audit({ event: 'mcp.notification.dropped', method: m.method, decision: 'block', code: 'firewall_blocked', rules: v.rules });
          return;
        }
        if (v.decision === 'redact') {
          this.#audit({ event: 'mcp.notification.redacted', method: m.method, decision: 'redact', rules: v.rules });
          m = { ...m, params: isLog ? { ...m.params, data: v.value } : v.value };
        }
      }
      this.#o.toClient(m as JSONRPCMessage);
    }
  }

  async #onServerRequest(m: Msg): Promise<void> {
    const method: string = m.method;
    if (!SERVER_REQUESTS.has(method)) {
      this.#o.toServer({ jsonrpc: '2.0', id: m.id, error: { code: RPC.METHOD_NOT_FOUND, message: `The firewall does not relay ${JSON.stringify(method.slice(0, 64))}` } });
      this.#audit({ event: 'mcp.server_request.denied', method: method.slice(0, 64), decision: 'block', detail: 'unknown server request' });
      return;
    }
    if ((method === 'sampling/createMessage' || method === 'elicitation/create') && this.#o.engine) {
      // The server is prompting the client's model directly: its messages are scanned as an
      // untrusted user's prompt (direct-injection rules), not as retrieved content.
      const v = scanJson(m.params ?? {}, this.#content(), 'response', 'user', RESULT_DETECTORS);
      if (v.decision === 'block') {
        const requestId = randomUUID();
        this.#o.toServer(denialToRpc(m.id, deny('BLOCKED', `server request ${method}`, { rules: v.rules }), requestId));
        this.#audit({ event: 'mcp.server_request.denied', method, requestId, decision: 'block', code: 'firewall_blocked', rules: v.rules });
        return;
      }
      if (v.decision === 'redact') m = { ...m, params: v.value };
    }
    if (method === 'sampling/createMessage') this.#sampling.add(m.id);
    this.#o.toClient(m as JSONRPCMessage);
  }

  async #onServerResponse(m: Msg): Promise<void> {
    const id = m.id as RequestId;
    if (typeof id === 'string' && id.startsWith(INTERNAL_PREFIX)) {
      const r = this.#internal.get(id);
      this.#internal.delete(id);
      if (!r) return;
      if (m.error) r.reject(new Error(String(m.error.message ?? 'error').slice(0, 200)));
      else r.resolve(m.result ?? {});
      return;
    }
    const p = this.#pending.get(id);
    if (!p) {
      // A late answer to a timed-out call, or a response nobody asked for: never forward it.
      if (!this.#timedOut.delete(id)) this.#audit({ event: 'mcp.server.fault', decision: 'block', detail: 'unsolicited response dropped' });
      return;
    }
    this.#finish(id, p);
    let decision: McpAuditEvent['decision'] = m.error ? 'error' : 'allow';
    let rules: string[] = [];
    if (m.result !== undefined) {
      let r: ResultCheck;
      try {
        r = await this.#checkResult(p, m.result);
      } catch (e) {
        this.#bug(e);
        r = { denial: deny('INTERNAL') };
      }
      if ('denial' in r) {
        this.#o.toClient(denialToRpc(id, r.denial, p.requestId));
        this.#audit({ event: 'mcp.call.denied', method: p.method, tool: p.tool, requestId: p.requestId, decision: 'block', code: r.denial.error.code, rules: r.denial.rules, latencyMs: Date.now() - p.started });
        return;
      }
      if (r.result !== m.result) m = { ...m, result: r.result };
      decision = r.decision;
      rules = r.rules;
    }
    if (p.method === 'tools/call' || decision !== 'allow' || p.method === 'resources/read' || p.method === 'prompts/get') {
      this.#audit({ event: 'mcp.call.completed', method: p.method, tool: p.tool, requestId: p.requestId, decision, rules, latencyMs: Date.now() - p.started });
    }
    this.#o.toClient(m as JSONRPCMessage);
  }

  #checkResult(p: Pending, result: Msg): Promise<ResultCheck> {
    return checkResult(p.method, p.tool, result, {
      access: this.#o.access, tools: this.#tools, content: this.#o.engine ? this.#content() : undefined,
      onInitialized: this.#o.onInitialized, audit: (e) => this.#audit(e),
    });
  }
}
