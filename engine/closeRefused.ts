import type { WebSocket } from 'ws';

/** How long a refused peer has to read our close frame before its socket is destroyed (a round trip or two). */
const CUT_OFF_MS = 250;

/**
 * Closes a stream the engine refuses (bad route or token, a protocol violation) and stops reading
 * it: the close frame goes out, but the engine does not keep reading, unmasking and validating what
 * the peer goes on sending while it waits for the peer's own close, which a flooding peer never
 * sends. Unread bytes pile up in the kernel, which stops the peer (TCP flow control); 250 ms
 * later the socket is destroyed, by when the peer has read the close code.
 */
export function closeRefused(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState !== ws.OPEN) return cutOff(ws);
  ws.close(code, reason);
  ws.pause();
  const timer = setTimeout(() => ws.terminate(), CUT_OFF_MS);
  timer.unref();
  ws.once('close', () => clearTimeout(timer));
}

/**
 * Destroys a socket ws is already closing after a frame it refused (an oversized or malformed one:
 * ws has written its 1009 or 1002). Such a peer ignored a documented limit and is usually still
 * sending at full speed, which ws would go on reading (and dropping) until the close timeout: the
 * close code may be lost to it, the engine's time is not.
 */
export function cutOff(ws: WebSocket): void {
  ws.terminate();
}

/** True for ws's own errors about what the peer sent (an oversized or malformed frame), after which ws is already closing. */
export function isPeerProtocolError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('WS_ERR_');
}
