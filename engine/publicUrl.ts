import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Path Telnyx's `<Stream url>` points at, as on Pipecat Cloud. */
export const TELNYX_STREAM_PATH = '/ws/telnyx';

/** The engine's address as Telnyx reaches it: its HTTP origin and the matching WebSocket origin. */
export interface PublicOrigin {
  /** e.g. `https://callwire.example.com` (plus any path prefix of `publicUrl`, no trailing slash). */
  readonly http: string;
  /** e.g. `wss://callwire.example.com`. */
  readonly ws: string;
}

/** A `publicUrl` from configuration as a {@link PublicOrigin}; http→ws, https→wss. */
export function originFromUrl(publicUrl: string): PublicOrigin {
  const url = new URL(publicUrl);
  const base = `${url.host}${url.pathname.replace(/\/+$/, '')}`;
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  return { http: `${secure ? 'https' : 'http'}://${base}`, ws: `${secure ? 'wss' : 'ws'}://${base}` };
}

/**
 * The origin Telnyx used to reach this request: `X-Forwarded-Host` (first value) or `Host`; https
 * when `X-Forwarded-Proto` says so (a TLS-terminating proxy) or the connection itself is TLS.
 * Undefined when the request names no usable host.
 */
export function originFromRequest(request: IncomingMessage): PublicOrigin | undefined {
  const { headers } = request;
  const host = firstValue(headers['x-forwarded-host']) ?? headers.host;
  if (host === undefined || host === '' || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return undefined;
  const proto = firstValue(headers['x-forwarded-proto'])?.toLowerCase();
  const secure = proto === undefined ? (request.socket as Partial<TLSSocket>).encrypted === true : proto === 'https' || proto === 'wss';
  return { http: `${secure ? 'https' : 'http'}://${host}`, ws: `${secure ? 'wss' : 'ws'}://${host}` };
}

/** The configured origin, else the request's. */
export function publicOrigin(publicUrl: string | undefined, request: IncomingMessage): PublicOrigin | undefined {
  return publicUrl === undefined ? originFromRequest(request) : originFromUrl(publicUrl);
}

/** `wss://HOST/ws/telnyx?serviceHost=AGENT.ORG` plus `query` entries (for example `token`). */
export function mediaStreamUrl(origin: PublicOrigin, serviceHost: string, query: Readonly<Record<string, string>> = {}): string {
  const params = new URLSearchParams({ serviceHost, ...query });
  return `${origin.ws}${TELNYX_STREAM_PATH}?${params.toString()}`;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const first = text?.split(',')[0]?.trim();
  return first === '' ? undefined : first;
}
