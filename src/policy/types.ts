/**
 * The policy as operators write it (YAML), after ajv has validated it against
 * `policies/schema.json` and filled in the schema's defaults. Keep this file and the schema in
 * step: `test/unit/policy/schema-types.test.ts` checks that every property here exists there.
 */

export type ActionName = 'allow' | 'flag' | 'redact' | 'block';
export type FailMode = 'open' | 'closed';
export type Window = 'second' | 'minute' | 'hour' | 'day' | 'month';

export interface UpstreamConfig {
  /** Base URL including the version path, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Env var holding the provider key the firewall sends upstream. Agents never hold it. */
  apiKeyEnv?: string;
  /** API flavour; decides the auth header sent upstream. */
  kind: 'openai' | 'anthropic';
  /** Extra headers sent upstream (not secrets: use apiKeyEnv). */
  headers?: Record<string, string>;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  /** PEM file with extra CA certificates for upstream TLS. */
  caFile?: string;
  /** UNSAFE: skip upstream TLS verification. Logged loudly at every load. */
  unsafeSkipTlsVerify: boolean;
}

export interface TlsConfig {
  certFile: string;
  keyFile: string;
  /** CA bundle used to verify client certificates (mutual TLS). */
  clientCaFile?: string;
  /** Require a valid client certificate on every connection. */
  requireClientCert: boolean;
}

export interface ServerConfig {
  host: string;
  port: number;
  /** Largest request body accepted, in bytes (413 above). */
  bodyLimit: number;
  /** Deepest JSON nesting accepted in a request body. */
  maxJsonDepth: number;
  tls?: TlsConfig;
  /** Trust X-Forwarded-For from a proxy in front (fastify trustProxy). */
  trustProxy: boolean;
  /** How long SIGTERM waits for in-flight requests, ms. */
  shutdownGraceMs: number;
}

export interface JwtConfig {
  issuer?: string | string[];
  audience?: string | string[];
  jwksUrl?: string;
  /** PEM public key (SPKI) file, for RSA, ECDSA or EdDSA tokens. */
  publicKeyFile?: string;
  /** Env var holding an HMAC secret, for HS* tokens. */
  secretEnv?: string;
  algorithms?: string[];
  /** Claim whose value names the agent (default `sub`). */
  agentClaim: string;
  clockToleranceSec: number;
}

export interface AuthConfig {
  jwt?: JwtConfig;
  /** Failed authentications per client address before it is slowed/refused. */
  failedAttempts: { max: number; windowSeconds: number };
}

export interface StoreConfig {
  /** `redis://…`; in memory when null. `REDIS_URL` overrides. */
  redisUrl: string | null;
  /** What happens to limits when Redis is down. */
  failMode: FailMode;
  keyPrefix: string;
  /** ioredis auto-pipelining for the limits store: admissions issued in the same tick share one
   * write. Saves CPU under many concurrent requests, costs ~50 µs per request at low concurrency
   * (docs/limits.md). Default false. */
  autoPipelining?: boolean;
}

export interface CustomRuleConfig {
  id: string;
  kind: 'injection' | 'pii' | 'secret' | 'custom';
  /** RE2 syntax. Compiled at load; a bad pattern refuses the policy, naming the rule. */
  pattern: string;
  action: ActionName;
  directions: Array<'request' | 'response'>;
  severity: 'low' | 'medium' | 'high' | 'critical';
  description?: string;
}

export interface DetectorsConfig {
  promptInjection: {
    enabled: boolean;
    /** Combined-score threshold 0..1 above which the text counts as an injection. */
    threshold: number;
    /** Also scan the operator's system messages (trusted by default). */
    scanSystem: boolean;
  };
  pii: {
    enabled: boolean;
    entities: string[];
    /** Offline NLP names/places/orgs. */
    nlp: boolean;
    /** PERSON reporting: `anchored` only beside other personal data or in a personal context; `all` wherever a name scores high enough. */
    names: 'anchored' | 'all';
  };
  secrets: { enabled: boolean };
  canary: { enabled: boolean };
  customRules: CustomRuleConfig[];
  /** Rule ids (built-in or custom) whose hits are ignored. */
  disabledRules: string[];
  /** A detector that crashes or times out: block (closed) or let through flagged (open). */
  failMode: FailMode;
  /** Per-scan time budget, ms. */
  timeoutMs: number;
}

export interface DirectionActions {
  promptInjection?: ActionName;
  secrets?: ActionName;
  pii?: ActionName;
  canary?: ActionName;
  custom?: ActionName;
  /**
   * Per PII entity type, overriding `pii` for findings of that type (e.g. `{ PERSON: flag }` while
   * other PII is redacted). An agent's `piiEntities` replaces the defaults' map as a whole.
   */
  piiEntities?: Record<string, ActionName>;
}

export interface ActionsConfig {
  request: DirectionActions;
  response: DirectionActions;
}

export interface BudgetConfig {
  window: Window;
  tokens?: number;
  usd?: number;
}

export interface LimitsConfig {
  requestsPerSecond?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  budgets?: BudgetConfig[];
  /** Output cap reserved when the client sets no max_tokens. */
  defaultMaxOutputTokens?: number;
  /** Limits for each API key of the agent on its own (the agent's limits still apply to all its keys together). */
  perKey?: Pick<LimitsConfig, 'requestsPerSecond' | 'requestsPerMinute' | 'tokensPerMinute' | 'budgets'>;
}

export interface ArgConstraint {
  /** Allowed path prefix, checked after normalisation (no `..`, no encoded escapes). */
  prefix?: string;
  /** RE2 pattern the whole value must match. */
  pattern?: string;
  enum?: Array<string | number | boolean>;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  /** A full JSON Schema for the argument (ajv). */
  schema?: Record<string, unknown>;
}

export interface McpToolRule {
  args?: Record<string, ArgConstraint>;
  /** Reject arguments not named in `args`. */
  denyUnknownArgs?: boolean;
  callsPerMinute?: number;
}

export interface AgentMcpServerPolicy {
  /** Tool name or glob → constraints. Deny by default once present. */
  tools?: Record<string, McpToolRule>;
  /** Resource URI prefixes/globs the agent may read. */
  resources?: string[];
  /** Prompt names/globs the agent may get. */
  prompts?: string[];
}

export interface AgentConfig {
  /** `sha256:<hex>` of each key. Never plaintext. */
  keys: string[];
  /** JWT claim values (see auth.jwt.agentClaim) that map to this agent; the agent name itself always does. */
  jwtSubjects?: string[];
  /** Client-certificate subject CNs that map to this agent (mutual TLS). */
  clientCertSubjects?: string[];
  upstream?: string;
  /** Model globs. Absent = no model allowed. */
  models: string[];
  /** Function-tool name globs the agent may declare and call. Absent = any. */
  tools?: string[];
  /** A declared tool outside `tools`: refuse the request (block) or remove the tool (strip). */
  onDisallowedTool: 'block' | 'strip';
  team?: string;
  actions?: Partial<ActionsConfig>;
  limits?: LimitsConfig;
  mcp?: Record<string, AgentMcpServerPolicy>;
}

export interface PriceConfig {
  /** USD per million tokens. */
  input: number;
  cachedInput?: number;
  /** USD per million input tokens written to the prompt cache (Anthropic cache writes); default `input`. */
  cacheWriteInput?: number;
  output: number;
}

export type McpServerConfig =
  | { command: string; args?: string[]; env?: Record<string, string>; cwd?: string }
  | { url: string; transport?: 'streamable-http' | 'sse'; headers?: Record<string, string> };

export interface McpConfig {
  /** Where tool-definition pins are kept (a JSON file; Redis when the store has one). */
  pinFile: string;
  /** A tool description that looks poisoned: hide it from tools/list, or show it and flag. */
  onPoisonedTool: 'hide' | 'flag';
  /** A tool whose pinned definition changed: block it until re-approved, or flag. */
  onChangedTool: 'block' | 'flag';
  /** Largest JSON-RPC message accepted, bytes. */
  maxMessageBytes: number;
  /** How long a tool call may take before the client gets an error, ms. */
  callTimeoutMs: number;
  /** Host header values the HTTP gateway accepts (DNS-rebinding protection). */
  allowedHosts?: string[];
}

export interface AuditConfig {
  /** `stdout`, `stderr` or a file path. */
  destination: string;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

export interface AdminConfig {
  /** `sha256:` hashes of admin keys for /admin endpoints. */
  keys: string[];
  /** `/metrics` needs an admin key too (default false: open, bind to a private address). */
  protectMetrics: boolean;
}

export interface PolicyDocument {
  version: 1;
  server: ServerConfig;
  upstreams: Record<string, UpstreamConfig>;
  store: StoreConfig;
  auth: AuthConfig;
  admin?: AdminConfig;
  /** Turn every block into a flag: the safe way to roll out. */
  monitorMode: boolean;
  detectors: DetectorsConfig;
  defaults: { actions: ActionsConfig; limits?: LimitsConfig; redaction: { reversible: boolean } };
  pricing: Record<string, PriceConfig>;
  /** Model glob → tiktoken encoding name, overriding the built-in table. */
  encodings?: Record<string, string>;
  teams?: Record<string, { limits?: LimitsConfig }>;
  agents: Record<string, AgentConfig>;
  mcpServers: Record<string, McpServerConfig>;
  mcp: McpConfig;
  audit: AuditConfig;
}
