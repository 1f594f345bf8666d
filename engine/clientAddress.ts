import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { normalizeAddress, type TrustedProxies } from './trustedProxies.js';

/**
 * The address a request really comes from, for per-address limits: the TCP peer, unless the peer
 * is a trusted proxy; then the right-most `X-Forwarded-For` entry that is not itself a trusted
 * proxy (each proxy appends the address it saw, so entries right of the first untrusted one were
 * written by our proxies and everything left of it by the client).
 *
 * @remarks
 * Empty entries (`a,,b`) are skipped. A malformed entry (not an address, or `unknown`) ends the
 * walk and the peer is returned: whatever is left of it could have been written by the client, and
 * believing it would let a client pick its own budget. Without any usable entry, the peer.
 * Addresses are normalised (`::ffff:a.b.c.d` → `a.b.c.d`, ports and brackets dropped).
 *
 * @example
 * ```ts
 * // peer 10.0.0.5 (trusted), X-Forwarded-For: 6.6.6.6, 198.51.100.7
 * clientAddress(request, new TrustedProxies(['10.0.0.0/8'])); // '198.51.100.7'
 * ```
 */
export function clientAddress(request: Pick<IncomingMessage, 'headers' | 'socket'>, trustedProxies: TrustedProxies): string {
  const remote = request.socket.remoteAddress;
  if (remote === undefined) return 'unknown';
  const peer = normalizeAddress(remote);
  if (!trustedProxies.trusts(peer)) return peer;
  const header = request.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (let i = entries.length - 1; i >= 0; i--) {
    const text = entries[i]!.trim();
    if (text === '') continue;
    const address = forwardedAddress(text);
    if (address === undefined) return peer;
    if (!trustedProxies.trusts(address)) return address;
  }
  return peer;
}

/** One `X-Forwarded-For` entry as an address (`a.b.c.d`, `a.b.c.d:port`, `v6`, `[v6]`, `[v6]:port`); undefined when malformed. */
function forwardedAddress(entry: string): string | undefined {
  let text = entry;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed !== null) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.indexOf(':'));
  const family = isIP(text);
  if (family === 0 || (bracketed !== null && family !== 6) || text.includes('%')) return undefined;
  return normalizeAddress(text);
}
