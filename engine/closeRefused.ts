import type { WebSocket } from 'ws';

/**
 * Closes a stream the engine refuses (bad route or token, a protocol violation, an oversized
 * message) and stops reading it at once: the close frame goes out, but the engine does not keep
 * reading, unmasking and validating whatever the peer goes on sending while it waits for the
 * peer's own close, which a flooding peer never sends.
 */
export function closeRefused(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.OPEN) ws.close(code, reason);
  ws.terminate();
}

/** True for ws's own errors about what the peer sent (an oversized or malformed frame), after which ws is already closing. */
export function isPeerProtocolError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('WS_ERR_');
}
