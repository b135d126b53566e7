/**
 * Which host names the server answers to. A server on 127.0.0.1 is reachable from any web page this
 * machine's browser opens: with DNS rebinding, evil.example resolves to 127.0.0.1 and its script's
 * requests arrive here as same-origin (Host: evil.example), free to pick a person on the console. So the
 * Host is checked before anything else — pages, the session route and the API alike: only the loopback
 * names, `HOST` itself, `PUBLIC_URL`'s host and the names in STOCKTAKE_ALLOWED_HOSTS are answered, on
 * any port. The others get 421 Misdirected Request.
 */
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import type { AppEnv } from './app.ts';
import { HEALTH_PATHS } from './health.ts';
import { httpTexts } from '../domain/texts/http.ts';

/** The names of this machine: a request carrying one of them came from here (or through our own proxy). */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** A request for a host name this server is not configured to answer to. */
export class MisdirectedHostError extends DomainError {
  readonly code = 'MISDIRECTED_HOST';
  constructor(readonly host: string) {
    super(httpTexts.misdirectedHost(host));
  }
}

/** "Example.com.:3000" → "example.com", "[::1]:80" → "[::1]"; null when it is no host name at all. */
export function hostName(hostHeader: string): string | null {
  const text = hostHeader.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^\s:[\]/@]+)(?::\d{1,5})?$/.exec(text);
  return match ? match[1]!.replace(/\.$/, '') : null;
}

/** A configured name as the Host header writes it: lower case, IPv6 in brackets, no port. */
function asHostName(name: string): string | null {
  const text = name.trim().toLowerCase();
  if (!text) return null;
  return text.includes(':') && !text.startsWith('[') ? `[${text}]` : hostName(text);
}

/** The host names a server with this configuration answers to. */
export function allowedHostsOf(config: Pick<Config, 'HOST' | 'PUBLIC_URL' | 'STOCKTAKE_ALLOWED_HOSTS'>): string[] {
  const names = new Set(LOOPBACK_HOSTS);
  // HOST itself, even 0.0.0.0 (what the start banner prints): an address typed by hand, which no rebound
  // domain name can produce.
  const listen = asHostName(config.HOST);
  if (listen) names.add(listen);
  if (config.PUBLIC_URL) names.add(new URL(config.PUBLIC_URL).hostname.toLowerCase());
  for (const name of config.STOCKTAKE_ALLOWED_HOSTS) {
    const host = asHostName(name);
    if (host) names.add(host);
  }
  return [...names];
}

/** Refuses every request whose Host (or absolute request URL) names a host not in `allowed`. */
export function checkHost(allowed: readonly string[]): MiddlewareHandler<AppEnv> {
  const names = new Set(allowed);
  return async (c, next) => {
    // Probes from orchestrators name the pod's address, which nobody configures: health answers any Host.
    if ((HEALTH_PATHS as readonly string[]).includes(c.req.path)) return next();
    // The Host header is what a browser sends; the URL's host differs only for an absolute request target.
    for (const seen of [c.req.header('host'), new URL(c.req.url).host]) {
      if (seen === undefined) continue;
      const name = hostName(seen);
      if (name === null || !names.has(name)) throw new MisdirectedHostError(name ?? seen.slice(0, 100));
    }
    return next();
  };
}
