import type { WebSocket } from 'ws';

/** How long a refused peer has to read our close frame before its socket is destroyed. */
const CUT_OFF_MS = 1000;

/**
 * Closes a stream the engine refuses (bad route or token, a protocol violation) and stops reading
 * it: the close frame goes out, but the engine does not keep reading, unmasking and validating what
 * the peer goes on sending while it waits for the peer's own close, which a flooding peer never
 * sends. Unread bytes pile up in the kernel, which stops the peer (TCP flow control); a second
 * later the socket is destroyed, by when the peer has read the close code.
 */
export function closeRefused(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.OPEN) ws.close(code, reason);
  stopReading(ws);
}

/**
 * Stops reading a socket ws is already closing after a frame it refused (an oversized or malformed
 * one: ws has sent 1009 or 1002), and destroys it a second later.
 */
export function stopReading(ws: WebSocket): void {
  ws.pause();
  // ws resumes the socket on the next tick after its own protocol errors: pause again after that.
  setImmediate(() => ws.pause());
  const cutOff = setTimeout(() => ws.terminate(), CUT_OFF_MS);
  cutOff.unref();
  ws.once('close', () => clearTimeout(cutOff));
}

/** True for ws's own errors about what the peer sent (an oversized or malformed frame), after which ws is already closing. */
export function isPeerProtocolError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('WS_ERR_');
}
