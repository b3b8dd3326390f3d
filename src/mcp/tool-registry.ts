/**
 * What the firewall knows about one server's tools for one session: each definition's hash, and
 * whether it is usable (`ok`), hidden as poisoned, or refused as changed since its pin. Filled
 * from every `tools/list` answer that passes through (and from the gateway's own re-listing after
 * `notifications/tools/list_changed`).
 */
import type { Engine } from '../../detectors/engine/api.js';
import type { McpConfig } from '../policy/types.js';
import { scanToolDefinition } from './content.js';
import { hashToolDefinition, type PinStore, type ToolDefinition } from './pins.js';
import type { McpAuditSink } from './audit.js';

/** A tool's standing. */
export interface ToolState {
  hash: string;
  status: 'ok' | 'poisoned' | 'changed';
  /** Poisoning rules that fired (also when only flagged). */
  rules: string[];
}

/** Per-session tool knowledge and the checks that fill it. */
export class ToolRegistry {
  readonly #tools = new Map<string, ToolState>();
  readonly #poisonCache = new Map<string, { poisoned: boolean; rules: string[] }>();
  /** True once a complete listing has been seen and no list_changed arrived since. */
  complete = false;

  constructor(
    private readonly opts: {
      server: string;
      agent: string;
      pins: PinStore;
      engine?: Engine;
      mcp: Pick<McpConfig, 'onPoisonedTool' | 'onChangedTool'>;
      audit: McpAuditSink;
    },
  ) {}

  get(name: string): ToolState | undefined {
    return this.#tools.get(name);
  }

  /** Mark everything stale (list_changed). */
  invalidate(): void {
    this.complete = false;
  }

  /**
   * Check a page of listed tools; returns the ones the client may see. Caller filters by the
   * agent's allowlist first, so pins and scans cost only what the agent can use.
   */
  async admit(defs: ToolDefinition[]): Promise<ToolDefinition[]> {
    const out: ToolDefinition[] = [];
    for (const def of defs) {
      if (typeof def?.name !== 'string') continue;
      const hash = hashToolDefinition(def);
      let poison = this.#poisonCache.get(hash);
      if (!poison) {
        poison = this.opts.engine ? scanToolDefinition(def, this.opts.engine, this.opts.agent) : { poisoned: false, rules: [] };
        this.#poisonCache.set(hash, poison);
      }
      const pin = await this.opts.pins.check(this.opts.server, def, hash);
      let status: ToolState['status'] = 'ok';
      if (poison.poisoned) {
        this.opts.audit({ event: 'mcp.tool.hidden', agent: this.opts.agent, server: this.opts.server, tool: def.name,
          decision: this.opts.mcp.onPoisonedTool === 'hide' ? 'block' : 'flag', rules: poison.rules, detail: 'tool definition looks poisoned' });
        if (this.opts.mcp.onPoisonedTool === 'hide') status = 'poisoned';
      }
      if (pin === 'changed') {
        this.opts.audit({ event: 'mcp.tool.changed', agent: this.opts.agent, server: this.opts.server, tool: def.name,
          decision: this.opts.mcp.onChangedTool === 'block' ? 'block' : 'flag', rules: ['mcp.tool-pin-changed'],
          detail: 'definition differs from its pin; approve with `llm-firewall mcp pins approve`' });
        if (this.opts.mcp.onChangedTool === 'block' && status === 'ok') status = 'changed';
      }
      this.#tools.set(def.name, { hash, status, rules: poison.rules });
      if (status === 'ok') out.push(def);
    }
    return out;
  }

  /** Re-read the pin of a tool refused as changed: an operator may have approved it since. */
  async recheck(name: string): Promise<ToolState | undefined> {
    const st = this.#tools.get(name);
    if (st?.status === 'changed' && (await this.opts.pins.isApproved(this.opts.server, name, st.hash))) st.status = 'ok';
    return st;
  }
}
