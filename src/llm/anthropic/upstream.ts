/**
 * Choosing the Anthropic upstream and the headers sent to it. An agent has one `upstream` in the
 * policy; when it names an OpenAI-kind upstream, Messages calls go to the first upstream of
 * `kind: anthropic` instead (an agent written against both SDKs keeps one key and one policy
 * entry). The firewall sends the upstream's own key as `x-api-key`, `anthropic-version` (the
 * client's, else 2023-06-01), and the client's `anthropic-beta` and other `anthropic-*` headers;
 * the client's credentials never leave the firewall. Transport (pools, timeouts, error phases) is
 * the LLM front end's `forward` (`../upstream-client.ts`).
 */
import type { CompiledPolicy, CompiledUpstream } from '../../policy/index.js';

/** The API version sent when the client names none (Anthropic's first stable version). */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/** The Anthropic upstream for an agent, or undefined when the policy has none. */
export function anthropicUpstreamFor(policy: CompiledPolicy, agentUpstream: string | undefined): CompiledUpstream | undefined {
  const own = agentUpstream === undefined ? undefined : policy.upstreams.get(agentUpstream);
  if (own?.config.kind === 'anthropic') return own;
  for (const u of policy.upstreams.values()) if (u.config.kind === 'anthropic') return u;
  return undefined;
}

/** Headers for the upstream request (see file header). Header names from the client are lower-case (node). */
export function anthropicUpstreamHeaders(
  up: CompiledUpstream, requestId: string, client: Record<string, string | string[] | undefined>, hasBody: boolean,
): Record<string, string> {
  const h: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, v] of Object.entries(client)) {
    if (v === undefined || !name.startsWith('anthropic-')) continue;
    h[name] = Array.isArray(v) ? v.join(',') : v;
  }
  for (const [k, v] of Object.entries(up.config.headers ?? {})) h[k.toLowerCase()] = v;
  h['anthropic-version'] ??= DEFAULT_ANTHROPIC_VERSION;
  h['x-request-id'] = requestId;
  h.accept = 'application/json, text/event-stream';
  if (hasBody) h['content-type'] = 'application/json';
  if (up.apiKey !== undefined) h['x-api-key'] = up.apiKey;
  return { ...h };
}
