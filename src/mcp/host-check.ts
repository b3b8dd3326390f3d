/**
 * DNS-rebinding protection for the HTTP gateway (MCP spec, transports §security: servers MUST
 * validate Origin; bind locally). A browser page on evil.example that rebinds its name to
 * 127.0.0.1 still sends `Host: evil.example`, so the Host (and any Origin) must name an allowed
 * host. Pure string work on the header values.
 */

/** The default: loopback names only. */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Hostname of a Host header value (`name:port`, `[v6]:port`), lower-cased. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.indexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** Why a request is refused ('Host …' / 'Origin …'), or undefined when it may proceed. */
export function hostRefusal(headers: Record<string, string | string[] | undefined>, allowed: readonly string[] | undefined): string | undefined {
  const list = (allowed && allowed.length > 0 ? allowed : LOOPBACK_HOSTS).map((a) => a.toLowerCase());
  const host = headers.host;
  if (typeof host !== 'string' || host.length === 0) return 'missing Host header';
  // An allowlist entry may name host:port exactly, or just the host (any port).
  if (!list.includes(host.toLowerCase()) && !list.includes(hostnameOf(host))) return `Host ${JSON.stringify(host.slice(0, 100))}`;
  const origin = headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let o: URL;
    try { o = new URL(origin); } catch { return 'malformed Origin'; }
    if (!list.includes(o.host.toLowerCase()) && !list.includes(o.hostname.toLowerCase())) return `Origin ${JSON.stringify(origin.slice(0, 100))}`;
  } else if (origin === 'null') {
    return 'Origin "null"';
  }
  return undefined;
}
