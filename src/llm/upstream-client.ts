/**
 * The forward stage's HTTP client: one undici `Pool` per upstream origin with keep-alive, TLS
 * always verified (optional extra CA; `unsafeSkipTlsVerify` only with a loud warning), separate
 * connect / headers / body timeouts, and no automatic retries (a POST to an LLM is not idempotent).
 * Failures become `FirewallError`s with their phase: timeouts → 504 `firewall_upstream_timeout`,
 * refused/reset/DNS/TLS → 502 `firewall_upstream_unreachable`.
 */
import { readFileSync } from 'node:fs';
import { Pool, type Dispatcher } from 'undici';
import type { Logger } from 'pino';
import { FirewallError } from '../errors.js';
import type { CompiledUpstream } from '../policy/index.js';

/** Pools by origin and TLS settings; closed with the app. */
export interface UpstreamClients {
  pool(up: CompiledUpstream): Pool;
  close(): Promise<void>;
}

/** Create the pool registry. */
export function createUpstreamClients(logger?: Pick<Logger, 'warn'>): UpstreamClients {
  const pools = new Map<string, Pool>();
  // The pool each compiled upstream resolved to: compiled upstreams are immutable and replaced
  // on reload, so the per-request path skips the URL parse and the key string.
  const resolved = new WeakMap<CompiledUpstream, Pool>();
  return {
    pool(up) {
      const known = resolved.get(up);
      if (known && !known.destroyed && !known.closed) return known;
      const c = up.config;
      const origin = upstreamTarget(up).origin;
      const key = `${origin}|${c.caFile ?? ''}|${c.unsafeSkipTlsVerify}|${c.timeouts.connectMs}`;
      let pool = pools.get(key);
      if (!pool) {
        if (c.unsafeSkipTlsVerify && origin.startsWith('https:')) {
          logger?.warn({ event: 'upstream.tls_unverified', upstream: up.name, origin },
            `UNSAFE: TLS certificate verification is OFF for upstream "${up.name}" (${origin}); anyone on the path can read and change this traffic`);
        }
        pool = new Pool(origin, {
          connections: 256,
          pipelining: 1,
          keepAliveTimeout: 30_000,
          connect: {
            timeout: c.timeouts.connectMs,
            ...(c.caFile ? { ca: readFileSync(c.caFile) } : {}),
            rejectUnauthorized: !c.unsafeSkipTlsVerify,
          },
        });
        pools.set(key, pool);
      }
      resolved.set(up, pool);
      return pool;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.destroy()));
    },
  };
}

/** Origin and base path of an upstream, parsed once per compiled upstream. */
interface UpstreamTarget { origin: string; basePath: string }
const targets = new WeakMap<CompiledUpstream, UpstreamTarget>();

function upstreamTarget(up: CompiledUpstream): UpstreamTarget {
  let t = targets.get(up);
  if (!t) {
    const base = new URL(up.baseUrl);
    t = { origin: base.origin, basePath: base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname };
    targets.set(up, t);
  }
  return t;
}

/** What `forward` sends. */
export interface ForwardRequest {
  /** Path after the upstream base path, e.g. `/chat/completions`. */
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer | string;
  signal: AbortSignal;
}

/** Send one request upstream. Throws FirewallError (or the AbortError when the client left). */
export async function forward(clients: UpstreamClients, up: CompiledUpstream, req: ForwardRequest): Promise<Dispatcher.ResponseData> {
  const { basePath } = upstreamTarget(up);
  try {
    return await clients.pool(up).request({
      path: basePath + req.path,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: req.signal,
      headersTimeout: up.config.timeouts.headersMs,
      bodyTimeout: up.config.timeouts.bodyMs,
    });
  } catch (err) {
    if (req.signal.aborted) throw err;
    throw upstreamError(err);
  }
}

const TLS_CODES = new Set(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED']);

/** The error code of an undici/node error, looking through `cause`. */
function codeOf(err: unknown): string {
  let e = err as { code?: string; cause?: unknown } | undefined;
  for (let i = 0; e && i < 4; i++) {
    if (e.code && e.code !== 'UND_ERR_CONNECT' && e.code !== 'UND_ERR') return e.code;
    e = e.cause as typeof e;
  }
  return (err as { code?: string })?.code ?? 'UNKNOWN';
}

/** Map a transport failure to the catalogue, keeping the phase (and the original as `cause`). */
export function upstreamError(err: unknown): FirewallError & { kind: string } {
  const code = codeOf(err);
  let fe: FirewallError;
  let kind: string;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT': case 'ETIMEDOUT': fe = new FirewallError('UPSTREAM_TIMEOUT', 'connect', { cause: err }); kind = 'timeout_connect'; break;
    case 'UND_ERR_HEADERS_TIMEOUT': fe = new FirewallError('UPSTREAM_TIMEOUT', 'waiting for response headers', { cause: err }); kind = 'timeout_headers'; break;
    case 'UND_ERR_BODY_TIMEOUT': fe = new FirewallError('UPSTREAM_TIMEOUT', 'waiting for the response body', { cause: err }); kind = 'timeout_body'; break;
    case 'ECONNREFUSED': fe = new FirewallError('UPSTREAM_UNREACHABLE', 'connection refused', { cause: err }); kind = 'refused'; break;
    case 'ECONNRESET': case 'UND_ERR_SOCKET': case 'EPIPE': case 'UND_ERR_CLOSED':
      fe = new FirewallError('UPSTREAM_UNREACHABLE', 'connection reset', { cause: err }); kind = 'reset'; break;
    case 'ENOTFOUND': case 'EAI_AGAIN': fe = new FirewallError('UPSTREAM_UNREACHABLE', 'DNS lookup failed', { cause: err }); kind = 'dns'; break;
    default:
      if (TLS_CODES.has(code)) { fe = new FirewallError('UPSTREAM_UNREACHABLE', 'TLS certificate verification failed', { cause: err }); kind = 'tls'; break; }
      fe = new FirewallError('UPSTREAM_UNREACHABLE', 'transport error', { cause: err }); kind = 'other';
  }
  return Object.assign(fe, { kind });
}

/**
 * Headers sent upstream: the provider key from the policy's env var (agents never hold it),
 * the policy's extra headers, JSON content type, and our request id for correlation. Client
 * headers are not copied (their credentials are the agent's, not the provider's).
 */
export function upstreamHeaders(up: CompiledUpstream, requestId: string, client: Record<string, string | string[] | undefined>, hasBody: boolean): Record<string, string> {
  const h: Record<string, string> = { ...(up.config.headers ?? {}), 'x-request-id': requestId, accept: 'application/json, text/event-stream' };
  if (hasBody) h['content-type'] = 'application/json';
  const beta = client['openai-beta'];
  if (typeof beta === 'string') h['openai-beta'] = beta;
  if (up.apiKey) {
    if (up.config.kind === 'anthropic') {
      h['x-api-key'] = up.apiKey;
      const v = client['anthropic-version'];
      h['anthropic-version'] = typeof v === 'string' ? v : '2023-06-01';
    } else {
      h.authorization = `Bearer ${up.apiKey}`;
    }
  }
  return h;
}

/** The denial-shaped reason when an upstream cannot be used, naming the env var to set. */
export function upstreamConfigProblem(up: CompiledUpstream | undefined, name: string | undefined): string | undefined {
  if (!up) return name ? `the agent's upstream "${name}" is not defined in the policy` : 'the policy defines no upstreams';
  if (up.config.apiKeyEnv && !up.apiKey) return `set the environment variable ${up.config.apiKeyEnv} to the provider key for upstream "${up.name}" and reload the policy`;
  return undefined;
}
