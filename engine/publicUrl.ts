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

/** `wss://HOST/ws/telnyx?serviceHost=AGENT.ORG` plus `query` entries (for example `token`). */
export function mediaStreamUrl(origin: PublicOrigin, serviceHost: string, query: Readonly<Record<string, string>> = {}): string {
  const params = new URLSearchParams({ serviceHost, ...query });
  return `${origin.ws}${TELNYX_STREAM_PATH}?${params.toString()}`;
}
