import { isIP } from 'node:net';
import { errorWithCode } from './errors/codedError.js';

/** A host as a request names it (`Host` or `X-Forwarded-Host`), checked and lower-cased. */
export interface RequestHost {
  /** A DNS name or IPv4 address, or an IPv6 address in brackets (`[::1]`). */
  readonly hostname: string;
  /** The port as written, without leading zeros; undefined when the host names none. */
  readonly port: string | undefined;
  /** `hostname[:port]`, as it goes into a URL. */
  readonly text: string;
}

/** An `allowedHosts` entry that is not a host name, `*.` wildcard or address, with an optional port. */
export class AllowedHostError extends errorWithCode('CW_BAD_ALLOWED_HOST') {
  override readonly name = 'AllowedHostError';
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST_AND_PORT = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/;

/**
 * `value` as a {@link RequestHost}: a DNS name or IPv4 address or bracketed IPv6 address, with an
 * optional port from 1 to 65535; undefined for anything else (paths, user info, empty labels, a
 * trailing dot, spaces), so no such text ever reaches a URL.
 */
export function parseHost(value: string): RequestHost | undefined {
  const match = HOST_AND_PORT.exec(value.trim().toLowerCase());
  if (match === null) return undefined;
  const [, hostname = '', rawPort] = match;
  if (!isHostname(hostname)) return undefined;
  let port: string | undefined;
  if (rawPort !== undefined) {
    const number = Number(rawPort);
    if (number < 1 || number > 65_535) return undefined;
    port = String(number);
  }
  return { hostname, port, text: port === undefined ? hostname : `${hostname}:${port}` };
}

function isHostname(hostname: string): boolean {
  if (hostname.startsWith('[')) return hostname.endsWith(']') && isIP(hostname.slice(1, -1)) === 6 && !hostname.includes('%');
  return hostname.length <= 253 && hostname.split('.').every((label) => LABEL.test(label));
}

/** One `allowedHosts` entry: an exact host, or a `*.` suffix; `port` undefined means any port. */
interface HostPattern {
  /** The exact hostname, or for a wildcard the suffix after `*` (starting with a dot). */
  readonly name: string;
  readonly wildcard: boolean;
  readonly port: string | undefined;
}

/**
 * Why `entry` is not a usable `allowedHosts` entry (`cw.example.com`, `cw.example.com:8443`,
 * `*.example.com`, `203.0.113.7`, `[2001:db8::1]:443`), naming it; undefined when it is usable.
 */
export function allowedHostProblem(entry: string): string | undefined {
  const pattern = parsePattern(entry);
  return typeof pattern === 'string' ? pattern : undefined;
}

function parsePattern(entry: string): HostPattern | string {
  const text = entry.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) return `allowedHosts entry "${entry}" is a URL; write the host name only, for example cw.example.com`;
  // A bare IPv6 address cannot carry a port, so it is read as the bracketed form.
  const bracketed = isIP(text) === 6 ? `[${text}]` : text;
  const wildcard = bracketed.startsWith('*.');
  const host = parseHost(wildcard ? bracketed.slice(2) : bracketed);
  if (host === undefined) {
    return `allowedHosts entry "${entry}" is not a host name, *.domain wildcard or IP address with an optional :port (for example cw.example.com, *.example.com or cw.example.com:8443)`;
  }
  if (wildcard && (host.hostname.startsWith('[') || host.hostname.split('.').length < 2)) {
    return `allowedHosts entry "${entry}" is too broad: a wildcard needs a domain of at least two labels, for example *.example.com`;
  }
  return { name: wildcard ? `.${host.hostname}` : host.hostname, wildcard, port: host.port };
}

/**
 * The host names stream URLs may be built from (`allowedHosts`): exact names, IP addresses, and
 * `*.example.com` wildcards that match one or more labels (`a.example.com`, `a.b.example.com`, not
 * `example.com` itself). An entry with `:port` matches only requests naming that port; one without
 * matches any port.
 *
 * @example
 * ```ts
 * const hosts = new AllowedHosts(['*.example.com', 'localhost:8080']);
 * hosts.allows(parseHost('cw.example.com:443')!); // true
 * ```
 */
export class AllowedHosts {
  /** The entries as configured. */
  readonly entries: readonly string[];
  readonly #patterns: readonly HostPattern[];

  /** @throws {@link AllowedHostError} naming the first entry that cannot be used. */
  constructor(entries: readonly string[]) {
    this.entries = entries;
    this.#patterns = entries.map((entry) => {
      const pattern = parsePattern(entry);
      if (typeof pattern === 'string') throw new AllowedHostError(pattern);
      return pattern;
    });
  }

  /** True when no host is listed. */
  get empty(): boolean {
    return this.#patterns.length === 0;
  }

  /** True when `host` matches an entry (name and, when the entry has one, port). */
  allows(host: RequestHost): boolean {
    for (const pattern of this.#patterns) {
      if (pattern.port !== undefined && pattern.port !== host.port) continue;
      if (pattern.wildcard ? host.hostname.endsWith(pattern.name) && !host.hostname.startsWith('[') : host.hostname === pattern.name) return true;
    }
    return false;
  }
}
