/**
 * `llm-firewall mcp wrap | pins list | pins approve`. The wrap keeps stdout for the protocol:
 * every message of ours goes to stderr, audit events to stderr or the policy's audit file.
 */
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { loadPolicyFile, type CompiledPolicy } from '../../policy/index.js';
import { createEngine } from '../../../detectors/engine/index.js';
import { jsonLineSink, type McpAuditSink } from '../../mcp/audit.js';
import { openPinStore, type PinStore } from '../../mcp/pins.js';
import { runStdioWrap } from '../../mcp/stdio-wrap.js';

const err = (line: string): void => { process.stderr.write(`${line}\n`); };
const logTo = (level: string) => (obj: object, msg?: string): void => { err(JSON.stringify({ level, msg, ...obj })); };
const stderrLogger = { warn: logTo('warn'), error: logTo('error'), info: logTo('info') };

/**
 * The pin store a policy names: Redis when `REDIS_URL` or `store.redisUrl` is set (shared by every
 * instance), else the JSON file `mcp.pinFile`, relative to the policy file when relative.
 */
export async function pinStoreFor(policy: CompiledPolicy): Promise<PinStore> {
  const f = policy.doc.mcp.pinFile;
  const file = f === ':memory:' || path.isAbsolute(f) ? f : path.resolve(path.dirname(policy.source), f);
  return openPinStore(file, { url: process.env.REDIS_URL || policy.doc.store?.redisUrl, keyPrefix: policy.doc.store?.keyPrefix });
}

function auditSinkFor(policy: CompiledPolicy): McpAuditSink {
  const d = policy.doc.audit?.destination ?? 'stderr';
  // stdout belongs to the protocol in a wrap.
  if (d === 'stdout' || d === 'stderr') return jsonLineSink((l) => process.stderr.write(l));
  const stream = createWriteStream(d, { flags: 'a' });
  return jsonLineSink((l) => stream.write(l));
}

async function load(file: string): Promise<CompiledPolicy | undefined> {
  try {
    return await loadPolicyFile(file);
  } catch (e) {
    err(`llm-firewall: ${(e as Error).message}`);
    return undefined;
  }
}

/** `mcp wrap --agent A --server S [--policy F] -- COMMAND ARGS…` */
export async function wrap(opts: Record<string, unknown>, args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command) { err('llm-firewall mcp wrap: give the server command after --'); return 2; }
  const policy = await load(String(opts.policy));
  if (!policy) return 2;
  let engine;
  try {
    engine = createEngine(policy.engineOptions);
  } catch (e) {
    // Fail closed: without the engine, content checks cannot run.
    err(`llm-firewall mcp wrap: the detection engine failed to load: ${(e as Error).message}`);
    return 2;
  }
  // Per-tool call limits need the limits store (Redis when configured, so several wrappers share
  // one count); only pay for it when the agent's rules for this server set callsPerMinute.
  const rules = Object.values(policy.agents.get(String(opts.agent))?.doc.mcp?.[String(opts.server)]?.tools ?? {});
  const limiter = rules.some((r) => r?.callsPerMinute !== undefined)
    ? await (await import('../../limits/index.js')).createLimiter({ store: policy.doc.store, pricing: policy.doc.pricing, logger: stderrLogger })
    : undefined;
  const pins = await pinStoreFor(policy);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const code = await runStdioWrap({
    signal: stop.signal,
    policy, agent: String(opts.agent), server: String(opts.server), command, args: rest,
    engine, pins, audit: auditSinkFor(policy), limiter,
    stdin: process.stdin, stdout: process.stdout, log: err,
  });
  await limiter?.close();
  await pins.close?.();
  // stdin may keep the event loop alive after the server is gone.
  process.stdin.destroy();
  return code;
}

/** `mcp pins list` */
export async function pinsList(opts: Record<string, unknown>): Promise<number> {
  const policy = await load(String(opts.policy));
  if (!policy) return 2;
  const store = await pinStoreFor(policy);
  const { pins, pending } = await store.list().finally(() => store.close?.());
  process.stdout.write(`pinned (${pins.length}):\n`);
  for (const p of pins) process.stdout.write(`  ${p.server}  ${p.tool}  ${p.hash.slice(0, 16)}  approved ${p.approvedAt}\n`);
  process.stdout.write(`pending (${pending.length}):\n`);
  for (const p of pending) {
    process.stdout.write(`  ${p.server}  ${p.tool}  ${p.pinnedHash.slice(0, 16)} -> ${p.hash.slice(0, 16)}  seen ${p.seenAt}\n`);
    if (p.description) process.stdout.write(`    new description: ${JSON.stringify(p.description.slice(0, 200))}\n`);
  }
  return 0;
}

/** `mcp pins approve --server S [--tool T]` */
export async function pinsApprove(opts: Record<string, unknown>): Promise<number> {
  const policy = await load(String(opts.policy));
  if (!policy) return 2;
  const tool = opts.tool === undefined ? undefined : String(opts.tool);
  const store = await pinStoreFor(policy);
  const n = await store.approve(String(opts.server), tool).finally(() => store.close?.());
  if (n === 0) {
    err(`llm-firewall mcp pins approve: nothing pending for server ${JSON.stringify(opts.server)}${tool ? ` tool ${JSON.stringify(tool)}` : ''}`);
    return 1;
  }
  process.stdout.write(`approved ${n} definition${n === 1 ? '' : 's'}\n`);
  return 0;
}
