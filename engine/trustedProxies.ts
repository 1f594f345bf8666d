import { BlockList, isIP } from 'node:net';
import { errorWithCode } from './errors/codedError.js';

/** A `trustedProxies` entry that is neither an IP address nor a CIDR block. */
export class TrustedProxyError extends errorWithCode('CW_BAD_TRUSTED_PROXY') {
  override readonly name = 'TrustedProxyError';
}

/**
 * Why `entry` is not a usable `trustedProxies` entry (an IPv4/IPv6 address or CIDR block such as
 * `10.0.0.0/8` or `fd00::/8`), naming it; undefined when it is usable.
 */
export function trustedProxyProblem(entry: string): string | undefined {
  const [address = '', prefix, extra] = entry.trim().split('/');
  const family = isIP(address);
  if (family === 0 || address.includes('%') || extra !== undefined) {
    return `trustedProxies entry "${entry}" is not an IPv4 or IPv6 address or CIDR block (for example 10.0.0.0/8, 192.0.2.7 or fd00::/8)`;
  }
  if (prefix === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return `trustedProxies entry "${entry}": the prefix length must be a number from 1 to ${bits} for IPv${family}`;
  // A /0 would believe X-Forwarded-* from every address on the internet: the opposite of the point.
  if (Number(prefix) === 0) return `trustedProxies entry "${entry}" would trust every address; list your proxies' addresses or subnets instead`;
  return undefined;
}

/**
 * An address as the engine compares it: an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a
 * dual-stack socket reports for an IPv4 peer) becomes its IPv4 form; anything else is unchanged.
 */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4) return lower.slice(7);
  return lower;
}

/**
 * The reverse proxies whose `X-Forwarded-*` headers the engine believes (`trustedProxies`).
 * Matching goes through node:net's `BlockList`; peers are normalised first, so an IPv4 rule also
 * matches the same address seen as `::ffff:a.b.c.d`.
 *
 * @example
 * ```ts
 * const proxies = new TrustedProxies(['10.0.0.0/8', '::1']);
 * proxies.trusts('::ffff:10.1.2.3'); // true
 * ```
 */
export class TrustedProxies {
  /** The entries as configured. */
  readonly entries: readonly string[];
  readonly #list = new BlockList();

  /** @throws {@link TrustedProxyError} naming the first entry that is not an address or CIDR block. */
  constructor(entries: readonly string[]) {
    this.entries = entries;
    for (const entry of entries) {
      const problem = trustedProxyProblem(entry);
      if (problem !== undefined) throw new TrustedProxyError(problem);
      // Rules stay as written: BlockList matches an IPv4 peer against an IPv4-mapped IPv6 rule too.
      const [address = '', prefix] = entry.trim().split('/');
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.#list.addAddress(address, family);
      else this.#list.addSubnet(address, Number(prefix), family);
    }
  }

  /** True when no proxy is trusted. */
  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** True when `address` (a TCP peer or an `X-Forwarded-For` entry) is one of the trusted proxies. */
  trusts(address: string | undefined): boolean {
    if (address === undefined || this.entries.length === 0) return false;
    const normalized = normalizeAddress(address);
    const family = isIP(normalized);
    if (family === 0) return false;
    return this.#list.check(normalized, family === 4 ? 'ipv4' : 'ipv6');
  }
}
