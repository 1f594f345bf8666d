import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { AllowedHosts, parseHost } from './allowedHosts.js';
import { originFromUrl, type PublicOrigin } from './publicUrl.js';
import { normalizeAddress, TrustedProxies } from './trustedProxies.js';

/** What decides where stream URLs point; built once from configuration by {@link originPolicy}. */
export interface OriginPolicy {
  /** `publicUrl` as an origin; when set, it is the only answer. */
  readonly configured: PublicOrigin | undefined;
  readonly trustedProxies: TrustedProxies;
  readonly allowedHosts: AllowedHosts;
}

/** The configuration {@link originPolicy} reads. */
export interface OriginSettings {
  readonly publicUrl?: string | undefined;
  readonly trustedProxies?: readonly string[] | undefined;
  readonly allowedHosts?: readonly string[] | undefined;
}

/**
 * The policy for `settings`.
 *
 * @throws {@link TrustedProxyError} or {@link AllowedHostError} for an entry that cannot be used.
 */
export function originPolicy(settings: OriginSettings): OriginPolicy {
  return {
    configured: settings.publicUrl === undefined ? undefined : originFromUrl(settings.publicUrl),
    trustedProxies: new TrustedProxies(settings.trustedProxies ?? []),
    allowedHosts: new AllowedHosts(settings.allowedHosts ?? []),
  };
}

/** Stable codes for why the engine would not build a stream URL for a request. */
export const OriginRefusalCode = {
  /** No publicUrl, no allowedHosts, and the request did not come from a trusted proxy: nothing vouches for its host. */
  UnverifiedHost: 'CW_ORIGIN_UNVERIFIED_HOST',
  /** The request's host is not in allowedHosts. */
  HostNotAllowed: 'CW_ORIGIN_HOST_NOT_ALLOWED',
  /** The request names no host, or one that is not a plain `host[:port]`. */
  NoHost: 'CW_ORIGIN_NO_HOST',
} as const;

/** One of {@link OriginRefusalCode}. */
export type OriginRefusalCode = (typeof OriginRefusalCode)[keyof typeof OriginRefusalCode];

/** Which header a request's host was read from. */
export type HostHeaderName = 'host' | 'x-forwarded-host';

/** Why no stream URL may be built for a request, and how the operator fixes it. */
export interface OriginRefusal {
  readonly ok: false;
  readonly code: OriginRefusalCode;
  /** What to configure; names no request value, so it can be shown to anyone. */
  readonly fix: string;
  /** The header the host was read from. */
  readonly hostHeader: HostHeaderName;
  /** That header's raw value: attacker-controlled, so clip it before logging (`clip`). */
  readonly claimedHost: string | undefined;
  /** The TCP peer, normalised (`::ffff:a.b.c.d` → `a.b.c.d`). */
  readonly peer: string;
}

/** The outcome of {@link resolvePublicOrigin}. */
export type OriginDecision =
  | { readonly ok: true; readonly origin: PublicOrigin; readonly source: 'publicUrl' | HostHeaderName }
  | OriginRefusal;

/** The parts of a request {@link resolvePublicOrigin} reads. */
export type OriginRequest = Pick<IncomingMessage, 'headers' | 'socket'>;

const SET_PUBLIC_URL = 'set publicUrl (CALLWIRE_PUBLIC_URL) to the URL Telnyx reaches this engine at';

/**
 * The origin a stream URL for `request` may point at: the one decision behind every stream URL the
 * engine hands Telnyx (Call Control answer and streaming_start, TeXML, dial-out).
 *
 * @remarks
 * - `publicUrl` set: always that, whatever the request says.
 * - Otherwise the host is `X-Forwarded-Host` and the scheme `X-Forwarded-Proto` only when the TCP
 *   peer is in `trustedProxies` (the right-most value of each: the one the nearest proxy wrote; a
 *   proxy that appends keeps what the client sent on the left). From any other peer both headers
 *   are ignored: the host is `Host`, and the scheme is https when the socket itself is TLS.
 * - When `allowedHosts` is set, the host must match it, including a host a trusted proxy forwarded
 *   (proxies usually pass the client's `Host` on, so the list is the only check on it).
 * - With neither `allowedHosts` nor a trusted peer nothing vouches for the host: refused. The
 *   webhook signature does not cover headers, so a replayed signed event could otherwise send a
 *   caller's audio anywhere.
 *
 * @example
 * ```ts
 * const decision = resolvePublicOrigin(request, policy);
 * if (!decision.ok) return refuse(decision.code, decision.fix);
 * const url = mediaStreamUrl(decision.origin, 'echo.default');
 * ```
 */
export function resolvePublicOrigin(request: OriginRequest, policy: OriginPolicy): OriginDecision {
  if (policy.configured !== undefined) return { ok: true, origin: policy.configured, source: 'publicUrl' };
  const { headers } = request;
  const peer = normalizeAddress(request.socket.remoteAddress ?? '');
  const viaProxy = policy.trustedProxies.trusts(peer);
  const forwardedHost = viaProxy ? lastValue(headers['x-forwarded-host']) : undefined;
  const hostHeader: HostHeaderName = forwardedHost === undefined ? 'host' : 'x-forwarded-host';
  const claimedHost = forwardedHost ?? headers.host;
  const refuse = (code: OriginRefusalCode, fix: string): OriginRefusal => ({ ok: false, code, fix, hostHeader, claimedHost, peer });

  if (policy.allowedHosts.empty && !viaProxy) {
    const fix = policy.trustedProxies.empty
      ? `publicUrl is not set and nothing vouches for the request's Host header: ${SET_PUBLIC_URL}, or list the host names Telnyx uses in allowedHosts (CALLWIRE_ALLOWED_HOSTS), or list your reverse proxy's address in trustedProxies (CALLWIRE_TRUSTED_PROXIES)`
      : `the request did not come from an address in trustedProxies and allowedHosts is empty: ${SET_PUBLIC_URL}, or list the host names Telnyx uses in allowedHosts (CALLWIRE_ALLOWED_HOSTS), or add the proxy's address to trustedProxies (CALLWIRE_TRUSTED_PROXIES)`;
    return refuse(OriginRefusalCode.UnverifiedHost, fix);
  }
  const host = claimedHost === undefined ? undefined : parseHost(claimedHost);
  if (host === undefined) {
    return refuse(OriginRefusalCode.NoHost, `the request's ${hostHeader} header is missing or not a plain host[:port]: ${SET_PUBLIC_URL}, or have the proxy send the host name Telnyx uses`);
  }
  if (!policy.allowedHosts.empty && !policy.allowedHosts.allows(host)) {
    return refuse(
      OriginRefusalCode.HostNotAllowed,
      `the request's ${hostHeader} is not in allowedHosts: if Telnyx really reaches the engine under that name, add it to allowedHosts (CALLWIRE_ALLOWED_HOSTS); or ${SET_PUBLIC_URL}`,
    );
  }
  const secure = isSecure(request, viaProxy ? lastValue(headers['x-forwarded-proto'])?.toLowerCase() : undefined);
  return { ok: true, origin: { http: `${secure ? 'https' : 'http'}://${host.text}`, ws: `${secure ? 'wss' : 'ws'}://${host.text}` }, source: hostHeader };
}

/** https/wss when a trusted proxy says so, http/ws when it says that; otherwise whether the socket itself is TLS. */
function isSecure(request: OriginRequest, forwardedProto: string | undefined): boolean {
  if (forwardedProto === 'https' || forwardedProto === 'wss') return true;
  if (forwardedProto === 'http' || forwardedProto === 'ws') return false;
  return (request.socket as Partial<TLSSocket>).encrypted === true;
}

/** The right-most non-empty comma-separated value of a header (Node joins repeated headers with commas). */
function lastValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(',') : value;
  if (text === undefined) return undefined;
  const parts = text.split(',');
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!.trim();
    if (part !== '') return part;
  }
  return undefined;
}
