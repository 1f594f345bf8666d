/** How long the engine's HTTP server waits for a client, in milliseconds. */
export interface HttpTimeouts {
  /** For a request's headers, from the connection's start (enforced by the connection guard). */
  readonly headersTimeoutMs: number;
  /** For a whole request, body included (Node's `requestTimeout`): a backstop past the body deadline. */
  readonly requestTimeoutMs: number;
  /** For the next request on a kept-alive connection. */
  readonly keepAliveTimeoutMs: number;
  /** For a request body to the engine's own API (dial-out) to arrive once its headers have. */
  readonly bodyTimeoutMs: number;
  /** For a Telnyx webhook's or TeXML request's body, which Telnyx sends with its headers. */
  readonly webhookBodyTimeoutMs: number;
}

/**
 * Defaults sized for Telnyx and a proxy in front: a carrier sends a request's headers and body in
 * milliseconds, so seconds are plenty, and a stranger trickling bytes holds a connection for
 * seconds, not minutes.
 */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 5000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5000, bodyTimeoutMs: 10_000, webhookBodyTimeoutMs: 10_000 };

/** True when `error` says the client went away mid-request (reset, aborted), not that the engine failed. */
export function isClientAbort(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'EPIPE' || error.message === 'aborted' || error.name === 'BodyTimeoutError';
}
